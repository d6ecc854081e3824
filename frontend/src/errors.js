import { ApiError } from './api.js';
import { has, t } from './i18n/index.js';

/**
 * The text to show for a failed call: the server's own message when it sent one, else a catalogue
 * text for the error code or the HTTP status.
 */
export function errorMessage(error) {
  if (error instanceof ApiError) {
    if (error.serverMessage) return error.serverMessage;
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
