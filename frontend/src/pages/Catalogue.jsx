import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../api.js';
import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { Link, navigate } from '../router.jsx';
import { Alert, ErrorAlert, Loading, Pager } from '../components/common.jsx';
import {
  CatalogueFilters, FILTER_KEYS, activeFilterCount, dropInvalidFilters, validSort,
} from '../components/CatalogueFilters.jsx';
import { Page } from '../components/Page.jsx';
import { eqfShort, languageLabel, organisationWithCountry, participationLabel, workloadShort } from '../format.js';

/**
 * Reads the search text, the filters and the page from the address, so that a link or the back
 * button restores the same list. The keys are the query parameters of GET /api/v1/microcredentials.
 * A sort order that the search text does not allow, such as "Best match" without text, is dropped,
 * and so is every filter value that the API would reject. Returns { query, ignored }, where ignored
 * lists the parameters that were dropped.
 */
function readQuery(search) {
  const params = new URLSearchParams(search);
  const page = Number.parseInt(params.get('page') || '1', 10);
  const query = { q: (params.get('q') || '').trim(), page: page > 0 ? page : 1 };
  for (const key of FILTER_KEYS) query[key] = (params.get(key) || '').trim();
  query.sort = validSort(query.sort, query.q);
  const ignored = dropInvalidFilters(query);
  return { query, ignored };
}

function Card({ item }) {
  return (
    <li class="card">
      <h2 class="card__title">
        <Link href={`/microcredentials/${encodeURIComponent(item.id)}`}>{item.title}</Link>
      </h2>
      <p class="card__org">{organisationWithCountry(item.promoting_organisation)}</p>
      {item.summary ? <p class="card__summary">{item.summary}</p> : null}
      <ul class="card__facts">
        <li class="chip chip--eqf">{eqfShort(item.eqf_level)}</li>
        <li class="chip">{workloadShort(item.workload_hours, item.ects_credits)}</li>
        <li class="chip">{t('card.language', { language: languageLabel(item.language) })}</li>
        <li class="chip">{participationLabel(item.participation_form)}</li>
      </ul>
    </li>
  );
}

function SearchForm({ query }) {
  const [text, setText] = useState(query.q);
  useEffect(() => setText(query.q), [query.q]);
  function onSubmit(event) {
    event.preventDefault();
    const q = text.trim();
    navigate(withQuery('/', { ...query, q, sort: validSort(query.sort, q), page: '' }));
  }
  return (
    <form class="search" role="search" onSubmit={onSubmit}>
      <label class="search__label" for="q">{t('catalogue.searchLabel')}</label>
      <div class="search__row">
        <input
          id="q"
          name="q"
          type="search"
          class="search__input"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          autoComplete="off"
        />
        <button type="submit" class="button">{t('catalogue.search')}</button>
      </div>
    </form>
  );
}

export function Catalogue({ loc }) {
  const { query, ignored } = readQuery(loc.search);
  const { q, page } = query;
  const { data, error, loading } = useApi(withQuery('/api/v1/microcredentials', query));
  const items = (data && data.items) || [];
  const total = data ? data.total : 0;
  const filtered = activeFilterCount(query) > 0;

  let count;
  if (q) count = t('catalogue.countFor', { count: total, q });
  else if (filtered) count = t('filters.count', { count: total });
  else count = t('catalogue.count', { count: total });

  return (
    <Page title={t('catalogue.title')}>
      <div class="intro">
        <h1>{t('catalogue.title')}</h1>
        <p class="lead">{t('catalogue.intro')}</p>
      </div>
      <SearchForm query={query} />
      <div class="catalogue">
        <CatalogueFilters query={query} facets={data && data.facets} />
        <div class="catalogue__results">
          {ignored.length ? (
            <Alert kind="info">
              {t('filters.ignored', {
                count: ignored.length,
                names: ignored.map((key) => t(`filters.ignoredNames.${key}`)).join(', '),
              })}
            </Alert>
          ) : null}
          <ErrorAlert error={error} />
          {loading && !data ? <Loading /> : null}
          {data ? (
            <>
              <p class="result-count" role="status">{count}</p>
              {items.length ? (
                <ul class="cards" aria-busy={loading ? 'true' : undefined}>
                  {items.map((item) => <Card key={item.id} item={item} />)}
                </ul>
              ) : null}
              <Pager
                page={data.page || page}
                perPage={data.per_page}
                total={total}
                hrefFor={(p) => withQuery('/', { ...query, page: p > 1 ? p : '' })}
              />
            </>
          ) : null}
        </div>
      </div>
    </Page>
  );
}
