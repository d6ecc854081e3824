import { createUser } from '../lib/stack.mjs';

// What the authorisation matrix (security-matrix.test.mjs) expects of each route beyond its role
// mask in backend/src/routes.c, keyed by "METHOD /pattern" exactly as the table writes it. Every
// route of the table needs an entry here, or the matrix fails; DEVELOPERS.md explains the fields.
// The fixture fx comes from tests/lib/security-fixture.mjs.
//
// scope:
//   'none'          the route involves no organisation: every role of the mask gets a 2xx.
//   'filtered'      a list narrowed to the caller's organisation: every role of the mask gets 2xx.
//   'organisation'  the route acts on an object of one organisation (always fx.own here):
//                   coordinators and callers of that organisation get 2xx, a caller of another
//                   organisation gets 403 even when the role mask allows the role.
// otherOrganisationCode: optional; the error code of that 403 when the handler names the reason
//   more precisely than 'forbidden' (default 'forbidden').
// request(fx, caller): optional; returns {path, json} for one call. path defaults to the pattern,
//   and json is sent for routes with a JSON body; routes without one may return {body, headers}
//   instead (a logo upload). It is called once per caller, so it may create a fresh object (a
//   certificate to revoke) each time. caller is {role, organisation: 'own' | 'other' | null,
//   account}; account is null for the anonymous caller.
// unchanged(fx, request): optional; returns a snapshot of what a refused call must not change. The
//   matrix compares the snapshot before and after every 401 and 403.
// secretFields: optional; JSON fields that the route stores but never returns (a password). The
//   hostile-input test checks those by signing in with the value instead of looking for it in the
//   response.
// freshAccount(caller): optional; returns a new account used in place of caller.account (or null
//   to keep it), for a route whose success ends the account (erasure).
// storedExactly(fx, body, field, value): optional; for a route that accepts text without
//   returning it, tells the hostile-input test whether value was stored exactly.
// storesNothing: optional; true for a route that only evaluates its body (credential
//   verification). The hostile-input test then checks that an accepted body changed no table,
//   instead of looking for the text in the response.

/** A JSON body that POST /api/v1/session accepts for the caller, or for a spare account. */
function signInBody(fx, caller) {
  const account = caller.account || fx.spareAccount;
  return { email: account.email, password: account.password };
}

async function certificatePath(fx, suffix = '') {
  return `/api/v1/certificates/${await fx.sharedCertificate()}${suffix}`;
}

/** The caller's account when it is a learner, else the spare learner: attempts belong to learners. */
function learnerOf(fx, caller) {
  return caller.role === 'learner' ? caller.account : fx.spareAccount;
}

/** Snapshot of every version of micro-credential id: status, reviewers assigned and reviews given. */
function versionState(fx, id) {
  return fx.sql(
    'SELECT v.version, v.status, v.title,' +
      ' (SELECT COUNT(*) FROM microcredential_reviewers a WHERE a.version_id = v.id),' +
      ' (SELECT COUNT(*) FROM microcredential_reviews r WHERE r.version_id = v.id)' +
      ` FROM microcredential_versions v WHERE v.microcredential_id = ${id} ORDER BY v.version`,
  );
}

function applicationState(fx, id) {
  return fx.sql(`SELECT status, decision_message, organisation_id FROM applications WHERE id = ${id}`);
}

/** A path under the assessment that editors change, which no learner is taking. */
async function assessmentPath(fx, suffix = '') {
  return `/api/v1/microcredentials/${await fx.authored()}/assessment${suffix}`;
}

