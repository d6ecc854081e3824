// What the authorisation matrix (security-matrix.test.mjs) expects of each route beyond its role
// mask in backend/src/routes.c, keyed by "METHOD /pattern" exactly as the table writes it. Every
// route of the table needs an entry here, or the matrix fails; DEVELOPERS.md explains the fields.
//
// scope:
//   'none'          the route involves no organisation: every role of the mask gets a 2xx.
//   'filtered'      a list narrowed to the caller's organisation: every role of the mask gets 2xx.
//   'organisation'  the route acts on an object of one organisation (always fx.own here):
//                   coordinators and callers of that organisation get 2xx, a caller of another
//                   organisation gets 403 even when the role mask allows the role.
// request(fx, caller): optional; returns {path, json} for one call. path defaults to the pattern,
//   and json is sent for routes with a JSON body. It is called once per caller, so it may create a
//   fresh object (a certificate to revoke) each time.
// unchanged(fx, request): optional; returns a snapshot of what a refused call must not change. The
//   matrix compares the snapshot before and after every 401 and 403.

/** A JSON body that POST /api/v1/session accepts for the caller, or for a spare account. */
function signInBody(fx, caller) {
  const account = caller.account || fx.spareAccount;
  return { email: account.email, password: account.password };
}

async function certificatePath(fx, suffix = '') {
  return `/api/v1/certificates/${await fx.sharedCertificate()}${suffix}`;
}

export const ROUTE_EXPECTATIONS = {
  'GET /api/v1/health': { scope: 'none' },
  'GET /api/v1/openapi.json': { scope: 'none' },
  'POST /api/v1/session': {
    scope: 'none',
    request: (fx, caller) => ({ json: signInBody(fx, caller) }),
  },
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
};
