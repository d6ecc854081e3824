// Renderings of the optional elements of a micro-credential, shared by the public page, the
// review page and the version comparison.
import { t } from '../i18n/index.js';
import { languageLabel } from '../format.js';

export const SUPERVISION_VALUES = ['unsupervised_no_id_check', 'supervised_no_id_check', 'supervised_with_id_check'];
export const STACKABILITY_VALUES = ['stand_alone', 'stackable'];

export const achievementUrl = (id) => `/api/v1/microcredentials/${encodeURIComponent(id)}/achievement.json`;

/**
 * Names the languages of delivery ("English, Spanish"), or the language of the text when the
 * micro-credential lists none.
 */
export function deliveryLanguagesText(codes, fallback) {
  let list = codes && codes.length ? codes : [];
  if (!list.length && fallback) list = [fallback];
  if (!list.length) return t('elements.notSpecified');
  return list.map((code) => languageLabel(code)).join(t('common.listSeparator'));
}

export function DeliveryLanguages({ codes, fallback }) {
  return deliveryLanguagesText(codes, fallback);
}

export function supervisionText(value) {
  return value ? t(`elements.supervision.values.${value}`) : t('elements.notSpecified');
}

export function Supervision({ value }) {
  return supervisionText(value);
}

export function stackabilityText(value, towards) {
  if (!value) return t('elements.notSpecified');
  if (value === 'stackable') {
    return towards ? t('elements.stackability.towards', { towards }) : t('elements.stackability.values.stackable');
  }
  return t(`elements.stackability.values.${value}`);
}

export function Stackability({ value, towards }) {
  return stackabilityText(value, towards);
}

export function validityText(months) {
  return months ? t('elements.validity.months', { count: Number(months) }) : t('elements.validity.none');
}

export function Validity({ months }) {
  return validityText(months);
}

export function RelatedTraining({ training }) {
  if (!training || !training.url) return t('elements.relatedTraining.none');
  return <a href={training.url} rel="external noopener">{training.title || training.url}</a>;
}
