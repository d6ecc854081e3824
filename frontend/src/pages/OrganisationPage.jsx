import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { Link } from '../router.jsx';
import { Day, ErrorAlert, Facts, Loading } from '../components/common.jsx';
import { Page } from '../components/Page.jsx';
import { countryName, eqfShort, workloadShort } from '../format.js';
import { organisationTypeLabel } from '../membership.js';
import { OrganisationLogo } from './Members.jsx';

function PromotedMicrocredentials({ items }) {
  if (!items || !items.length) return <p>{t('organisationPage.noMicrocredentials')}</p>;
  return (
    <ul class="cards">
      {items.map((mc) => (
        <li key={mc.id} class="card">
          <h3 class="card__title">
            <Link href={`/microcredentials/${encodeURIComponent(mc.id)}`}>{mc.title}</Link>
          </h3>
          <ul class="card__facts">
            <li class="chip chip--eqf">{eqfShort(mc.eqf_level)}</li>
            <li class="chip">{workloadShort(mc.workload_hours, mc.ects_credits)}</li>
          </ul>
        </li>
      ))}
    </ul>
  );
}

export function OrganisationPage({ params }) {
  const { data: org, error, loading } = useApi(`/api/v1/organisations/${encodeURIComponent(params.id)}`);

  if (error && error.status === 404) {
    return (
      <Page title={t('organisationPage.notFound')}>
        <p class="back"><Link href="/members">{t('organisationPage.back')}</Link></p>
        <h1>{t('organisationPage.notFound')}</h1>
        <p>{t('organisationPage.notFoundText')}</p>
      </Page>
    );
  }

  return (
    <Page title={org ? org.name : t('organisationPage.title')}>
      <p class="back"><Link href="/members">{t('organisationPage.back')}</Link></p>
      <ErrorAlert error={error} />
      {loading && !org ? <Loading /> : null}
      {org ? (
        <>
          <div class="org-head">
            <OrganisationLogo organisation={org} size="large" />
            <div>
              <p class="eyebrow">{organisationTypeLabel(org.type)}</p>
              <h1>{org.name}</h1>
            </div>
          </div>
          {org.description ? <p class="lead">{org.description}</p> : null}
          <Facts rows={[
            [t('organisationPage.shortName'), org.short_name],
            [t('organisationPage.country'), countryName(org.country) || org.country_name],
            [t('organisationPage.city'), org.city],
            [t('organisationPage.website'), org.website
              ? <a href={org.website} rel="external noopener">{org.website}</a> : null],
            [t('organisationPage.contact'), org.contact_email
              ? <a href={`mailto:${org.contact_email}`}>{org.contact_email}</a> : null],
            [t('organisationPage.memberSince'), org.joined_on ? <Day value={org.joined_on} /> : null],
          ]} />
          <h2>{t('organisationPage.microcredentials')}</h2>
          <PromotedMicrocredentials items={org.microcredentials} />
        </>
      ) : null}
    </Page>
  );
}
