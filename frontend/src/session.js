// Who is signed in. Loaded once from GET /api/v1/session at start-up, changed by sign-in and
// sign-out. That endpoint returns a null user to a visitor instead of the 401 of GET /api/v1/me,
// so a signed-out page load logs no failed request in the browser's console.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, del, get, post, setCsrfToken } from './api.js';

let state = { loaded: false, user: null };
const listeners = new Set();

function set(next) {
  state = next;
  listeners.forEach((fn) => fn(state));
}

export function useSession() {
  const [s, setS] = useState(state);
  useEffect(() => {
    listeners.add(setS);
    setS(state);
    return () => listeners.delete(setS);
  }, []);
  return s;
}

export async function loadSession() {
  try {
    const session = await get('/api/v1/session');
    setCsrfToken(session.csrf_token);
    set({ loaded: true, user: session.user });
  } catch (e) {
    setCsrfToken(null);
    // A failure leaves the app usable as a visitor.
    set({ loaded: true, user: null, error: e instanceof ApiError ? e : null });
  }
}

export async function signIn(email, password) {
  const answer = await post('/api/v1/session', { email, password });
  setCsrfToken(answer.csrf_token);
  set({ loaded: true, user: answer.user });
  return answer.user;
}

export async function signOut() {
  try {
    await del('/api/v1/session');
  } finally {
    setCsrfToken(null);
    set({ loaded: true, user: null });
  }
}

/** The session ended on the server (a 401 from a call that needs one). */
export function sessionLost() {
  setCsrfToken(null);
  set({ loaded: true, user: null });
}

const ISSUING_ROLES = new Set(['coordinator', 'issuer']);

/** Coordinators and issuers issue, list and revoke certificates. */
export function canIssue(user) {
  return !!user && ISSUING_ROLES.has(user.role);
}

/**
 * Whether `user` may issue a certificate of a micro-credential promoted by `organisationId`:
 * a coordinator for any, an issuer for those of their own organisation.
 */
export function canIssueFor(user, organisationId) {
  if (!canIssue(user)) return false;
  if (user.role === 'coordinator' || !user.organisation || organisationId == null) return true;
  return String(user.organisation.id) === String(organisationId);
}
