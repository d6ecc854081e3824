// The catalogue's filter panel. Every filter lives in the address (see Catalogue.jsx), so choosing
// one navigates to a new URL and the list follows; the back button undoes a choice.
import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../api.js';
import { t } from '../i18n/index.js';
import { Link, navigate } from '../router.jsx';
import { countryName, languageLabel, participationLabel } from '../format.js';

/** Query parameters of GET /api/v1/microcredentials that the panel sets, besides q and page. */
export const FILTER_KEYS = [
  'eqf', 'min_hours', 'max_hours', 'language', 'esco', 'organisation', 'country', 'participation', 'sort',
];

/** Largest workload in hours and longest ESCO URI that GET /api/v1/microcredentials accepts. */
const HOURS_MAX = 10000;
const ESCO_URI_MAX = 255;
const ESCO_PREFIX = 'http://data.europa.eu/esco/occupation/';

function wholeHours(value) {
  return /^[0-9]+$/.test(value) && Number(value) >= 1 && Number(value) <= HOURS_MAX;
}

/**
 * Filter values that GET /api/v1/microcredentials accepts, per parameter, so that a hand-edited
 * address does not make it reject the whole search.
 */
const FILTER_VALID = {
  eqf: (value) => value === 'none' || /^[1-8]$/.test(value),
  min_hours: wholeHours,
  max_hours: wholeHours,
  language: (value) => /^[a-z]{2}$/.test(value),
  esco: (value) => value.startsWith(ESCO_PREFIX) && value.length <= ESCO_URI_MAX,
  organisation: (value) => /^[1-9][0-9]{0,17}$/.test(value),
  country: (value) => /^[A-Za-z]{2}$/.test(value),
  participation: (value) => ['online', 'onsite', 'blended'].includes(value),
};

/**
 * Empties every filter of query that the API would reject, and max_hours when it is below
 * min_hours. Returns the names of the emptied parameters, in FILTER_KEYS order.
 */
export function dropInvalidFilters(query) {
  const dropped = [];
  for (const [key, valid] of Object.entries(FILTER_VALID)) {
    if (query[key] && !valid(query[key])) {
      query[key] = '';
      dropped.push(key);
    }
  }
  if (query.min_hours && query.max_hours && Number(query.max_hours) < Number(query.min_hours)) {
    query.max_hours = '';
    dropped.push('max_hours');
  }
  return FILTER_KEYS.filter((key) => dropped.includes(key));
}

/** Sort orders of GET /api/v1/microcredentials. Relevance needs search text to rank by. */
const SORTS = ['relevance', 'title', 'newest', 'workload'];

/** Returns the order that the API applies without a sort parameter: relevance with q, else title. */
function defaultSort(q) {
  return q ? 'relevance' : 'title';
}

/** Returns the sort orders offered for the search text q: "Best match" only when there is text. */
function sortChoices(q) {
  return q ? SORTS : SORTS.filter((s) => s !== 'relevance');
}

/**
 * Returns sort when it is one of the orders offered for the search text q, else '' (the default
 * order), so that removing the text never leaves "Best match" chosen.
 */
export function validSort(sort, q) {
  return sortChoices(q).includes(sort) ? sort : '';
}

/** Number of filters in `query` that narrow the list (the sort order does not). */
export function activeFilterCount(query) {
  return FILTER_KEYS.filter((key) => key !== 'sort' && query[key]).length;
}

/** Panels start open where there is room beside the list, and closed on phones. */
const WIDE_SCREEN = '(min-width: 60rem)';

function startsOpen() {
  return typeof window.matchMedia === 'function' && window.matchMedia(WIDE_SCREEN).matches;
}

/**
 * The options of one facet as [value, text] pairs, each text with its count. The facet's entry for
 * a missing value (value null) becomes the option nullValue, or is left out without one. A chosen
 * value that the facet no longer lists stays selectable, so the select never silently shows
 * another value.
 */
function facetOptions(values, labelOf, chosen, nullValue, byLabel) {
  const listed = [...(values || [])];
  // Codes (country, language) sort by their displayed name, not by the code itself.
  if (byLabel) listed.sort((a, b) => String(labelOf(a)).localeCompare(String(labelOf(b))));
  const options = listed
    .filter((v) => (v.value !== null && v.value !== undefined) || nullValue)
    .map((v) => [
      v.value === null || v.value === undefined ? nullValue : String(v.value),
      t('filters.optionWithCount', { label: labelOf(v), count: v.count }),
    ]);
  if (chosen && !options.some(([value]) => value === chosen)) {
    options.push([chosen, chosen === nullValue ? labelOf({ value: null }) : chosen]);
  }
  return options;
}

function FacetSelect({ id, name, label, values, labelOf, nullValue, byLabel, query }) {
  const chosen = query[name];
  function onChange(event) {
    navigate(withQuery('/', { ...query, [name]: event.currentTarget.value, page: '' }));
  }
  return (
    <div class="filters__field">
      <label class="field__label" for={id}>{label}</label>
      <select id={id} name={name} class="field__control" value={chosen} onChange={onChange}>
        <option value="">{t('filters.any')}</option>
        {facetOptions(values, labelOf, chosen, nullValue, byLabel).map(([value, text]) => (
          <option key={value} value={value}>{text}</option>
        ))}
      </select>
    </div>
  );
}

