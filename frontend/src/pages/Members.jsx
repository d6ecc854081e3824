import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { Link } from '../router.jsx';
import { ErrorAlert, Loading } from '../components/common.jsx';
import { Page } from '../components/Page.jsx';
import { countryName } from '../format.js';
import { organisationTypePlural } from '../membership.js';

/**
 * Groups the members (sorted by country name, type and name by the API) into
 * [{country, name, types: [{type, items}]}], keeping that order.
 */
function groupMembers(items) {
  const countries = [];
  for (const item of items) {
    let country = countries[countries.length - 1];
    if (!country || country.country !== item.country) {
      country = { country: item.country, name: countryName(item.country) || item.country_name, types: [] };
      countries.push(country);
    }
    let group = country.types[country.types.length - 1];
    if (!group || group.type !== item.type) {
      group = { type: item.type, items: [] };
      country.types.push(group);
    }
    group.items.push(item);
  }
  return countries;
}

/**
 * Returns the letters on an organisation's square. A short name of four letters or fewer stays as
 * it is. Otherwise the first letters of up to three capitalised words of the name are used, so
 * "Clúster de Hábitat Eficiente" gives "CHE" instead of a cut short name.
 */
function organisationInitials(organisation) {
  const short = (organisation.short_name || '').trim();
  if (short && [...short].length <= 4) return short;
  const words = (organisation.name || short || '?').split(/[\s\-–]+/u);
  const capitals = words.filter((word) => /^\p{Lu}/u.test(word)).map((word) => [...word][0]);
  if (capitals.length >= 2) return capitals.slice(0, 3).join('');
  return [...(short || organisation.name || '?')].slice(0, 3).join('');
}

/** An organisation's logo, or its initials on a coloured square when it has none. */
export function OrganisationLogo({ organisation, size = 'small' }) {
  if (organisation.logo_url) {
    return <img class={`org-logo org-logo--${size}`} src={organisation.logo_url} alt="" loading="lazy" />;
  }
  const initials = organisationInitials(organisation);
  return <span class={`org-logo org-logo--${size} org-logo--initials`} aria-hidden="true">{initials}</span>;
}

function MemberCard({ item }) {
  return (
    <li class="member">
      <OrganisationLogo organisation={item} />
      <div class="member__text">
        <Link class="member__name" href={`/organisations/${encodeURIComponent(item.id)}`}>{item.name}</Link>
        {item.city ? <span class="member__city">{item.city}</span> : null}
      </div>
    </li>
  );
}

export function Members() {
  const { data, error, loading } = useApi('/api/v1/organisations');
  const items = (data && data.items) || [];
  const groups = groupMembers(items);

  return (
    <Page title={t('members.title')}>
      <div class="intro">
        <h1>{t('members.title')}</h1>
        <p class="lead">{t('members.intro')}</p>
        <p><Link href="/join">{t('members.joinLink')}</Link></p>
      </div>
      <ErrorAlert error={error} />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <>
          <p class="result-count" role="status">
            {t('members.count', { count: data.total, countries: groups.length })}
          </p>
          {groups.map((country) => (
            <section key={country.country} class="members-country" aria-labelledby={`country-${country.country}`}>
              <h2 id={`country-${country.country}`}>{country.name}</h2>
              {country.types.map((group) => (
                <div key={group.type} class="members-type">
                  <h3>{organisationTypePlural(group.type)}</h3>
                  <ul class="members">
                    {group.items.map((item) => <MemberCard key={item.id} item={item} />)}
                  </ul>
                </div>
              ))}
            </section>
          ))}
        </>
      ) : null}
    </Page>
  );
}
