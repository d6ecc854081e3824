import { withQuery } from '../api.js';
import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { Link } from '../router.jsx';
import { Day, ErrorAlert, Loading, Pager, StatusBadge } from '../components/common.jsx';
import { IssuerOnly } from '../components/Guard.jsx';
import { Page } from '../components/Page.jsx';

function List({ page }) {
  const { data, error, loading } = useApi(withQuery('/api/v1/certificates', { page }));
  if (error) return <ErrorAlert error={error} />;
  if (loading && !data) return <Loading />;
  const items = data.items || [];
  if (!items.length) {
    return (
      <p class="empty">
        {t('certificates.empty')} <Link href="/issue">{t('certificates.issueFirst')}</Link>
      </p>
    );
  }
  return (
    <>
      <p class="result-count">{t('certificates.count', { count: data.total })}</p>
      <table class="table">
        <caption class="visually-hidden">{t('certificates.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('fields.holder')}</th>
            <th scope="col">{t('fields.microcredential')}</th>
            <th scope="col">{t('fields.issuedOn')}</th>
            <th scope="col">{t('fields.status')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <th scope="row" data-label={t('fields.holder')}>
                <Link href={`/certificates/${encodeURIComponent(c.id)}`}>{c.holder_name}</Link>
              </th>
              <td data-label={t('fields.microcredential')}>{c.microcredential && c.microcredential.title}</td>
              <td data-label={t('fields.issuedOn')}><Day value={c.issued_on} /></td>
              <td data-label={t('fields.status')}><StatusBadge status={c.status} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        page={data.page || page}
        perPage={data.per_page}
        total={data.total}
        hrefFor={(p) => withQuery('/certificates', { page: p > 1 ? p : '' })}
      />
    </>
  );
}

export function Certificates({ loc }) {
  const page = Math.max(1, Number.parseInt(new URLSearchParams(loc.search).get('page') || '1', 10) || 1);
  return (
    <IssuerOnly loc={loc} title={t('certificates.title')}>
      {() => (
        <Page title={t('certificates.title')}>
          <div class="page-head">
            <h1>{t('certificates.title')}</h1>
            <Link class="button" href="/issue">{t('certificates.new')}</Link>
          </div>
          <List page={page} />
        </Page>
      )}
    </IssuerOnly>
  );
}
