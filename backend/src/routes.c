/*
 * routes.c: every endpoint of the server, with who may call it. The router enforces the method,
 * the role mask, the CSRF token and the JSON content type before a handler runs; handlers check
 * the organisation. The security tests read this table, so a new route needs a row here and
 * nowhere else.
 */
#include "mic.h"

#define COORDINATOR ROLE_BIT(ROLE_COORDINATOR)
#define ISSUER ROLE_BIT(ROLE_ISSUER)

const struct route routes[] = {
	/* method  pattern                                   handler                          roles                  csrf   json */
	{ "GET",    "/api/v1/health",                        handle_health,                   ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/openapi.json",                  handle_openapi,                  ROLES_ANYONE,          false, false },
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
	/* Signed credentials, the keys that sign them and the revocation lists. */
	{ "GET",    "/.well-known/did.json",                 handle_did_document,             ROLES_ANYONE,          false, false },
	{ "GET",    "/.well-known/jwks.json",                handle_jwks,                     ROLES_ANYONE,          false, false },
	{ "GET",    "/status/:list",                         handle_status_list,              ROLES_ANYONE,          false, false },
	{ "GET",    "/api/v1/verify/:id/credential.json",    handle_verify_credential_download, ROLES_ANYONE,        false, false },
	{ "POST",   "/api/v1/verify-credential",             handle_verify_credential_upload, ROLES_ANYONE,          false, true },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