export const ROUTE_EXPECTATIONS = {
  'GET /api/v1/health': { scope: 'none' },
  'GET /api/v1/openapi.json': { scope: 'none' },
  'POST /api/v1/session': {
    scope: 'none',
    request: (fx, caller) => ({ json: signInBody(fx, caller) }),
  },
  'GET /api/v1/session': { scope: 'none' },
  'DELETE /api/v1/session': { scope: 'none' },
  'GET /api/v1/me': { scope: 'none' },
  'GET /api/v1/microcredentials': { scope: 'none' },
  'GET /api/v1/microcredentials/:id': {
    scope: 'none',
    request: (fx) => ({ path: `/api/v1/microcredentials/${fx.microcredential.id}` }),
  },
  'GET /api/v1/certificates': { scope: 'filtered' },
  'POST /api/v1/certificates': {
    scope: 'organisation',
    request: (fx) => {
      const marker = fx.marker();
      return {
        json: {
          microcredential_id: fx.microcredential.id,
          holder_name: `Matrix Holder ${marker}`,
          holder_email: `${marker}@example.org`,
        },
        marker,
      };
    },
    unchanged: (fx, request) => fx.certificateRowsWith(request.marker),
  },
  'GET /api/v1/certificates/:id': {
    scope: 'organisation',
    request: async (fx) => ({ path: await certificatePath(fx) }),
  },
  'GET /api/v1/certificates/:id/qr.svg': {
    scope: 'organisation',
    request: async (fx) => ({ path: await certificatePath(fx, '/qr.svg') }),
  },
  'GET /api/v1/certificates/:id/qr.png': {
    scope: 'organisation',
    request: async (fx) => ({ path: await certificatePath(fx, '/qr.png') }),
  },
  'POST /api/v1/certificates/:id/revoke': {
    scope: 'organisation',
    request: async (fx) => {
      const id = await fx.newCertificate();
      return { path: `/api/v1/certificates/${id}/revoke`, json: { reason: 'Issued in error' }, id };
    },
    unchanged: (fx, request) => fx.sql(`SELECT revoked_at, revocation_reason FROM certificates WHERE id = '${request.id}'`),
  },
  'GET /api/v1/verify/:id': {
    scope: 'none',
    request: async (fx) => ({ path: `/api/v1/verify/${await fx.sharedCertificate()}` }),
  },
  'GET /v/:id': {
    scope: 'none',
    request: async (fx) => ({ path: `/v/${await fx.sharedCertificate()}` }),
  },
  'GET /api/v1/certificates/:id/certificate.pdf': {
    scope: 'organisation',
    // Learners may download only their own certificates: the learner of the own organisation asks
    // for one it holds, the one of the other organisation for somebody else's (403).
    request: async (fx, caller) => {
      const own = caller.role === 'learner' && caller.organisation === 'own';
      const id = own ? await fx.newCertificateFor(caller.account) : await fx.sharedCertificate();
      return { path: `/api/v1/certificates/${id}/certificate.pdf` };
    },
  },

  // Online assessments: editors change fx.authored(), a draft; learners take fx.assessed(), a
  // published version. Both belong to the own organisation.
  'GET /api/v1/microcredentials/:id/assessment': {
    scope: 'none',
    request: async (fx) => ({ path: `/api/v1/microcredentials/${await fx.assessed()}/assessment` }),
  },
  'PUT /api/v1/microcredentials/:id/assessment': {
    scope: 'organisation',
    // NOTE: no numeric rule here, because the hostile-input test sends null for each number, and
    // null means "keep the current value" for these optional fields.
    request: async (fx) => ({ path: await assessmentPath(fx), json: { supervision: 'unsupervised_no_id_check' } }),
    unchanged: async (fx) => fx.sql(`SELECT supervision, updated_at, updated_by FROM assessments WHERE microcredential_id = ${await fx.authored()}`),
  },
  'GET /api/v1/microcredentials/:id/assessment/questions': {
    scope: 'organisation',
    request: async (fx) => ({ path: await assessmentPath(fx, '/questions') }),
  },
  'POST /api/v1/microcredentials/:id/assessment/questions': {
    scope: 'organisation',
    request: async (fx) => {
      const marker = fx.marker();
      return { path: await assessmentPath(fx, '/questions'), json: fx.trueFalseQuestion(marker), marker };
    },
    unchanged: (fx, request) => fx.sql(`SELECT COUNT(*) FROM assessment_questions WHERE prompt LIKE '%${request.marker}%'`),
  },
  'PUT /api/v1/microcredentials/:id/assessment/questions/:question': {
    scope: 'organisation',
    // Replacing retires the old question, so each call replaces a fresh one.
    request: async (fx) => {
      const question = await fx.newQuestion();
      return { path: await assessmentPath(fx, `/questions/${question}`), json: fx.trueFalseQuestion(fx.marker()), question };
    },
    unchanged: (fx, request) => fx.sql(`SELECT retired_at FROM assessment_questions WHERE id = ${request.question}`),
  },
  'DELETE /api/v1/microcredentials/:id/assessment/questions/:question': {
    scope: 'organisation',
    request: async (fx) => {
      const question = await fx.newQuestion();
      return { path: await assessmentPath(fx, `/questions/${question}`), question };
    },
    unchanged: (fx, request) => fx.sql(`SELECT retired_at FROM assessment_questions WHERE id = ${request.question}`),
  },

  // Attempts: each learner acts on an attempt of their own; the role mask rejects other roles.
  'POST /api/v1/microcredentials/:id/attempts': {
    scope: 'none',
    request: async (fx) => ({ path: `/api/v1/microcredentials/${await fx.assessed()}/attempts` }),
    unchanged: async (fx) => fx.sql(`SELECT COUNT(*) FROM assessment_attempts WHERE microcredential_id = ${await fx.assessed()}`),
  },
  'GET /api/v1/attempts/:attempt': {
    scope: 'none',
    request: async (fx, caller) => ({ path: `/api/v1/attempts/${(await fx.attemptOf(learnerOf(fx, caller))).id}` }),
  },
  'PUT /api/v1/attempts/:attempt/answers/:question': {
    scope: 'none',
    request: async (fx, caller) => {
      const attempt = await fx.attemptOf(learnerOf(fx, caller));
      // A wrong answer, so that the learner does not pass and may start further attempts.
      return { path: `/api/v1/attempts/${attempt.id}/answers/${attempt.questions[0].id}`, json: { answer: false }, attempt: attempt.id };
    },
    unchanged: (fx, request) => fx.sql(`SELECT question_id, answer, answered_at FROM assessment_answers WHERE attempt_id = '${request.attempt}'`),
  },
  'POST /api/v1/attempts/:attempt/submit': {
    scope: 'none',
    request: async (fx, caller) => {
      const attempt = await fx.attemptOf(learnerOf(fx, caller));
      return { path: `/api/v1/attempts/${attempt.id}/submit`, attempt: attempt.id };
    },
    unchanged: (fx, request) => fx.sql(`SELECT status, submitted_at FROM assessment_attempts WHERE id = '${request.attempt}'`),
  },

  // Organisations, their users and logos; fx.ownOrganisationId is the own organisation.
  'GET /api/v1/organisations': { scope: 'none' },
  'GET /api/v1/organisations/:id': {
    scope: 'none',
    request: (fx) => ({ path: `/api/v1/organisations/${fx.ownOrganisationId}` }),
  },
  'GET /api/v1/organisations/:id/logo': {
    scope: 'none',
    request: async (fx) => {
      await fx.sharedLogo();
      return { path: `/api/v1/organisations/${fx.ownOrganisationId}/logo` };
    },
  },
  'PUT /api/v1/organisations/:id/logo': {
    scope: 'organisation',
    request: (fx) => ({
      path: `/api/v1/organisations/${fx.ownOrganisationId}/logo`,
      body: fx.PNG_1X1,
      headers: { 'Content-Type': 'image/png' },
    }),
    unchanged: (fx) => fx.sql(`SELECT sha256, updated_at FROM organisation_logos WHERE organisation_id = ${fx.ownOrganisationId}`),
  },
  'POST /api/v1/organisations/:id/status': {
    scope: 'none',
    // A member organisation of its own, because suspending the own organisation would reject
    // every later change by the callers.
    request: async (fx) => {
      const id = await fx.newOrganisation();
      return { path: `/api/v1/organisations/${id}/status`, json: { status: 'suspended', reason: 'Membership fee unpaid' }, id };
    },
    unchanged: (fx, request) => fx.sql(`SELECT status, status_changed_at FROM organisations WHERE id = ${request.id}`),
  },
  'GET /api/v1/organisations/:id/users': {
    scope: 'organisation',
    request: (fx) => ({ path: `/api/v1/organisations/${fx.ownOrganisationId}/users` }),
  },
  'POST /api/v1/organisations/:id/users': {
    scope: 'organisation',
    request: (fx) => {
      const marker = fx.marker();
      return {
        path: `/api/v1/organisations/${fx.ownOrganisationId}/users`,
        json: { email: `${marker}@example.org`, name: `Invited ${marker}`, role: 'editor' },
        marker,
      };
    },
    unchanged: (fx, request) => fx.sql(`SELECT COUNT(*) FROM users WHERE email LIKE '${request.marker}%'`),
  },
  'PUT /api/v1/organisations/:id/users/:user_id': {
    scope: 'organisation',
    request: async (fx) => {
      const user = await fx.newOrganisationUser('editor');
      return { path: `/api/v1/organisations/${fx.ownOrganisationId}/users/${user.id}`, json: { role: 'reviewer' }, user: user.id };
    },
    unchanged: (fx, request) => fx.sql(`SELECT role, disabled_at FROM users WHERE id = ${request.user}`),
  },
  'DELETE /api/v1/organisations/:id/users/:user_id': {
    scope: 'organisation',
    request: async (fx) => {
      const user = await fx.newOrganisationUser('editor');
      return { path: `/api/v1/organisations/${fx.ownOrganisationId}/users/${user.id}`, user: user.id };
    },
    unchanged: (fx, request) => fx.sql(`SELECT role, disabled_at FROM users WHERE id = ${request.user}`),
  },

  // Applications to join, each decision on a fresh application.
  'POST /api/v1/applications': {
    scope: 'none',
    request: (fx) => {
      const marker = fx.marker();
      return {
        json: {
          name: `Matrix School ${marker}`,
          type: 'vet_provider',
          country: 'PT',
          contact_name: `Contact ${marker}`,
          contact_email: `${marker}@example.org`,
          motivation: 'We train carpenters.',
          charter_accepted: true,
        },
        marker,
      };
    },
    unchanged: (fx, request) => fx.sql(`SELECT COUNT(*) FROM applications WHERE name LIKE '%${request.marker}'`),
  },
  'GET /api/v1/applications': { scope: 'none' },
  'POST /api/v1/applications/confirm': {
    scope: 'none',
    request: async (fx) => {
      const application = await fx.newApplication();
      return { json: { token: application.token }, id: application.id };
    },
    unchanged: (fx, request) => applicationState(fx, request.id),
  },
  'POST /api/v1/applications/:id/approve': {
    scope: 'none',
    request: async (fx) => {
      const id = await fx.newConfirmedApplication();
      return { path: `/api/v1/applications/${id}/approve`, id };
    },
    unchanged: (fx, request) => applicationState(fx, request.id),
  },
  'POST /api/v1/applications/:id/reject': {
    scope: 'none',
    request: async (fx) => {
      const id = await fx.newConfirmedApplication();
      return { path: `/api/v1/applications/${id}/reject`, json: { reason: 'Not a training provider' }, id };
    },
    unchanged: (fx, request) => applicationState(fx, request.id),
  },
  'POST /api/v1/applications/:id/request-information': {
    scope: 'none',
    request: async (fx) => {
      const id = await fx.newConfirmedApplication();
      return { path: `/api/v1/applications/${id}/request-information`, json: { message: 'Which courses do you offer?' }, id };
    },
    unchanged: (fx, request) => applicationState(fx, request.id),
  },

  // Accounts.
  'POST /api/v1/account/password': {
    scope: 'none',
    request: async (fx) => {
      const invitation = await fx.newInvitation();
      return { json: { token: invitation.token, password: `pw-${fx.marker()}` }, email: invitation.email };
    },
    secretFields: ['password'],
  },
  'POST /api/v1/password-resets': {
    scope: 'none',
    request: (fx) => ({ json: { email: fx.spareAccount.email } }),
  },

  // The coordinators' outbox, audit log and dashboard.
  'GET /api/v1/outbox': { scope: 'none' },
  'GET /api/v1/audit': { scope: 'none' },
  'GET /api/v1/dashboard/queues': { scope: 'none' },
  'GET /api/v1/dashboard/members': { scope: 'none' },
  'GET /api/v1/figures/:name': {
    scope: 'none',
    request: () => ({ path: '/api/v1/figures/certificates-per-month' }),
  },

  // Versions and their validation. Each transition acts on a fresh micro-credential of the own
  // organisation in the state the transition starts from.
  'POST /api/v1/microcredentials': {
    scope: 'none',
    // NOTE: text fields only, because the hostile-input test sends null for each number, and a
    // draft may leave every number out.
    request: (fx) => {
      const marker = fx.marker();
      return { json: { title: `Matrix draft ${marker}`, summary: 'Drafted by the security suite.' }, marker };
    },
    unchanged: (fx, request) => fx.sql(`SELECT COUNT(*) FROM microcredential_versions WHERE title LIKE '%${request.marker}'`),
  },
  'PUT /api/v1/microcredentials/:id/draft': {
    scope: 'organisation',
    otherOrganisationCode: 'not_promoting_organisation',
    request: async (fx) => {
      const id = await fx.sharedDraft();
      return { path: `/api/v1/microcredentials/${id}/draft`, json: { title: `Matrix draft ${fx.marker()}`, summary: 'Edited by the security suite.' }, id };
    },
    unchanged: (fx, request) => versionState(fx, request.id),
  },
  'POST /api/v1/microcredentials/:id/submit': {
    scope: 'organisation',
    otherOrganisationCode: 'not_promoting_organisation',
    request: async (fx) => {
      const id = await fx.newDraft();
      return { path: `/api/v1/microcredentials/${id}/submit`, id };
    },
    unchanged: (fx, request) => versionState(fx, request.id),
  },
  'POST /api/v1/microcredentials/:id/reviewers': {
    scope: 'none',
    request: async (fx) => {
      const id = await fx.newSubmitted();
      return { path: `/api/v1/microcredentials/${id}/reviewers`, json: { reviewer_ids: await fx.reviewerIds() }, id };
    },
    unchanged: (fx, request) => versionState(fx, request.id),
  },
  'PUT /api/v1/microcredentials/:id/reviews/mine': {
    // Every reviewer caller reviews a version it is assigned to; the role mask rejects other roles.
    scope: 'none',
    request: async (fx, caller) => {
      const id = await fx.newInReview(caller.role === 'reviewer' ? caller.account : undefined);
      return {
        path: `/api/v1/microcredentials/${id}/reviews/mine`,
        json: { checklist: fx.passedChecklist(), recommendation: 'approve', comment: 'Clear outcomes' },
        id,
      };
    },
    unchanged: (fx, request) => versionState(fx, request.id),
  },
  'POST /api/v1/microcredentials/:id/approve': {
    scope: 'none',
    request: async (fx) => {
      const id = await fx.newReviewed();
      return { path: `/api/v1/microcredentials/${id}/approve`, id };
    },
    unchanged: (fx, request) => versionState(fx, request.id),
  },
  'POST /api/v1/microcredentials/:id/request-changes': {
    scope: 'none',
    request: async (fx) => {
      const id = await fx.newSubmitted();
      return { path: `/api/v1/microcredentials/${id}/request-changes`, json: { comment: 'Describe the assessment' }, id };
    },
    unchanged: (fx, request) => versionState(fx, request.id),
  },
  'POST /api/v1/microcredentials/:id/publish': {
    scope: 'none',
    request: async (fx) => {
      const id = await fx.newApproved();
      return { path: `/api/v1/microcredentials/${id}/publish`, id };
    },
    unchanged: (fx, request) => versionState(fx, request.id),
  },
  'POST /api/v1/microcredentials/:id/retire': {
    scope: 'none',
    request: async (fx) => {
      const id = await fx.newPublished();
      return { path: `/api/v1/microcredentials/${id}/retire`, id };
    },
    unchanged: (fx, request) => versionState(fx, request.id),
  },
  'GET /api/v1/microcredentials/:id/versions': {
    scope: 'organisation',
    request: (fx) => ({ path: `/api/v1/microcredentials/${fx.microcredential.id}/versions` }),
  },
  'GET /api/v1/microcredentials/:id/versions/:number': {
    scope: 'organisation',
    request: (fx) => ({ path: `/api/v1/microcredentials/${fx.microcredential.id}/versions/1` }),
  },
  'GET /api/v1/microcredentials/:id/history': {
    scope: 'organisation',
    request: (fx) => ({ path: `/api/v1/microcredentials/${fx.microcredential.id}/history` }),
  },
  'GET /api/v1/validation-queue': { scope: 'filtered' },

  // Exports and reference data of the catalogue.
  'GET /api/v1/microcredentials.csv': { scope: 'none' },
  'GET /api/v1/microcredentials/:id/achievement.json': {
    scope: 'none',
    request: (fx) => ({ path: `/api/v1/microcredentials/${fx.microcredential.id}/achievement.json` }),
  },
  'GET /api/v1/esco/occupations': { scope: 'none' },
  'GET /api/v1/esco/skills': { scope: 'none' },
  'GET /api/v1/eqf-levels': { scope: 'none' },

  // Signed credentials, their keys and the revocation lists.
  'GET /.well-known/did.json': { scope: 'none' },
  'GET /.well-known/jwks.json': { scope: 'none' },
  'GET /status/:list': {
    scope: 'none',
    request: async (fx) => {
      const credential = await fx.sharedCredential();
      return { path: new URL(credential.credentialStatus.statusListCredential).pathname };
    },
  },
  'GET /api/v1/verify/:id/credential.json': {
    scope: 'none',
    request: async (fx) => ({ path: `/api/v1/verify/${await fx.sharedCertificate()}/credential.json` }),
  },
  'POST /api/v1/verify-credential': {
    scope: 'none',
    storesNothing: true,
    request: async (fx) => ({ json: await fx.sharedCredential() }),
  },

  // The learner's wallet. Erasing an account ends it, so each call erases a fresh learner.
  'GET /api/v1/wallet': { scope: 'none' },
  'POST /api/v1/wallet/erasure': {
    scope: 'none',
    freshAccount: (caller) => (caller.role === 'learner' ? createUser({ role: 'learner' }) : null),
    request: () => ({ json: { confirm: true } }),
    unchanged: (fx) => fx.sql("SELECT COUNT(*) FROM users WHERE disabled_at IS NOT NULL"),
  },
  'POST /api/v1/wallet/certificates/:id/erasure': {
    scope: 'none',
    request: async (fx, caller) => {
      const account = learnerOf(fx, caller);
      const id = await fx.newCertificateFor(account);
      return { path: `/api/v1/wallet/certificates/${id}/erasure`, json: { confirm: true }, id };
    },
    unchanged: (fx, request) => fx.sql(`SELECT holder_name, withdrawn_at FROM certificates WHERE id = '${request.id}'`),
  },
  // Bulk issuing: a dry run of a one-row CSV file for the insulation micro-credential.
  'POST /api/v1/bulk-issues': {
    scope: 'organisation',
    request: (fx) => ({
      path: `/api/v1/bulk-issues?microcredential_id=${fx.microcredential.id}&dry_run=true`,
      body: `holder_name,email\nBulk Holder,${fx.marker()}@example.org\n`,
      headers: { 'Content-Type': 'text/csv' },
    }),
  },
  // Learners register themselves; an address that has an account gets the same answer.
  'POST /api/v1/registrations': {
    scope: 'none',
    request: (fx) => ({ json: { name: 'Matrix Learner', email: `${fx.marker()}@example.org`, password: 'a long enough password' } }),
    // The reply never repeats the input, so the name is read back from the account. The address
    // in body already has an account by the time the password is sent (the name was sent with it
    // first), so the password is tried on a new registration, confirmed, then signed in with.
    storedExactly: async (fx, body, field, value) => {
      if (field === 'name') return (await fx.sqlValue(`SELECT HEX(name) FROM users WHERE email = '${body.email}'`)) === Buffer.from(value).toString('hex').toUpperCase();
      if (field === 'password') return fx.registerConfirmSignIn(value);
      return false;
    },
  },
  'POST /api/v1/registrations/confirm': {
    scope: 'none',
    request: async (fx) => ({ json: { token: await fx.newRegistrationToken() } }),
  },
  'GET /api/v1/microcredentials/:id/assessment/statistics': {
    scope: 'organisation',
    request: async (fx) => ({ path: await assessmentPath(fx, '/statistics') }),
  },
  'GET /api/v1/microcredentials/:id/versions/:number/assessment': {
    scope: 'organisation',
    request: (fx) => ({ path: `/api/v1/microcredentials/${fx.microcredential.id}/versions/1/assessment` }),
  },
  // Bulk issuing jobs: the list is narrowed to the caller's organisation, and one job belongs to
  // the organisation that promotes its micro-credential.
  'GET /api/v1/bulk-issues': { scope: 'filtered' },
  // The columns of a CSV file and their headers are the same for every organisation.
  'GET /api/v1/bulk-issues/columns': { scope: 'none' },
  'GET /api/v1/bulk-issues/:id': {
    scope: 'organisation',
    request: async (fx) => ({ path: `/api/v1/bulk-issues/${await fx.sharedBulkJob()}` }),
  },
};
