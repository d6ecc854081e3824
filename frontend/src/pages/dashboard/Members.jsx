import { withQuery } from '../../api.js';
import { t } from '../../i18n/index.js';
import { useApi } from '../../hooks.js';
import { Link, navigate } from '../../router.jsx';
import { Day, ErrorAlert, Loading } from '../../components/common.jsx';
import { countryName } from '../../format.js';
import { ORGANISATION_STATUSES, ORGANISATION_TYPES, countryOptions, organisationTypeLabel } from '../../membership.js';
import { DashboardFrame } from './Frame.jsx';

const FILTERS = ['country', 'type', 'status'];

function readFilters(search) {
  const params = new URLSearchParams(search);
  return Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || '']));
}

/** The status word of an organisation, with a class per status. */
export function OrganisationStatus({ status }) {
  return <span class={`tag tag--${status}`}>{t(`organisationStatus.${status}`)}</span>;
}

function Filters({ filters }) {
  const set = (name) => (e) => navigate(withQuery('/dashboard/members', { ...filters, [name]: e.currentTarget.value }));
  return (
    <form class="filters" aria-label={t('dashboardMembers.filters')} onSubmit={(e) => e.preventDefault()}>
      <div class="filters__item">
        <label for="filter-country">{t('dashboardMembers.country')}</label>
        <select id="filter-country" class="field__control" value={filters.country} onChange={set('country')}>
          <option value="">{t('dashboardMembers.all')}</option>
          {countryOptions().map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
        </select>
      </div>
      <div class="filters__item">
        <label for="filter-type">{t('dashboardMembers.type')}</label>
        <select id="filter-type" class="field__control" value={filters.type} onChange={set('type')}>
          <option value="">{t('dashboardMembers.all')}</option>
          {ORGANISATION_TYPES.map((type) => <option key={type} value={type}>{organisationTypeLabel(type)}</option>)}
        </select>
      </div>
      <div class="filters__item">
        <label for="filter-status">{t('dashboardMembers.status')}</label>
        <select id="filter-status" class="field__control" value={filters.status} onChange={set('status')}>
          <option value="">{t('dashboardMembers.all')}</option>
          {ORGANISATION_STATUSES.map((s) => <option key={s} value={s}>{t(`organisationStatus.${s}`)}</option>)}
        </select>
      </div>
    </form>
  );
}

export function DashboardMembers({ loc }) {
  const filters = readFilters(loc.search);
  return (
    <DashboardFrame loc={loc} section="members">
      {() => <MembersTable filters={filters} />}
    </DashboardFrame>
  );
}

function MembersTable({ filters }) {
  const { data, error, loading } = useApi(withQuery('/api/v1/dashboard/members', filters));
  return (
    <>
      <Filters filters={filters} />
      <ErrorAlert error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <table class="table" aria-busy={loading ? 'true' : undefined}>
          <caption class="table__caption">{t('dashboardMembers.caption', { count: data.total })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboardMembers.name')}</th>
              <th scope="col">{t('dashboardMembers.country')}</th>
              <th scope="col">{t('dashboardMembers.type')}</th>
              <th scope="col">{t('dashboardMembers.status')}</th>
              <th scope="col">{t('dashboardMembers.users')}</th>
              <th scope="col">{t('dashboardMembers.certificates')}</th>
              <th scope="col">{t('dashboardMembers.lastActivity')}</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((org) => (
              <tr key={org.id}>
                <th scope="row" data-label={t('dashboardMembers.name')}>
                  <Link href={`/dashboard/organisations/${org.id}`}>{org.name}</Link>
                </th>
                <td data-label={t('dashboardMembers.country')}>{countryName(org.country)}</td>
                <td data-label={t('dashboardMembers.type')}>{organisationTypeLabel(org.type)}</td>
                <td data-label={t('dashboardMembers.status')}><OrganisationStatus status={org.status} /></td>
                <td data-label={t('dashboardMembers.users')}>{org.users}</td>
                <td data-label={t('dashboardMembers.certificates')}>{org.certificates}</td>
                <td data-label={t('dashboardMembers.lastActivity')}>
                  {org.last_activity_on ? <Day value={org.last_activity_on} /> : t('dashboardMembers.never')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
