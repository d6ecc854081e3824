import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../../api.js';
import { t } from '../../i18n/index.js';
import { useApi } from '../../hooks.js';
import { Link, navigate } from '../../router.jsx';
import { Day, ErrorAlert, Loading, Pager } from '../../components/common.jsx';
import { DashboardFrame } from './Frame.jsx';

// actor is a user id, set by the actor links of the table. actor_search is text that the API
// matches anywhere in the actors' names and e-mail addresses.
const FILTERS = ['actor', 'actor_search', 'organisation', 'object_type', 'object_id', 'from', 'to'];

function readFilters(search) {
  const params = new URLSearchParams(search);
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || '']));
  const page = Number.parseInt(params.get('page') || '1', 10);
  return { filters, page: page > 0 ? page : 1 };
}

/** The audit entries that match `filters`, newest first; `compact` leaves out the pager. */
export function AuditTable({ filters, page = 1, compact = false }) {
  const { data, error, loading } = useApi(withQuery('/api/v1/audit', { ...filters, page }));
  if (error) return <ErrorAlert error={error} />;
  if (loading && !data) return <Loading />;
  if (!data.items.length) return <p class="empty">{t('audit.empty')}</p>;
  return (
    <>
      <table class="table">
        <caption class="table__caption">{t('audit.caption', { count: data.total })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.on')}</th>
            <th scope="col">{t('audit.actor')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.object')}</th>
            <th scope="col">{t('audit.organisation')}</th>
            <th scope="col">{t('audit.details')}</th>
          </tr>
        </thead>
        <tbody>
          {data.items.map((entry) => (
            <tr key={entry.id}>
              <td data-label={t('audit.on')}><Day value={entry.on} /></td>
              <td data-label={t('audit.actor')}>
                {entry.actor
                  ? <Link href={withQuery('/dashboard/audit', { actor: entry.actor.id })}>{entry.actor.name}</Link>
                  : t('audit.system')}
              </td>
              <td data-label={t('audit.action')}><code>{entry.action}</code></td>
              <td data-label={t('audit.object')}>
                <Link href={withQuery('/dashboard/audit', { object_type: entry.object_type, object_id: entry.object_id })}>
                  {`${entry.object_type} ${entry.object_id}`}
                </Link>
              </td>
              <td data-label={t('audit.organisation')}>
                {entry.organisation ? (
                  <Link href={`/dashboard/organisations/${entry.organisation.id}`}>{entry.organisation.name}</Link>
                ) : null}
              </td>
              <td data-label={t('audit.details')} class="break">
                {entry.details ? <code>{JSON.stringify(entry.details)}</code> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {compact ? null : (
        <Pager page={data.page} perPage={data.per_page} total={data.total}
          hrefFor={(p) => withQuery('/dashboard/audit', { ...filters, page: p > 1 ? p : '' })} />
      )}
    </>
  );
}

function AuditFilters({ filters }) {
  const [values, setValues] = useState(filters);
  useEffect(() => setValues(filters), [JSON.stringify(filters)]);
  const members = useApi('/api/v1/dashboard/members');

  const change = (name) => (e) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [name]: value }));
  };

  function onSubmit(event) {
    event.preventDefault();
    navigate(withQuery('/dashboard/audit', values));
  }

  const input = (name, type = 'text') => (
    <div class="filters__item">
      <label for={`audit-${name}`}>{t(`audit.filters.${name}`)}</label>
      <input id={`audit-${name}`} class="field__control" type={type} value={values[name]} onInput={change(name)} />
    </div>
  );

  return (
    <form class="filters" onSubmit={onSubmit} aria-label={t('audit.filtersLabel')}>
      {input('actor_search', 'search')}
      {values.actor ? (
        <p class="filters__item">
          {t('audit.filters.actorId', { id: values.actor })}{' '}
          <Link href={withQuery('/dashboard/audit', { ...filters, actor: '' })}>{t('audit.filters.anyActor')}</Link>
        </p>
      ) : null}
      <div class="filters__item">
        <label for="audit-organisation">{t('audit.filters.organisation')}</label>
        <select id="audit-organisation" class="field__control" value={values.organisation} onChange={change('organisation')}>
          <option value="">{t('audit.filters.any')}</option>
          {((members.data && members.data.items) || []).map((o) => (
            <option key={o.id} value={String(o.id)}>{o.name}</option>
          ))}
        </select>
      </div>
      {input('object_type')}
      {input('object_id')}
      {input('from', 'date')}
      {input('to', 'date')}
      <div class="filters__item filters__item--actions">
        <button type="submit" class="button">{t('audit.apply')}</button>
        <Link class="button button--quiet" href="/dashboard/audit">{t('audit.clear')}</Link>
      </div>
    </form>
  );
}

export function DashboardAudit({ loc }) {
  const { filters, page } = readFilters(loc.search);
  return (
    <DashboardFrame loc={loc} section="audit">
      {() => (
        <>
          <p>{t('audit.intro')}</p>
          <AuditFilters filters={filters} />
          <AuditTable filters={filters} page={page} />
        </>
      )}
    </DashboardFrame>
  );
}
