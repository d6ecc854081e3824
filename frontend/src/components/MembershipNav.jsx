import { t } from '../i18n/index.js';
import { isCoordinator, isOrganisationAdmin } from '../membership.js';

/**
 * The header links of the membership pages: Members for everyone, Users for an organisation
 * administrator, Dashboard for a coordinator. `NavLink` is the header's own link component.
 */
export function MembershipNavLinks({ user, path, NavLink }) {
  return (
    <>
      <NavLink href="/members" path={path} also="/organisations/">{t('membershipNav.members')}</NavLink>
      {isOrganisationAdmin(user)
        ? <NavLink href="/organisation/users" path={path}>{t('membershipNav.users')}</NavLink>
        : null}
      {isCoordinator(user) ? <NavLink href="/dashboard" path={path}>{t('membershipNav.dashboard')}</NavLink> : null}
    </>
  );
}
