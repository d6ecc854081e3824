import { t } from '../i18n/index.js';
import { Link, navigate } from '../router.jsx';
import { canIssue, signOut, useSession } from '../session.js';
import { LanguageSwitcher } from './LanguageSwitcher.jsx';
import { VALIDATION_ROLES } from '../pages/ValidationQueue.jsx';
import { MembershipNavLinks } from './MembershipNav.jsx';

/**
 * The pages where a micro-credential is written, reviewed or validated. They sit under
 * /microcredentials/ like the public page, but belong to the validation work, not the catalogue.
 */
const WORK_PAGE = /^\/microcredentials\/(new$|[^/]+\/(edit|review|validation|versions|assessment)(\/|$))/;

/**
 * A main navigation link, marked as the current page on `href` and below it, or on the paths
 * that `also` matches (a path prefix, or a regular expression), but never on a path that
 * `unless` matches.
 */
function NavLink({ href, path, also, unless, children }) {
  const alsoHere = also instanceof RegExp ? also.test(path) : Boolean(also && path.startsWith(also));
  const current = (path === href || (href !== '/' && path.startsWith(`${href}/`)) || alsoHere) &&
    !(unless && unless.test(path));
  return (
    <Link class="nav__link" href={href} aria-current={current ? 'page' : undefined}>{children}</Link>
  );
}

function Account({ path, search }) {
  const { loaded, user } = useSession();
  if (!loaded) return <div class="account" />;
  if (!user) {
    const next = path === '/sign-in' ? '' : `?next=${encodeURIComponent(path + search)}`;
    return (
      <div class="account">
        <Link class="account__signin" href={`/sign-in${next}`}>{t('header.signIn')}</Link>
      </div>
    );
  }
  async function onSignOut() {
    try {
      await signOut();
    } finally {
      navigate('/');
    }
  }
  return (
    <div class="account">
      <p class="account__who">
        <span class="account__name">{user.name}</span>
        <span class="account__role">
          {user.organisation
            ? t('header.roleAt', { role: t(`roles.${user.role}`), organisation: user.organisation.name })
            : t(`roles.${user.role}`)}
        </span>
      </p>
      <button type="button" class="button button--quiet account__signout" onClick={onSignOut}>
        {t('header.signOut')}
      </button>
    </div>
  );
}

/**
 * The site header. `minimal` (the public verification page) shows only the product name, so the
 * status stays at the top of a phone screen.
 */
export function Header({ path, search, minimal }) {
  const { user } = useSession();
  return (
    <header class={minimal ? 'site-header site-header--minimal' : 'site-header'}>
      <a class="skip-link" href="#main">{t('header.skip')}</a>
      <div class="site-header__inner">
        <Link class="brand" href="/">
          <span class="brand__flag" aria-hidden="true" />
          <span class="brand__name">{t('app.name')}</span>
        </Link>
        {minimal ? null : (
          <>
            <div class="site-header__tools">
              <Account path={path} search={search} />
              <LanguageSwitcher id="language-header" />
            </div>
            <nav class="nav" aria-label={t('header.navLabel')}>
              <NavLink href="/" path={path} also="/microcredentials/" unless={WORK_PAGE}>{t('nav.catalogue')}</NavLink>
              {canIssue(user) ? <NavLink href="/certificates" path={path}>{t('nav.certificates')}</NavLink> : null}
              {canIssue(user) ? <NavLink href="/issue" path={path}>{t('nav.issue')}</NavLink> : null}
              {user && VALIDATION_ROLES.includes(user.role)
                ? <NavLink href="/validation" path={path} also={WORK_PAGE}>{t('governance.nav')}</NavLink> : null}
              <NavLink href="/verify-file" path={path}>{t('verifyFile.navLink')}</NavLink>
              <MembershipNavLinks user={user} path={path} NavLink={NavLink} />
              {user && user.role === 'learner' ? <NavLink href="/wallet" path={path}>{t('nav.wallet')}</NavLink> : null}
            </nav>
          </>
        )}
      </div>
    </header>
  );
}

export function Footer({ withLanguage }) {
  return (
    <footer class="site-footer">
      <div class="site-footer__inner">
        <p>{t('footer.issuer')}</p>
        {withLanguage ? <LanguageSwitcher id="language-footer" /> : null}
      </div>
    </footer>
  );
}
