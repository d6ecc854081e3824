// Translation catalogue: every text a person reads goes through t().
//
// Each language is one JSON file beside this one, named by its ISO 639-1 code (en.json, es.json, ...).
// Adding a language means adding its file: it is found at build time and offered by the language
// switcher. English is the reference; a key missing from another catalogue falls back to English.
//
// Values are strings with {name} placeholders, or, for texts that depend on a number, objects keyed by
// the plural categories of Intl.PluralRules ("one", "few", "many", "other", ...) plus an optional
// "zero" used for exactly 0. The count parameter picks the form: t(KEY, {count: n}).
import { useEffect, useState } from 'preact/hooks';

const files = import.meta.glob('./*.json', { eager: true, import: 'default' });

export const REFERENCE = 'en';
const catalogues = {};
for (const [path, messages] of Object.entries(files)) {
  catalogues[path.replace(/^.*\/([^/]+)\.json$/, '$1')] = messages;
}

/** Language codes with a catalogue, the reference first. */
export const languages = Object.keys(catalogues).sort((a, b) =>
  a === REFERENCE ? -1 : b === REFERENCE ? 1 : a.localeCompare(b));

const STORAGE_KEY = 'mic.lang';
let current = pickInitial();
const listeners = new Set();

function pickInitial() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage may be disabled; fall through to the browser's preference
  }
  if (stored && catalogues[stored]) return stored;
  for (const tag of navigator.languages || [navigator.language || '']) {
    const code = String(tag).toLowerCase().split('-')[0];
    if (catalogues[code]) return code;
  }
  return REFERENCE;
}

function applyToDocument() {
  document.documentElement.lang = current;
}
applyToDocument();

export function getLang() {
  return current;
}

/**
 * The BCP 47 locale for dates, numbers and names of the current language: a catalogue may name one
 * under language.locale (English uses en-GB, the European conventions), else the language code.
 */
export function getLocale() {
  return lookup(catalogues[current], 'language.locale') || current;
}

export function setLang(code) {
  if (!catalogues[code] || code === current) return;
  current = code;
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // not remembered across visits, still applied now
  }
  applyToDocument();
  listeners.forEach((fn) => fn(code));
}

/** Re-renders the calling component when the language changes; returns the current code. */
export function useLang() {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    set(current);
    return () => listeners.delete(set);
  }, []);
  return lang;
}

/** The name of a language in that language, as its own catalogue spells it. */
export function languageName(code) {
  return lookup(catalogues[code], 'language.name') || code;
}

function lookup(messages, key) {
  let node = messages;
  for (const part of key.split('.')) {
    if (node == null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return node;
}

function isPluralForms(value) {
  return value != null && typeof value === 'object' && typeof value.other === 'string';
}

const pluralRules = {};
function pluralCategory(lang, count) {
  pluralRules[lang] ||= new Intl.PluralRules(lang);
  return pluralRules[lang].select(count);
}

const numberFormats = {};
export function formatNumber(n) {
  const locale = getLocale();
  numberFormats[locale] ||= new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  return numberFormats[locale].format(n);
}

function interpolate(text, params) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = params[name];
    return typeof value === 'number' ? formatNumber(value) : String(value ?? '');
  });
}

/**
 * The text for `key` in the current language, with {name} placeholders filled from `params`.
 * When the entry has plural forms, params.count chooses among them.
 */
export function t(key, params = {}) {
  let lang = current;
  let value = lookup(catalogues[lang], key);
  if (value === undefined) {
    lang = REFERENCE;
    value = lookup(catalogues[REFERENCE], key);
  }
  if (isPluralForms(value)) {
    const count = Number(params.count);
    if (count === 0 && typeof value.zero === 'string') value = value.zero;
    else value = value[pluralCategory(lang, count)] ?? value.other;
  }
  if (typeof value !== 'string') {
    if (import.meta.env.DEV) console.warn(`i18n: no text for "${key}"`);
    return key;
  }
  return interpolate(value, params);
}

/** Whether the catalogue has a text for `key` (in the current language or the reference). */
export function has(key) {
  return lookup(catalogues[current], key) !== undefined ||
    lookup(catalogues[REFERENCE], key) !== undefined;
}
