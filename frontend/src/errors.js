import { ApiError } from './api.js';
import { has, t } from './i18n/index.js';

/**
 * Rewrites the API's field names in a server message as plain words. A name with an entry under
 * fieldNames in the catalogue takes that entry ("holder_name" → "the holder's name"), and any other
 * name has its underscores replaced by spaces. The message then starts with a capital letter.
 */
export function readableServerMessage(message) {
  const text = message.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (name) => (
    has(`fieldNames.${name}`) ? t(`fieldNames.${name}`) : name.replace(/_/g, ' ')));
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The text to show for a failed call: the server's own message when it sent one, else a catalogue
 * text for the error code or the HTTP status.
 */
export function errorMessage(error) {
  if (error instanceof ApiError) {
    if (error.serverMessage) return readableServerMessage(error.serverMessage);
    if (error.code && has(`errors.codes.${error.code}`)) return t(`errors.codes.${error.code}`);
    if (error.status === 0) return t('errors.codes.network');
  }
  return t('errors.generic');
}

/**
 * Splits a failed form submission into a message for one of `fields` (shown under that field)
 * or a page-level message.
 */
export function formErrors(error, fields) {
  if (error instanceof ApiError && error.field && fields.includes(error.field)) {
    return { fields: { [error.field]: errorMessage(error) }, page: null };
  }
  return { fields: {}, page: errorMessage(error) };
}
