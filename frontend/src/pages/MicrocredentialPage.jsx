import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { navigate } from '../router.jsx';
import { canIssueFor, useSession } from '../session.js';
import { ErrorAlert, Facts, Loading } from '../components/common.jsx';
import { Outcomes } from '../components/Outcomes.jsx';
import { AssessmentPanel } from '../components/AssessmentPanel.jsx';
import { Page } from '../components/Page.jsx';
import { NotFoundContent } from './NotFound.jsx';
import {
  countryName, eqfExplained, formatNumber, languageLabel, participationLabel,
} from '../format.js';

/** "60 hours, 2 ECTS credits (1 ECTS credit is about 25–30 hours of learning)" */
function Workload({ hours, ects }) {
  return (
    <>
      {t('workload.hours', { count: Number(hours) })}
      {ects != null && ects !== ''
        ? <>{t('common.listSeparator')}{t('workload.ects', { count: Number(ects) })}</>
        : null}
      <span class="facts__note">{t('workload.ectsExplained', { low: formatNumber(25), high: formatNumber(30) })}</span>
    </>
  );
}

function Occupations({ occupations }) {
  if (!occupations || !occupations.length) return t('occupations.none');
  return (
    <ul class="plain-list">
      {occupations.map((o) => (
        <li key={o.uri}>
          <a href={o.uri} rel="external noopener">{o.label || o.uri}</a>
          {o.isco_code ? <span class="muted">{' '}{t('occupations.isco', { code: o.isco_code })}</span> : null}
        </li>
      ))}
    </ul>
  );
}

function Organisation({ org }) {
  if (!org) return null;
  return (
    <>
      {org.name}
      {org.country ? <span class="muted">{t('organisation.countrySuffix', { country: countryName(org.country) })}</span> : null}
    </>
  );
}

export function MicrocredentialPage({ params }) {
  const { user } = useSession();
  const { data: mc, error, loading } = useApi(`/api/v1/microcredentials/${encodeURIComponent(params.id)}`);

  if (error && error.status === 404) return <NotFoundContent />;
  const org = mc && mc.promoting_organisation;

  return (
    <Page title={mc ? mc.title : t('microcredential.title')} class="mc">
      {loading && !mc ? <Loading /> : null}
      <ErrorAlert error={error} />
      {mc ? (
        <article class="mc__body">
          <p class="eyebrow">{t('microcredential.kind')}</p>
          <h1>{mc.title}</h1>
          <p class="lead">{mc.summary}</p>

          {canIssueFor(user, org && org.id) ? (
            <p class="actions">
              <button
                type="button"
                class="button"
                onClick={() => navigate(`/issue?microcredential=${encodeURIComponent(mc.id)}`)}
              >
                {t('microcredential.issue')}
              </button>
            </p>
          ) : null}

          <h2>{t('microcredential.outcomes')}</h2>
          <Outcomes outcomes={mc.learning_outcomes} />

          <AssessmentPanel mc={mc} />

          <h2>{t('microcredential.details')}</h2>
          <Facts
            rows={[
              [t('fields.eqfLevel'), eqfExplained(mc.eqf_level)],
              [t('fields.workload'), <Workload hours={mc.workload_hours} ects={mc.ects_credits} />],
              [t('fields.assessmentType'), mc.assessment_type],
              [t('fields.participation'), participationLabel(mc.participation_form)],
              [t('fields.qualityAssurance'), mc.quality_assurance],
              [t('fields.language'), languageLabel(mc.language)],
              [t('fields.occupations'), <Occupations occupations={mc.esco_occupations} />],
              [t('fields.issuer'), (mc.issuer && mc.issuer.name) || t('app.alliance')],
              [t('fields.promotedBy'), <Organisation org={org} />],
            ]}
          />
        </article>
      ) : null}
    </Page>
  );
}
