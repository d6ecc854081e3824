import { useEffect } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { navigate } from '../router.jsx';
import { useSession } from '../session.js';
import { Alert, Loading } from './common.jsx';
import { Page } from './Page.jsx';

/**
 * Renders `children(user)` when `allowed(user)` holds for the signed-in user. A visitor who is not
 * signed in is sent to the sign-in page, which brings them back here afterwards; a signed-in user
 * without the role reads `forbidden`.
 */
export function RoleOnly({ loc, title, allowed, forbidden, children }) {
  const { loaded, user } = useSession();
  useEffect(() => {
    if (loaded && !user) {
      navigate(`/sign-in?next=${encodeURIComponent(loc.path + loc.search)}`, { replace: true });
    }
  }, [loaded, user]);

  if (!loaded || !user) {
    return <Page title={title}><Loading /></Page>;
  }
  if (!allowed(user)) {
    return (
      <Page title={title}>
        <h1>{title}</h1>
        <Alert>{forbidden || t('roleGuard.forbidden')}</Alert>
      </Page>
    );
  }
  return children(user);
}

/** RoleOnly for a list of roles, naming them to a signed-in user who has none of them. */
export function RoleGuard({ loc, title, roles, children }) {
  const forbidden = t('governance.forbidden', {
    roles: roles.map((r) => t(`roles.${r}`)).join(t('common.listSeparator')),
  });
  return (
    <RoleOnly loc={loc} title={title} allowed={(user) => roles.includes(user.role)} forbidden={forbidden}>
      {children}
    </RoleOnly>
  );
}