/** Minimum and maximum notional workload, applied together with the Apply button or Enter. */
function WorkloadRange({ query }) {
  const [min, setMin] = useState(query.min_hours);
  const [max, setMax] = useState(query.max_hours);
  const [error, setError] = useState(null);
  useEffect(() => {
    setMin(query.min_hours);
    setMax(query.max_hours);
  }, [query.min_hours, query.max_hours]);

  function onSubmit(event) {
    event.preventDefault();
    const low = min === '' ? null : Number(min);
    const high = max === '' ? null : Number(max);
    if ((low !== null && !(Number.isInteger(low) && low > 0)) ||
        (high !== null && !(Number.isInteger(high) && high > 0))) {
      setError(t('filters.hoursInvalid'));
      return;
    }
    if (low !== null && high !== null && low > high) {
      setError(t('filters.hoursOrder'));
      return;
    }
    setError(null);
    navigate(withQuery('/', { ...query, min_hours: min, max_hours: max, page: '' }));
  }

  return (
    <form class="filters__hours" onSubmit={onSubmit} noValidate>
      <fieldset class="filters__fieldset">
        <legend class="field__label">{t('filters.workload')}</legend>
        <div class="filters__range">
          <div>
            <label class="filters__small-label" for="filter-min-hours">{t('filters.minHours')}</label>
            <input
              id="filter-min-hours"
              class="field__control"
              type="number"
              inputMode="numeric"
              min="1"
              step="1"
              value={min}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? 'filter-hours-error' : undefined}
              onInput={(e) => setMin(e.currentTarget.value)}
            />
          </div>
          <div>
            <label class="filters__small-label" for="filter-max-hours">{t('filters.maxHours')}</label>
            <input
              id="filter-max-hours"
              class="field__control"
              type="number"
              inputMode="numeric"
              min="1"
              step="1"
              value={max}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? 'filter-hours-error' : undefined}
              onInput={(e) => setMax(e.currentTarget.value)}
            />
          </div>
        </div>
        {error ? <p class="field__error" id="filter-hours-error">{error}</p> : null}
        <button type="submit" class="button button--secondary filters__apply">{t('filters.applyHours')}</button>
      </fieldset>
    </form>
  );
}

export function CatalogueFilters({ query, facets }) {
  const [open, setOpen] = useState(startsOpen);
  const active = activeFilterCount(query);
  const f = facets || {};

  // The address carries no sort parameter for the default order, because the API applies it then.
  const sort = query.sort || defaultSort(query.q);
  function onSort(event) {
    const chosen = event.currentTarget.value;
    navigate(withQuery('/', { ...query, sort: chosen === defaultSort(query.q) ? '' : chosen, page: '' }));
  }

  return (
    <section class="filters" aria-labelledby="filters-heading">
      <h2 class="filters__heading" id="filters-heading">
        <button
          type="button"
          class="filters__toggle"
          aria-expanded={open ? 'true' : 'false'}
          aria-controls="filters-panel"
          onClick={() => setOpen(!open)}
        >
          {active ? t('filters.toggleActive', { count: active }) : t('filters.toggle')}
        </button>
      </h2>
      <div id="filters-panel" class="filters__panel" hidden={!open}>
        <div class="filters__field">
          <label class="field__label" for="filter-sort">{t('filters.sort')}</label>
          <select id="filter-sort" name="sort" class="field__control" value={sort} onChange={onSort}>
            {sortChoices(query.q).map((s) => <option key={s} value={s}>{t(`filters.sorts.${s}`)}</option>)}
          </select>
        </div>
        <FacetSelect
          id="filter-eqf"
          name="eqf"
          label={t('fields.eqfLevel')}
          values={f.eqf}
          labelOf={(v) => (v.value === null ? t('filters.eqfNone') : t('eqf.level', { level: v.value }))}
          nullValue="none"
          query={query}
        />
        <WorkloadRange query={query} />
        <FacetSelect
          id="filter-language"
          name="language"
          label={t('filters.language')}
          values={f.language}
          labelOf={(v) => languageLabel(v.value)}
          byLabel
          query={query}
        />
        <FacetSelect
          id="filter-participation"
          name="participation"
          label={t('fields.participation')}
          values={f.participation}
          labelOf={(v) => participationLabel(v.value)}
          query={query}
        />
        <FacetSelect
          id="filter-esco"
          name="esco"
          label={t('filters.esco')}
          values={f.esco}
          labelOf={(v) => v.label || v.value}
          query={query}
        />
        <FacetSelect
          id="filter-organisation"
          name="organisation"
          label={t('filters.organisation')}
          values={f.organisation}
          labelOf={(v) => v.label || String(v.value)}
          query={query}
        />
        <FacetSelect
          id="filter-country"
          name="country"
          label={t('filters.country')}
          values={f.country}
          labelOf={(v) => countryName(v.value)}
          byLabel
          query={query}
        />
        {active ? (
          <p class="filters__clear">
            <Link href={withQuery('/', { q: query.q, sort: query.sort })}>{t('filters.clear')}</Link>
          </p>
        ) : null}
      </div>
    </section>
  );
}
