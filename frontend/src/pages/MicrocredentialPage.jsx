import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { navigate } from '../router.jsx';
import { canIssueFor, useSession } from '../session.js';
import { Day, ErrorAlert, Facts, Loading } from '../components/common.jsx';
import { Outcomes } from '../components/Outcomes.jsx';
import { AssessmentPanel } from '../components/AssessmentPanel.jsx';
import { Page } from '../components/Page.jsx';
import { NotFoundContent } from './NotFound.jsx';
import {
  countryName, eqfExplained, formatNumber, languageLabel, participationLabel,
} from '../format.js';
import {
  DeliveryLanguages, RelatedTraining, Stackability, Supervision, Validity, achievementUrl,
} from '../components/Elements.jsx';

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
  return (
    <>
      {occupations && occupations.length ? (
        <ul class="plain-list">
          {occupations.map((o) => (
            <li key={o.uri}>
              <a href={o.uri} rel="external noopener">{o.label || o.uri}</a>
              {o.isco_code ? <span class="muted">{' '}{t('occupations.isco', { code: o.isco_code })}</span> : null}
            </li>
          ))}
        </ul>
      ) : t('occupations.none')}
      <span class="facts__note">{t('elements.escoOccupations.explain')}</span>
    </>
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

function Eqf({ mc }) {
  return (
    <>
      {mc.eqf && mc.eqf.summary
        ? t('eqf.explained', { level: mc.eqf_level, summary: mc.eqf.summary })
        : eqfExplained(mc.eqf_level)}
      <span class="facts__note">{t('elements.eqfLevel.explain')}</span>
    </>
  );
}

/** Returns "Not specified" for an empty element, so that every element keeps its row. */
function orNotSpecified(value) {
  return value === null || value === undefined || value === '' ? t('elements.notSpecified') : value;
}

/**
 * Lists the elements of the European approach to micro-credentials in one fixed order: the mandatory
 * ones first (awarding body, country, learning outcomes above, level, workload, assessment,
 * participation, quality assurance), then the optional ones.
 */
export function ElementFacts({ mc }) {
  const org = mc.promoting_organisation;
  return (
    <Facts
      rows={[
        [t('fields.issuer'), (mc.issuer && mc.issuer.name) || t('app.alliance')],
        [t('fields.promotedBy'), <Organisation org={org} />],
        [t('fields.eqfLevel'), <Eqf mc={mc} />],
        [t('fields.workload'), <Workload hours={mc.workload_hours} ects={mc.ects_credits} />],
        [t('fields.assessmentType'), orNotSpecified(mc.assessment_type)],
        [t('fields.participation'), orNotSpecified(participationLabel(mc.participation_form))],
        [t('fields.qualityAssurance'), orNotSpecified(mc.quality_assurance)],
        [t('elements.deliveryLanguages.label'), <DeliveryLanguages codes={mc.delivery_languages} fallback={mc.language} />],
        [t('elements.prerequisites.label'), orNotSpecified(mc.prerequisites)],
        [t('elements.supervision.label'), <Supervision value={mc.supervision} />],
        [t('elements.stackability.label'), <Stackability value={mc.stackability} towards={mc.stackable_towards} />],
        [t('elements.validity.label'), <Validity months={mc.validity_months} />],
        [t('elements.relatedTraining.label'), <RelatedTraining training={mc.related_training} />],
        [t('fields.occupations'), <Occupations occupations={mc.esco_occupations} />],
        [t('elements.originalLanguage'), languageLabel(mc.original_language || mc.language)],
      ]}
    />
  );
}

export function MicrocredentialPage({ params }) {
  const { user } = useSession();
  const { data: mc, error, loading } = useApi(`/api/v1/microcredentials/${encodeURIComponent(params.id)}`);

  if (error && error.status === 404) return <NotFoundContent />;
  const org = mc && mc.promoting_organisation;
  const canEdit = user && user.role === 'editor' && org && user.organisation &&
    String(user.organisation.id) === String(org.id);

  return (
    <Page title={mc ? mc.title : t('microcredential.title')} class="mc">
      {loading && !mc ? <Loading /> : null}
      <ErrorAlert error={error} />
      {mc ? (
        <article class="mc__body">
          <p class="eyebrow">{t('microcredential.kind')}</p>
          <h1>{mc.title}</h1>
          <p class="lead">{mc.summary}</p>
          {mc.version ? (
            <p class="muted">
              {t('elements.versionPublished', { version: mc.version })}
              {mc.published_on ? <>{' '}<Day value={mc.published_on} /></> : null}
            </p>
          ) : null}

          {canIssueFor(user, org && org.id) || canEdit ? (
            <p class="actions form__actions">
              {canIssueFor(user, org && org.id) ? (
                <button
                  type="button"
                  class="button"
                  onClick={() => navigate(`/issue?microcredential=${encodeURIComponent(mc.id)}`)}
                >
                  {t('microcredential.issue')}
                </button>
              ) : null}
              {canEdit ? (
                <button
                  type="button"
                  class="button button--secondary"
                  onClick={() => navigate(`/microcredentials/${encodeURIComponent(mc.id)}/edit`)}
                >
                  {t('editor.editPublished')}
                </button>
              ) : null}
            </p>
          ) : null}

          <h2>{t('microcredential.outcomes')}</h2>
          <Outcomes outcomes={mc.learning_outcomes} />

          <AssessmentPanel mc={mc} />

          <h2>{t('microcredential.details')}</h2>
          <ElementFacts mc={mc} />

          <h2>{t('elements.exportsHeading')}</h2>
          <p>
            <a href={achievementUrl(mc.id)} type="application/json">{t('elements.achievementLink')}</a>
            <span class="facts__note">{t('elements.achievementExplain')}</span>
          </p>
        </article>
      ) : null}
    </Page>
  );
}
