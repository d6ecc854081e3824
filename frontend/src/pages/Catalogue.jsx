import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../api.js';
import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { Link, navigate } from '../router.jsx';
import { ErrorAlert, Loading, Pager } from '../components/common.jsx';
import { Page } from '../components/Page.jsx';
import { eqfShort, languageLabel, organisationWithCountry, participationLabel, workloadShort } from '../format.js';

function readQuery(search) {
  const params = new URLSearchParams(search);
  const page = Number.parseInt(params.get('page') || '1', 10);
  return { q: (params.get('q') || '').trim(), page: page > 0 ? page : 1 };
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

function SearchForm({ q }) {
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  function onSubmit(event) {
    event.preventDefault();
    navigate(withQuery('/', { q: text.trim() }));
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
  const { q, page } = readQuery(loc.search);
  const { data, error, loading } = useApi(withQuery('/api/v1/microcredentials', { q, page }));
  const items = (data && data.items) || [];
  const total = data ? data.total : 0;

  return (
    <Page title={t('catalogue.title')}>
      <div class="intro">
        <h1>{t('catalogue.title')}</h1>
        <p class="lead">{t('catalogue.intro')}</p>
      </div>
      <SearchForm q={q} />
      <ErrorAlert error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <p class="result-count" role="status">
            {q ? t('catalogue.countFor', { count: total, q }) : t('catalogue.count', { count: total })}
          </p>
          {items.length ? (
            <ul class="cards" aria-busy={loading ? 'true' : undefined}>
              {items.map((item) => <Card key={item.id} item={item} />)}
            </ul>
          ) : null}
          <Pager
            page={data.page || page}
            perPage={data.per_page}
            total={total}
            hrefFor={(p) => withQuery('/', { q, page: p > 1 ? p : '' })}
          />
        </>
      ) : null}
    </Page>
  );
}
