/*
 * routes.c: every endpoint of the server, with who may call it. The router enforces the method,
 * the role mask, the CSRF token and the JSON content type before a handler runs; handlers check
 * the organisation. The security tests read this table, so a new route needs a row here and
 * nowhere else.
 */
#include "mic.h"

#define COORDINATOR ROLE_BIT(ROLE_COORDINATOR)
#define ISSUER ROLE_BIT(ROLE_ISSUER)
#define EDITOR ROLE_BIT(ROLE_EDITOR)
#define LEARNER ROLE_BIT(ROLE_LEARNER)
#define ORG_ADMIN ROLE_BIT(ROLE_ORG_ADMIN)
#define REVIEWER ROLE_BIT(ROLE_REVIEWER)

const struct route routes[] = {
	/* method  pattern                                   handler                          roles                  csrf   json */
	{ "GET",    "/api/v1/health",                        handle_health,                   ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/openapi.json",                  handle_openapi,                  ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/session",                       handle_session_get,              ROLES_ANYONE,          false, false },
	{ "POST",   "/api/v1/session",                       handle_session_create,           ROLES_ANYONE,          false, true },
	{ "DELETE", "/api/v1/session",                       handle_session_delete,           ROLES_SIGNED_IN,       true,  false },
	{ "GET",    "/api/v1/me",                            handle_me,                       ROLES_SIGNED_IN,       false, false },
	{ "GET",    "/api/v1/microcredentials",              handle_microcredentials_list,    ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/microcredentials/:id",          handle_microcredential_get,      ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/certificates",                  handle_certificates_list,        COORDINATOR | ISSUER,  false, false },
	{ "POST",   "/api/v1/certificates",                  handle_certificate_create,       COORDINATOR | ISSUER,  true,  true },
	{ "GET",    "/api/v1/certificates/:id",              handle_certificate_get,          COORDINATOR | ISSUER,  false, false },
	{ "GET",    "/api/v1/certificates/:id/qr.svg",       handle_certificate_qr_svg,       COORDINATOR | ISSUER,  false, false },
	{ "GET",    "/api/v1/certificates/:id/qr.png",       handle_certificate_qr_png,       COORDINATOR | ISSUER,  false, false },
	{ "POST",   "/api/v1/certificates/:id/revoke",       handle_certificate_revoke,       COORDINATOR | ISSUER,  true,  true },
	{ "GET",    "/api/v1/verify/:id",                    handle_verify,                   ROLES_ANYONE,          false, false },
	{ "GET",    "/v/:id",                                handle_verify_page,              ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/certificates/:id/certificate.pdf", handle_certificate_pdf,       COORDINATOR | ISSUER | LEARNER, false, false },
	{ "GET",    "/api/v1/microcredentials/:id/assessment", handle_assessment_get,           ROLES_ANYONE,          false, false },
	{ "PUT",    "/api/v1/microcredentials/:id/assessment", handle_assessment_put,           COORDINATOR | EDITOR,  true,  true },
	{ "GET",    "/api/v1/microcredentials/:id/assessment/questions", handle_assessment_questions_list, COORDINATOR | EDITOR, false, false },
	{ "POST",   "/api/v1/microcredentials/:id/assessment/questions", handle_assessment_question_create, COORDINATOR | EDITOR, true, true },
	{ "PUT",    "/api/v1/microcredentials/:id/assessment/questions/:question", handle_assessment_question_replace, COORDINATOR | EDITOR, true, true },
	{ "DELETE", "/api/v1/microcredentials/:id/assessment/questions/:question", handle_assessment_question_delete, COORDINATOR | EDITOR, true, false },
	{ "POST",   "/api/v1/microcredentials/:id/attempts", handle_attempt_start,             LEARNER,               true,  false },
	{ "GET",    "/api/v1/attempts/:attempt",             handle_attempt_get,               LEARNER,               false, false },
	{ "PUT",    "/api/v1/attempts/:attempt/answers/:question", handle_attempt_answer,      LEARNER,               true,  true },
	{ "POST",   "/api/v1/attempts/:attempt/submit",      handle_attempt_submit,            LEARNER,               true,  false },
	/* Membership, organisation accounts, e-mail outbox and the coordinators' dashboard. */
	{ "GET",    "/api/v1/organisations",                 handle_organisations_list,       ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/organisations/:id",             handle_organisation_get,         ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/organisations/:id/logo",        handle_organisation_logo_get,    ROLES_ANYONE,          false, false },
	{ "PUT",    "/api/v1/organisations/:id/logo",        handle_organisation_logo_put,    COORDINATOR | ORG_ADMIN, true, false },
	{ "POST",   "/api/v1/organisations/:id/status",      handle_organisation_status,      COORDINATOR,           true,  true },
	{ "GET",    "/api/v1/organisations/:id/users",       handle_organisation_users_list,  COORDINATOR | ORG_ADMIN, false, false },
	{ "POST",   "/api/v1/organisations/:id/users",       handle_organisation_user_invite, COORDINATOR | ORG_ADMIN, true, true },
	{ "PUT",    "/api/v1/organisations/:id/users/:user_id", handle_organisation_user_update, COORDINATOR | ORG_ADMIN, true, true },
	{ "DELETE", "/api/v1/organisations/:id/users/:user_id", handle_organisation_user_remove, COORDINATOR | ORG_ADMIN, true, false },
	{ "POST",   "/api/v1/applications",                  handle_application_create,       ROLES_ANYONE,          false, true },
	{ "GET",    "/api/v1/applications",                  handle_applications_list,        COORDINATOR,           false, false },
	{ "POST",   "/api/v1/applications/confirm",          handle_application_confirm,      ROLES_ANYONE,          false, true },
	{ "POST",   "/api/v1/applications/:id/approve",      handle_application_approve,      COORDINATOR,           true,  false },
	{ "POST",   "/api/v1/applications/:id/reject",       handle_application_reject,       COORDINATOR,           true,  true },
	{ "POST",   "/api/v1/applications/:id/request-information", handle_application_request_information, COORDINATOR, true, true },
	{ "POST",   "/api/v1/account/password",              handle_account_password,         ROLES_ANYONE,          false, true },
	{ "POST",   "/api/v1/password-resets",               handle_password_reset_request,   ROLES_ANYONE,          false, true },
	{ "GET",    "/api/v1/outbox",                        handle_outbox_list,              COORDINATOR,           false, false },
	{ "GET",    "/api/v1/audit",                         handle_audit_list,               COORDINATOR,           false, false },
	{ "GET",    "/api/v1/dashboard/queues",              handle_dashboard_queues,         COORDINATOR,           false, false },
	{ "GET",    "/api/v1/dashboard/members",             handle_members_list,             COORDINATOR,           false, false },
	{ "GET",    "/api/v1/figures/:name",                 handle_figure,                   COORDINATOR,           false, false },
	/* Versions and their validation; handlers check the organisation and the reviewer assignment. */
	{ "POST",   "/api/v1/microcredentials",                        handle_microcredential_create,          EDITOR,                         true,  true },
	{ "PUT",    "/api/v1/microcredentials/:id/draft",              handle_microcredential_draft_save,      EDITOR,                         true,  true },
	{ "POST",   "/api/v1/microcredentials/:id/submit",             handle_microcredential_submit,          EDITOR,                         true,  false },
	{ "POST",   "/api/v1/microcredentials/:id/reviewers",          handle_microcredential_reviewers,       COORDINATOR,                    true,  true },
	{ "PUT",    "/api/v1/microcredentials/:id/reviews/mine",       handle_microcredential_review,          REVIEWER,                       true,  true },
	{ "POST",   "/api/v1/microcredentials/:id/approve",            handle_microcredential_approve,         COORDINATOR,                    true,  false },
	{ "POST",   "/api/v1/microcredentials/:id/request-changes",    handle_microcredential_request_changes, COORDINATOR,                    true,  true },
	{ "POST",   "/api/v1/microcredentials/:id/publish",            handle_microcredential_publish,         COORDINATOR,                    true,  false },
	{ "POST",   "/api/v1/microcredentials/:id/retire",             handle_microcredential_retire,          COORDINATOR,                    true,  false },
	{ "GET",    "/api/v1/microcredentials/:id/versions",           handle_microcredential_versions,        ROLES_SIGNED_IN,                false, false },
	{ "GET",    "/api/v1/microcredentials/:id/versions/:number",   handle_microcredential_version_get,     ROLES_SIGNED_IN,                false, false },
	{ "GET",    "/api/v1/microcredentials/:id/history",            handle_microcredential_history,         ROLES_SIGNED_IN,                false, false },
	{ "GET",    "/api/v1/validation-queue",                        handle_validation_queue,                COORDINATOR | EDITOR | REVIEWER, false, false },
	/* Exports and reference data of the catalogue. */
	{ "GET",    "/api/v1/microcredentials.csv",                    handle_microcredentials_csv,            ROLES_ANYONE,                   false, false },
	{ "GET",    "/api/v1/microcredentials/:id/achievement.json",   handle_microcredential_achievement,     ROLES_ANYONE,                   false, false },
	{ "GET",    "/api/v1/esco/occupations",                        handle_esco_occupations,                ROLES_ANYONE,                   false, false },
	{ "GET",    "/api/v1/esco/skills",                             handle_esco_skills,                     ROLES_ANYONE,                   false, false },
	{ "GET",    "/api/v1/eqf-levels",                              handle_eqf_levels,                      ROLES_ANYONE,                   false, false },
	/* Signed credentials, the keys that sign them and the revocation lists. */
	{ "GET",    "/.well-known/did.json",                 handle_did_document,             ROLES_ANYONE,          false, false },
	{ "GET",    "/.well-known/jwks.json",                handle_jwks,                     ROLES_ANYONE,          false, false },
	{ "GET",    "/status/:list",                         handle_status_list,              ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/verify/:id/credential.json",    handle_verify_credential_download, ROLES_ANYONE,        false, false },
	{ "POST",   "/api/v1/verify-credential",             handle_verify_credential_upload, ROLES_ANYONE,          false, true },
	/* The learner's wallet and erasure of a holder's personal data. */
	{ "GET",    "/api/v1/wallet",                        handle_wallet_list,              LEARNER,               false, false },
	{ "POST",   "/api/v1/wallet/erasure",                handle_wallet_erasure,           LEARNER,               true,  true },
	{ "POST",   "/api/v1/wallet/certificates/:id/erasure", handle_wallet_certificate_erasure, LEARNER,           true,  true },
	/* Bulk issuing from CSV files; the handler checks the promoting organisation. */
	{ "POST",   "/api/v1/bulk-issues",                   handle_bulk_issue_create,        COORDINATOR | ISSUER,  true,  false },
	/* Learners who register themselves. */
	{ "POST",   "/api/v1/registrations",                 handle_registration_create,      ROLES_ANYONE,          false, true },
	{ "POST",   "/api/v1/registrations/confirm",         handle_registration_confirm,     ROLES_ANYONE,          false, true },
	/* Statistics of an online assessment; the handler checks the promoting organisation. */
	{ "GET",    "/api/v1/microcredentials/:id/assessment/statistics", handle_assessment_statistics, COORDINATOR | EDITOR, false, false },
	/* The online assessment of one version, for its editors, coordinators and assigned reviewers. */
	{ "GET",    "/api/v1/microcredentials/:id/versions/:number/assessment", handle_version_assessment_get, ROLES_SIGNED_IN, false, false },
	/* Bulk issuing jobs; the handlers check the promoting organisation. */
	{ "GET",    "/api/v1/bulk-issues",                   handle_bulk_issues_list,         COORDINATOR | ISSUER,  false, false },
	/* Before /api/v1/bulk-issues/:id, which would take "columns" as an id: the first match wins. */
	{ "GET",    "/api/v1/bulk-issues/columns",           handle_bulk_issue_columns,       COORDINATOR | ISSUER,  false, false },
	{ "GET",    "/api/v1/bulk-issues/:id",               handle_bulk_issue_get,           COORDINATOR | ISSUER,  false, false },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
