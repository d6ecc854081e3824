import { t } from '../../i18n/index.js';
import { Link } from '../../router.jsx';
import { Page } from '../../components/Page.jsx';
import { RoleOnly } from '../../components/RoleGuard.jsx';
import { isCoordinator } from '../../membership.js';

/** The sections of the dashboard, each at /dashboard/{section}; the first is also /dashboard. */
export const SECTIONS = ['applications', 'members', 'audit', 'outbox', 'figures'];

function SectionNav({ current }) {
  return (
    <nav class="subnav" aria-label={t('dashboard.sectionsLabel')}>
      {SECTIONS.map((section, i) => (
        <Link
          key={section}
          class="subnav__link"
          href={i === 0 ? '/dashboard' : `/dashboard/${section}`}
          aria-current={section === current ? 'page' : undefined}
        >
          {t(`dashboard.sections.${section}`)}
        </Link>
      ))}
    </nav>
  );
}

/** A dashboard page for coordinators: the section's title, the section links and `children`. */
export function DashboardFrame({ loc, section, title, children }) {
  const heading = title || t(`dashboard.sections.${section}`);
  return (
    <RoleOnly loc={loc} title={heading} allowed={isCoordinator} forbidden={t('dashboard.forbidden')}>
      {() => (
        <Page title={heading}>
          <p class="eyebrow">{t('dashboard.title')}</p>
          <h1>{heading}</h1>
          <SectionNav current={section} />
          {children()}
        </Page>
      )}
    </RoleOnly>
  );
}
