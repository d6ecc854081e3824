// Display helpers for values that come from the API. Everything takes the language from i18n.
import { formatNumber, getLocale, t } from './i18n/index.js';

const dayFormats = {};

/**
 * A calendar day given by the API as "YYYY-MM-DD" (already in the alliance's time zone), written
 * out in the reader's language. The Y-M-D parts are formatted as they are: the value is never read
 * as a moment in the viewer's own time zone.
 */
export function formatDay(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return ymd || '';
  const locale = getLocale();
  dayFormats[locale] ||= new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  return dayFormats[locale].format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

const monthFormats = {};

/**
 * Writes out a calendar month given by the API as "YYYY-MM" (already in the alliance's time zone)
 * in the reader's language: "Dec 2026" when length is 'short', "December 2026" when it is 'long'.
 */
export function formatMonth(ym, length = 'long') {
  const m = /^(\d{4})-(\d{2})$/.exec(ym || '');
  if (!m) return ym || '';
  const locale = getLocale();
  const key = `${locale} ${length}`;
  monthFormats[key] ||= new Intl.DateTimeFormat(locale, { month: length, year: 'numeric', timeZone: 'UTC' });
  return monthFormats[key].format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
}

const dateTimeFormats = {};

/**
 * Writes out a moment given by the API in ISO 8601 (UTC) as date, time and zone name in timeZone,
 * an IANA name such as the alliance's "Europe/Brussels": "12 March 2026 at 14:05 CET" in English.
 * An unknown zone falls back to UTC, so the text still names the zone it is in.
 */
export function formatDateTime(iso, timeZone) {
  const moment = new Date(iso || '');
  if (Number.isNaN(moment.getTime())) return iso || '';
  const locale = getLocale();
  const key = `${locale} ${timeZone}`;
  if (!dateTimeFormats[key]) {
    const options = {
      day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
    };
    try {
      dateTimeFormats[key] = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      dateTimeFormats[key] = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    }
  }
  return dateTimeFormats[key].format(moment);
}

const timeFormats = {};

/**
 * Writes out the time of day of a moment given by the API in ISO 8601 (UTC) as the 24-hour clock
 * in timeZone, an IANA name such as the alliance's "Europe/Brussels": "05:22". An unknown zone
 * falls back to UTC.
 */
export function formatTimeOfDay(iso, timeZone) {
  const moment = new Date(iso || '');
  if (Number.isNaN(moment.getTime())) return iso || '';
  const key = `${getLocale()} ${timeZone}`;
  if (!timeFormats[key]) {
    const options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    try {
      timeFormats[key] = new Intl.DateTimeFormat(getLocale(), { ...options, timeZone });
    } catch {
      timeFormats[key] = new Intl.DateTimeFormat(getLocale(), { ...options, timeZone: 'UTC' });
    }
  }
  return timeFormats[key].format(moment);
}

/**
 * Writes out the learner's next allowed start from a next_attempt object of the API ({at, on}) and
 * the alliance's time zone: "You can start your next attempt at 05:22 on 5 December 2026". The
 * day is the API's own "on", which is already the calendar day in that zone.
 */
export function nextAttemptText(next, timeZone) {
  return t('assessment.nextAttemptAt', { time: formatTimeOfDay(next.at, timeZone), day: formatDay(next.on) });
}

function displayName(type, code) {
  if (!code) return '';
  try {
    return new Intl.DisplayNames([getLocale()], { type }).of(code) || code;
  } catch {
    return code;
  }
}

/** "ES" -> "Spain", in the reader's language. */
export function countryName(code) {
  return displayName('region', String(code || '').toUpperCase());
}

/** "en" -> "English", in the reader's language. */
export function languageLabel(code) {
  return displayName('language', code);
}

/** "online" | "onsite" | "blended", as words. */
export function participationLabel(form) {
  return form ? t(`participation.${form}`) : '';
}

/** "60 hours · 2 ECTS credits", or only the hours when there are no credits. */
export function workloadShort(hours, ects) {
  const parts = [];
  if (hours != null) parts.push(t('workload.hours', { count: Number(hours) }));
  if (ects != null && ects !== '') parts.push(t('workload.ects', { count: Number(ects) }));
  return parts.join(t('common.separator'));
}

/** "EQF level 4", or a note that no level applies. */
export function eqfShort(level) {
  return level ? t('eqf.level', { level }) : t('eqf.none');
}

/** "EQF level 4: factual and theoretical knowledge in broad contexts ..." */
export function eqfExplained(level) {
  return level ? t('eqf.explained', { level, summary: t(`eqf.summary.${level}`) }) : t('eqf.none');
}

/** "Organisation name (Country)" */
export function organisationWithCountry(org) {
  if (!org) return '';
  return org.country
    ? t('organisation.withCountry', { name: org.name, country: countryName(org.country) })
    : org.name;
}

export { formatNumber };
