import { t } from '../i18n/index.js';
import { Link } from '../router.jsx';
import { Page } from '../components/Page.jsx';

/** The page for an unknown path, or for an id the API does not know. */
export function NotFoundContent({ title = t('notFound.title'), text = t('notFound.text') }) {
  return (
    <Page title={title} class="not-found">
      <h1>{title}</h1>
      <p>{text}</p>
      <p><Link href="/">{t('notFound.home')}</Link></p>
    </Page>
  );
}

export function NotFound() {
  return <NotFoundContent />;
}
