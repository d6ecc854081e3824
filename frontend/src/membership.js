// Values of the membership API that the pages offer as choices, and their labels.
import { t } from './i18n/index.js';
import { countryName } from './format.js';

/** Organisation types, in the order the application form offers them. */
export const ORGANISATION_TYPES = [
  'vet_provider',
  'university',
  'research_centre',
  'company',
  'sector_organisation',
  'educational_authority',
  'other',
];

/** Roles that an organisation administrator may give to the users of the organisation. */
export const ORGANISATION_ROLES = ['org_admin', 'editor', 'issuer', 'reviewer'];

/** Organisation statuses in the members list of the dashboard. */
export const ORGANISATION_STATUSES = ['applicant', 'active', 'suspended', 'left'];

/**
 * ISO 3166-1 alpha-2 codes offered in the application form: the member states of the EU, the
 * EEA and EFTA, the candidate and potential candidate countries and the United Kingdom. The
 * backend accepts any code of its countries table.
 */
export const EUROPEAN_COUNTRIES = [
  'AL', 'AT', 'BA', 'BE', 'BG', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GB',
  'GE', 'GR', 'HR', 'HU', 'IE', 'IS', 'IT', 'LI', 'LT', 'LU', 'LV', 'MD', 'ME', 'MK', 'MT',
  'NL', 'NO', 'PL', 'PT', 'RO', 'RS', 'SE', 'SI', 'SK', 'TR', 'UA',
];

/** Returns the country codes above with their names in the reader's language, sorted by name. */
export function countryOptions() {
  return EUROPEAN_COUNTRIES
    .map((code) => ({ code, name: countryName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// The catalogue keys carry a prefix because an entry named "other" would read as a plural form.
export function organisationTypeLabel(type) {
  return type ? t(`organisationTypes.type_${type}`) : '';
}

export function organisationTypePlural(type) {
  return type ? t(`organisationTypesPlural.type_${type}`) : '';
}

export function isCoordinator(user) {
  return !!user && user.role === 'coordinator';
}

export function isOrganisationAdmin(user) {
  return !!user && user.role === 'org_admin' && !!user.organisation;
}
