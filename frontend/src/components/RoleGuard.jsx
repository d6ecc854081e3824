import { useEffect } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { navigate } from '../router.jsx';
import { useSession } from '../session.js';
import { Alert, Loading } from './common.jsx';
import { Page } from './Page.jsx';

/**
 * Renders `children(user)` for a signed-in user whose role is in `roles`. A visitor who is not
 * signed in is sent to the sign-in page, which brings them back here afterwards.
 */
export function RoleGuard({ loc, title, roles, children }) {
  const { loaded, user } = useSession();
  useEffect(() => {
    if (loaded && !user) {
      navigate(`/sign-in?next=${encodeURIComponent(loc.path + loc.search)}`, { replace: true });
    }
  }, [loaded, user]);

  if (!loaded || !user) {
    return <Page title={title}><Loading /></Page>;
  }
  if (!roles.includes(user.role)) {
    return (
      <Page title={title}>
        <h1>{title}</h1>
        <Alert>{t('governance.forbidden', { roles: roles.map((r) => t(`roles.${r}`)).join(t('common.listSeparator')) })}</Alert>
      </Page>
    );
  }
  return children(user);
}
