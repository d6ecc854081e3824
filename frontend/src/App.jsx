import { useEffect, useRef } from 'preact/hooks';
import { useLang } from './i18n/index.js';
import { matchRoute, route, useLocation } from './router.jsx';
import { Footer, Header } from './components/Header.jsx';
import { Catalogue } from './pages/Catalogue.jsx';
import { MicrocredentialPage } from './pages/MicrocredentialPage.jsx';
import { SignIn } from './pages/SignIn.jsx';
import { Issue } from './pages/Issue.jsx';
import { Certificates } from './pages/Certificates.jsx';
import { CertificatePage } from './pages/CertificatePage.jsx';
import { Verify } from './pages/Verify.jsx';
import { NotFound } from './pages/NotFound.jsx';
import { Register, RegisterConfirm } from './pages/Register.jsx';
import { AttemptPage } from './pages/AttemptPage.jsx';
import { AssessmentStatistics } from './pages/AssessmentStatistics.jsx';

const routes = [
  route('/', Catalogue),
  route('/microcredentials/:id', MicrocredentialPage),
  route('/sign-in', SignIn),
  route('/issue', Issue),
  route('/certificates', Certificates),
  route('/certificates/:id', CertificatePage),
  route('/v/:id', Verify),
  route('/register', Register),
  route('/register/confirm', RegisterConfirm),
  route('/attempts/:id', AttemptPage),
  route('/microcredentials/:id/assessment/statistics', AssessmentStatistics),
];

/**
 * `ssr` is {path, html}: the markup the server had rendered into #app for the first page, shown by
 * that page until its own data has arrived.
 */
export function App({ ssr }) {
  useLang(); // re-render everything in the new language when it changes
  const loc = useLocation();
  const found = matchRoute(routes, loc.path);
  const View = found ? found.view : NotFound;
  const minimal = View === Verify;

  // After a navigation inside the app (not on first load), move focus to the new page's content
  // so that keyboard and screen-reader users start reading there.
  const firstPath = useRef(loc.path);
  useEffect(() => {
    if (loc.path === firstPath.current) return;
    firstPath.current = null;
    const main = document.getElementById('main');
    if (main) main.focus({ preventScroll: true });
  }, [loc.path]);

  return (
    <div class={minimal ? 'shell shell--minimal' : 'shell'}>
      <Header path={loc.path} search={loc.search} minimal={minimal} />
      <View
        key={loc.path}
        params={found ? found.params : {}}
        loc={loc}
        ssrHtml={ssr && ssr.path === loc.path ? ssr.html : null}
      />
      <Footer withLanguage={minimal} />
    </div>
  );
}
