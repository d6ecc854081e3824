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
// Catalogue governance and signed credentials
import { Editor } from './pages/Editor.jsx';
import { Review } from './pages/Review.jsx';
import { Validation } from './pages/Validation.jsx';
import { ValidationQueue } from './pages/ValidationQueue.jsx';
import { Versions } from './pages/Versions.jsx';
import { VerifyFile } from './pages/VerifyFile.jsx';

// Catalogue governance and signed credentials. These come first because /microcredentials/:id
// would otherwise match /microcredentials/new.
const governanceRoutes = [
  route('/microcredentials/new', Editor),
  route('/microcredentials/:id/edit', Editor),
  route('/microcredentials/:id/review', Review),
  route('/microcredentials/:id/validation', Validation),
  route('/microcredentials/:id/versions', Versions),
  route('/validation', ValidationQueue),
  route('/verify-file', VerifyFile),
];
// Membership, joining, accounts and the coordinators' dashboard.
import { Members } from './pages/Members.jsx';
import { OrganisationPage } from './pages/OrganisationPage.jsx';
import { Join } from './pages/Join.jsx';
import { JoinConfirm } from './pages/JoinConfirm.jsx';
import { AccountPassword } from './pages/AccountPassword.jsx';
import { ForgotPassword } from './pages/ForgotPassword.jsx';
import { OrganisationUsers } from './pages/OrganisationUsers.jsx';
import { DashboardApplications } from './pages/dashboard/Applications.jsx';
import { DashboardMembers } from './pages/dashboard/Members.jsx';
import { DashboardOrganisation } from './pages/dashboard/Organisation.jsx';
import { DashboardAudit } from './pages/dashboard/Audit.jsx';
import { DashboardOutbox } from './pages/dashboard/Outbox.jsx';
import { DashboardFigures } from './pages/dashboard/Figures.jsx';
import { Wallet } from './pages/Wallet.jsx';
import { Register, RegisterConfirm } from './pages/Register.jsx';
import { AttemptPage } from './pages/AttemptPage.jsx';
import { AssessmentStatistics } from './pages/AssessmentStatistics.jsx';
// Bulk issuing from CSV files.
import { BulkIssue } from './pages/BulkIssue.jsx';
// Authoring the online assessment of a version: rules and question bank.
import { AssessmentEditor } from './pages/AssessmentEditor.jsx';

const routes = [
  ...governanceRoutes,
  route('/', Catalogue),
  route('/microcredentials/:id', MicrocredentialPage),
  route('/sign-in', SignIn),
  route('/issue', Issue),
  route('/certificates', Certificates),
  route('/certificates/:id', CertificatePage),
  route('/v/:id', Verify),
  // Membership, joining, accounts and the coordinators' dashboard.
  route('/members', Members),
  route('/organisations/:id', OrganisationPage),
  route('/join', Join),
  route('/join/confirm', JoinConfirm),
  route('/account/password', AccountPassword),
  route('/forgot-password', ForgotPassword),
  route('/organisation/users', OrganisationUsers),
  route('/dashboard', DashboardApplications),
  route('/dashboard/applications', DashboardApplications),
  route('/dashboard/members', DashboardMembers),
  route('/dashboard/organisations/:id', DashboardOrganisation),
  route('/dashboard/audit', DashboardAudit),
  route('/dashboard/outbox', DashboardOutbox),
  route('/dashboard/figures', DashboardFigures),
  route('/wallet', Wallet),
  route('/register', Register),
  route('/register/confirm', RegisterConfirm),
  route('/attempts/:id', AttemptPage),
  route('/microcredentials/:id/assessment/statistics', AssessmentStatistics),
  // Bulk issuing from CSV files.
  route('/issue/bulk', BulkIssue),
  // Authoring the online assessment of a version: rules and question bank.
  route('/microcredentials/:id/assessment/edit', AssessmentEditor),
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
