// The validation queue (/validation) from GET /api/v1/validation-queue. Coordinators see the
// versions submitted, in review or approved. Reviewers see those assigned to them, and editors
// every unpublished version of their organisation.
import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { Link } from '../router.jsx';
import { Day, ErrorAlert, Loading } from '../components/common.jsx';
import { RoleGuard } from '../components/RoleGuard.jsx';
import { Page } from '../components/Page.jsx';

export const VALIDATION_ROLES = ['coordinator', 'editor', 'reviewer'];

/** Returns the page where `role` works on micro-credential `id`. */
export function workPath(role, id) {
  const base = `/microcredentials/${encodeURIComponent(id)}`;
  if (role === 'coordinator') return `${base}/validation`;
  if (role === 'reviewer') return `${base}/review`;
  return `${base}/edit`;
}

function Queue({ user }) {
  const { data, error, loading } = useApi('/api/v1/validation-queue');
  const items = (data && data.items) || [];
  return (
    <>
      <p class="lead">{t(`validation.intro.${user.role}`)}</p>
      {user.role === 'editor' ? (
        <p class="actions"><Link class="button" href="/microcredentials/new">{t('editor.newTitle')}</Link></p>
      ) : null}
      <ErrorAlert error={error} />
      {loading && !data ? <Loading /> : null}
      {data && !items.length ? <p class="empty">{t('validation.empty')}</p> : null}
      {items.length ? (
        <table class="table">
          <caption class="visually-hidden">{t('validation.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fields.microcredential')}</th>
              <th scope="col">{t('fields.promotedBy')}</th>
              <th scope="col">{t('validation.version')}</th>
              <th scope="col">{t('fields.status')}</th>
              <th scope="col">{t('validation.submittedOn')}</th>
              <th scope="col">{t('validation.reviews')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <th scope="row" data-label={t('fields.microcredential')}>
                  <Link href={workPath(user.role, item.id)}>{item.title || t('validation.untitled')}</Link>
                </th>
                <td data-label={t('fields.promotedBy')}>{item.promoting_organisation && item.promoting_organisation.name}</td>
                <td data-label={t('validation.version')}>{item.version}</td>
                <td data-label={t('fields.status')}>
                  <span class="badge badge--workflow" data-workflow={item.status}>{t(`versionStatus.${item.status}`)}</span>
                </td>
                <td data-label={t('validation.submittedOn')}>{item.submitted_on ? <Day value={item.submitted_on} /> : '—'}</td>
                <td data-label={t('validation.reviews')}>{t('validation.reviewCount', { reviews: item.reviews, reviewers: item.reviewers })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

export function ValidationQueue({ loc }) {
  const title = t('validation.title');
  return (
    <RoleGuard loc={loc} title={title} roles={VALIDATION_ROLES}>
      {(user) => (
        <Page title={title}>
          <h1>{title}</h1>
          <Queue user={user} />
        </Page>
      )}
    </RoleGuard>
  );
}
