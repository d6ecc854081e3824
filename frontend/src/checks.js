// Checks that the SPA makes before sending a form, the same as the server's, so that a form can
// mark every invalid field at once instead of one per request.

// Limits of the server's e-mail check in UTF-8 bytes: the whole address and its part before "@".
const EMAIL_MAX_BYTES = 254;
const EMAIL_LOCAL_MAX_BYTES = 64;
// Characters that the server's e-mail check rejects anywhere in an address.
const EMAIL_FORBIDDEN = /[\u0000-\u0020<>(),;"\\]/;

function utf8Bytes(text) {
  return new TextEncoder().encode(text).length;
}

/** Tells whether `email` passes the server's e-mail check, email_valid() in backend/src/validate.c. */
export function emailIsValid(email) {
  const at = email.indexOf('@');
  if (email.length < 3 || utf8Bytes(email) > EMAIL_MAX_BYTES || at <= 0 || email.indexOf('@', at + 1) >= 0) return false;
  if (utf8Bytes(email.slice(0, at)) > EMAIL_LOCAL_MAX_BYTES || EMAIL_FORBIDDEN.test(email)) return false;
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  if (dot <= 0 || dot === domain.length - 1 || domain.includes('..')) return false;
  return !domain.startsWith('-') && !domain.endsWith('-');
}

/**
 * Tells whether `website` passes the server's check of an organisation's website,
 * website_or_reply() in backend/src/organisations.c: http or https, a host, no space or quote.
 */
export function websiteIsValid(website) {
  const match = /^https?:\/\/(.*)$/.exec(website);
  if (!match || match[1] === '' || match[1].startsWith('/')) return false;
  return !/[ \t<>"'\\]/.test(website);
}
