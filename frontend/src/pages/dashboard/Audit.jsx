import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../../api.js';
import { has, t } from '../../i18n/index.js';
import { useApi } from '../../hooks.js';
import { Link, navigate } from '../../router.jsx';
import { Day, ErrorAlert, Loading, Pager } from '../../components/common.jsx';
import { DashboardFrame } from './Frame.jsx';

// actor is a user id, set by the actor links of the table. actor_search is text that the API
// matches anywhere in the actors' names and e-mail addresses.
const FILTERS = ['actor', 'actor_search', 'organisation', 'object_type', 'object_id', 'from', 'to'];

// The object types that the backend writes into audit_log.object_type (the audit_record calls).
const OBJECT_TYPES = [
  'application', 'assessment_attempt', 'assessment_question', 'bulk_job', 'certificate',
  'microcredential', 'organisation', 'user',
];

/** Translates a code under `prefix`, or spells an unknown code with spaces for its underscores. */
function codeText(prefix, code) {
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : String(code).replace(/_/g, ' ');
}

/** Writes one details value as text: arrays joined, version statuses translated, null as "none". */
function detailValue(key, value) {
  if (value === null || value === undefined || value === '') return t('audit.detailNone');
  if (Array.isArray(value)) return value.map((item) => detailValue(key, item)).join(t('common.listSeparator'));
  if (typeof value === 'boolean') return t(value ? 'audit.detailYes' : 'audit.detailNo');
  if (typeof value === 'object') return JSON.stringify(value);
  if ((key === 'from' || key === 'to') && has(`versionStatus.${value}`)) return t(`versionStatus.${value}`);
  return String(value);
}

/** Lists the details object of an audit entry as "key: value" lines. */
function AuditDetails({ details }) {
  if (!details || typeof details !== 'object') return null;
  const entries = Array.isArray(details) ? [['value', details]] : Object.entries(details);
  if (!entries.length) return null;
  return (
    <dl class="audit-details">
      {entries.map(([key, value]) => (
        <div key={key} class="audit-details__row">
          <dt>{t('audit.detailKey', { key: codeText('audit.detailKeys', key) })}</dt>
          <dd>{detailValue(key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Returns the error text of the date range, or null unless both days are set and "to" is not later. */
function dateRangeError(filters) {
  if (filters.from && filters.to && filters.to <= filters.from) return t('audit.filters.toBeforeFrom');
  return null;
}

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
              <td data-label={t('audit.action')} data-action={entry.action}>{codeText('audit.actions', entry.action)}</td>
              <td data-label={t('audit.object')}>
                <Link href={withQuery('/dashboard/audit', { object_type: entry.object_type, object_id: entry.object_id })}>
                  {`${codeText('audit.objectTypes', entry.object_type)} ${entry.object_id}`}
                </Link>
              </td>
              <td data-label={t('audit.organisation')}>
                {entry.organisation ? (
                  <Link href={`/dashboard/organisations/${entry.organisation.id}`}>{entry.organisation.name}</Link>
                ) : null}
              </td>
              <td data-label={t('audit.details')}>
                <AuditDetails details={entry.details} />
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
  const [rangeError, setRangeError] = useState(() => dateRangeError(filters));
  useEffect(() => {
    setValues(filters);
    setRangeError(dateRangeError(filters));
  }, [JSON.stringify(filters)]);
  const members = useApi('/api/v1/dashboard/members');

  const change = (name) => (e) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [name]: value }));
  };

  function onSubmit(event) {
    event.preventDefault();
    const problem = dateRangeError(values);
    setRangeError(problem);
    if (problem) {
      document.getElementById('audit-to').focus();
      return;
    }
    navigate(withQuery('/dashboard/audit', values));
  }

  const input = (name, type = 'text', error = null) => (
    <div class="filters__item">
      <label for={`audit-${name}`}>{t(`audit.filters.${name}`)}</label>
      <input id={`audit-${name}`} class="field__control" type={type} value={values[name]} onInput={change(name)}
        aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `audit-${name}-error` : undefined} />
      {error ? <p class="field__error" id={`audit-${name}-error`}>{error}</p> : null}
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
      <div class="filters__item">
        <label for="audit-object_type">{t('audit.filters.object_type')}</label>
        <select id="audit-object_type" class="field__control" value={values.object_type} onChange={change('object_type')}>
          <option value="">{t('audit.filters.any')}</option>
          {OBJECT_TYPES.map((type) => (
            <option key={type} value={type}>{codeText('audit.objectTypes', type)}</option>
          ))}
          {values.object_type && !OBJECT_TYPES.includes(values.object_type)
            ? <option value={values.object_type}>{codeText('audit.objectTypes', values.object_type)}</option>
            : null}
        </select>
      </div>
      {input('object_id')}
      {input('from', 'date')}
      {input('to', 'date', rangeError)}
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
          {dateRangeError(filters) ? null : <AuditTable filters={filters} page={page} />}
        </>
      )}
    </DashboardFrame>
  );
}
