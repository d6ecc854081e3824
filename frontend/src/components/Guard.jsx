import { useEffect } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { navigate } from '../router.jsx';
import { canIssue, useSession } from '../session.js';
import { Alert, Loading } from './common.jsx';
import { Page } from './Page.jsx';

/**
 * Renders `children()` for a signed-in coordinator or issuer. A visitor who is not signed in is
 * sent to the sign-in page, which brings them back here afterwards.
 */
export function IssuerOnly({ loc, title, children }) {
  const { loaded, user } = useSession();
  useEffect(() => {
    if (loaded && !user) {
      navigate(`/sign-in?next=${encodeURIComponent(loc.path + loc.search)}`, { replace: true });
    }
  }, [loaded, user]);

  if (!loaded || !user) {
    return <Page title={title}><Loading /></Page>;
  }
  if (!canIssue(user)) {
    return (
      <Page title={title}>
        <h1>{title}</h1>
        <Alert>{t('guard.forbidden')}</Alert>
      </Page>
    );
  }
  return children();
}
