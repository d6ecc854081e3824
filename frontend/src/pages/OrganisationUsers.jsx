import { t } from '../i18n/index.js';
import { Page } from '../components/Page.jsx';
import { RoleOnly } from '../components/RoleGuard.jsx';
import { UsersManager } from '../components/UsersManager.jsx';
import { isOrganisationAdmin } from '../membership.js';

/** The organisation administrator's page for the accounts of their own organisation. */
export function OrganisationUsers({ loc }) {
  return (
    <RoleOnly loc={loc} title={t('users.title')} allowed={isOrganisationAdmin} forbidden={t('users.forbidden')}>
      {(user) => (
        <Page title={t('users.title')}>
          <p class="eyebrow">{user.organisation.name}</p>
          <h1>{t('users.title')}</h1>
          <p class="lead">{t('users.intro')}</p>
          <UsersManager organisationId={user.organisation.id} />
        </Page>
      )}
    </RoleOnly>
  );
}
