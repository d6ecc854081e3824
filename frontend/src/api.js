// The one place that talks to the backend's API v1 (same origin, cookie session).
//
// The CSRF token is kept in memory only: it comes with the sign-in response and with
// GET /api/v1/session, which the app calls at start-up. Every state-changing call sends it as
// X-CSRF-Token.

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** An API failure: the HTTP status and the {code, message, field} of the error body. */
export class ApiError extends Error {
  constructor(status, code, message, field, body) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || null;
    this.serverMessage = message || null;
    this.field = field || null;
    this.body = body || null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Calls the API and returns the parsed JSON body (null for 204).
 * Throws ApiError for any non-2xx answer, and for a network failure (status 0, code "network").
 */
export async function request(method, path, body, contentType = 'application/json') {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (UNSAFE.has(method)) {
    headers['Content-Type'] = contentType;
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    // A body of another type (a file's bytes) is sent as it is.
    if (body !== undefined) init.body = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network');
  }
  if (response.status === 204) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    // a body that is not JSON (a proxy's error page, say) leaves data null
  }
  if (!response.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(response.status, e.code, e.message, e.field, data);
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const del = (path) => request('DELETE', path);

/** "/path?a=1&b=2" without the empty parameters. */
export function withQuery(path, params) {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `${path}?${s}` : path;
}

export const certificateQrUrl = (id) => `/api/v1/certificates/${encodeURIComponent(id)}/qr.svg`;

export const put = (path, body) => request('PUT', path, body);

/** Sends the bytes of a CSV file (ArrayBuffer or Blob) as it is, so the server checks the encoding. */
export const postCsv = (path, bytes) => request('POST', path, bytes, 'text/csv; charset=utf-8');
