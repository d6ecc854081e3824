// The versions of a micro-credential and its history (/microcredentials/{id}/versions), with the
// differences between two versions field by field: removed words struck through, added words marked.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../api.js';
import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { Link, navigate } from '../router.jsx';
import { Day, ErrorAlert, Loading } from '../components/common.jsx';
import { RoleGuard } from '../components/RoleGuard.jsx';
import { Page } from '../components/Page.jsx';
import { deliveryLanguagesText, stackabilityText, supervisionText, validityText } from '../components/Elements.jsx';
import { diffWords } from '../diff.js';
import { eqfShort, participationLabel } from '../format.js';
import { fetchVersion } from '../versions.js';
import { fetchVersionAssessment, questionsText, rulesText } from '../components/VersionAssessment.jsx';
import { VALIDATION_ROLES } from './ValidationQueue.jsx';

const outcomesText = (v) => (v.learning_outcomes || [])
  .map((o, i) => {
    const skills = (o.esco_skills || []).map((s) => s.label || s.uri).join(', ');
    return skills ? `${i + 1}. ${o.statement} [${skills}]` : `${i + 1}. ${o.statement}`;
  })
  .join('\n');

const trainingText = (training) => (training && training.url ? `${training.title || ''} ${training.url}`.trim() : '');

/** Lists the compared fields in the order of the public page, each as [label, text of a version]. */
function comparedFields() {
  return [
    [t('elements.title.label'), (v) => v.title || ''],
    [t('elements.summary.label'), (v) => v.summary || ''],
    [t('microcredential.outcomes'), outcomesText],
    [t('fields.eqfLevel'), (v) => eqfShort(v.eqf_level)],
    [t('elements.workloadHours.label'), (v) => (v.workload_hours == null ? '' : String(v.workload_hours))],
    [t('elements.ectsCredits.label'), (v) => (v.ects_credits == null ? '' : String(v.ects_credits))],
    [t('fields.assessmentType'), (v) => v.assessment_type || ''],
    [t('fields.participation'), (v) => participationLabel(v.participation_form)],
    [t('fields.qualityAssurance'), (v) => v.quality_assurance || ''],
    [t('elements.deliveryLanguages.label'), (v) => deliveryLanguagesText(v.delivery_languages)],
    [t('elements.prerequisites.label'), (v) => v.prerequisites || ''],
    [t('elements.supervision.label'), (v) => supervisionText(v.supervision)],
    [t('elements.stackability.label'), (v) => stackabilityText(v.stackability, v.stackable_towards)],
    [t('elements.validity.label'), (v) => validityText(v.validity_months)],
    [t('elements.relatedTraining.label'), (v) => trainingText(v.related_training)],
    [t('fields.occupations'), (v) => (v.esco_occupations || []).map((o) => o.label || o.uri).join(', ')],
  ];
}

function DiffText({ before, after }) {
  return (
    <p class="diff__text">
      {diffWords(before, after).map((part, i) => {
        if (part.kind === 'added') return <ins key={i} class="diff__added">{part.text}</ins>;
        if (part.kind === 'removed') return <del key={i} class="diff__removed">{part.text}</del>;
        return <span key={i}>{part.text}</span>;
      })}
    </p>
  );
}

function Differences({ id, from, to }) {
  const [state, setState] = useState({ loading: true, pair: null, error: null });
  useEffect(() => {
    let current = true;
    setState({ loading: true, pair: null, error: null });
    // A reviewer may read the assessment only of the version it reviews, so a refused one compares as empty.
    const assessmentOf = (number) => fetchVersionAssessment(id, number).catch((error) => {
      if (error.status === 403) return null;
      throw error;
    });
    Promise.all([fetchVersion(id, from), fetchVersion(id, to), assessmentOf(from), assessmentOf(to)]).then(
      (pair) => current && setState({ loading: false, pair, error: null }),
      (error) => current && setState({ loading: false, pair: null, error }),
    );
    return () => { current = false; };
  }, [id, from, to]);

  if (state.loading) return <Loading />;
  if (state.error) return <ErrorAlert error={state.error} />;
  const [a, b, assessmentA, assessmentB] = state.pair;
  const rows = comparedFields().map(([label, text]) => ({ label, before: text(a), after: text(b) }));
  rows.push({ label: t('versionAssessment.diffRules'), before: rulesText(assessmentA), after: rulesText(assessmentB) });
  rows.push({ label: t('versionAssessment.diffQuestions'), before: questionsText(assessmentA), after: questionsText(assessmentB) });
  const changed = rows.filter((row) => row.before !== row.after);
  const same = rows.filter((row) => row.before === row.after);
  return (
    <div class="diff" aria-live="polite">
      <p class="muted">{t('versions.legend')}</p>
      {changed.length ? (
        <dl class="facts diff__facts">
          {changed.map((row) => (
            <Fragment key={row.label}>
              <dt>{row.label}</dt>
              <dd><DiffText before={row.before} after={row.after} /></dd>
            </Fragment>
          ))}
        </dl>
      ) : <p class="empty">{t('versions.noChanges')}</p>}
      {same.length ? (
        <p class="muted">{t('versions.unchanged', { fields: same.map((row) => row.label).join(t('common.listSeparator')) })}</p>
      ) : null}
    </div>
  );
}

function History({ id }) {
  const { data, error, loading } = useApi(`/api/v1/microcredentials/${encodeURIComponent(id)}/history`);
  if (error && error.status === 403) return null; // reviewers see the versions but not the history
  if (error) return <ErrorAlert error={error} />;
  if (loading && !data) return <Loading />;
  return (
    <table class="table">
      <caption class="visually-hidden">{t('versions.historyHeading')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('versions.when')}</th>
          <th scope="col">{t('versions.who')}</th>
          <th scope="col">{t('versions.what')}</th>
          <th scope="col">{t('validation.comment')}</th>
        </tr>
      </thead>
      <tbody>
        {data.items.map((item, i) => (
          <tr key={i}>
            <td data-label={t('versions.when')}><Day value={item.on} /></td>
            <td data-label={t('versions.who')}>{item.actor && item.actor.name}</td>
            <td data-label={t('versions.what')}>
              {item.to
                ? t('versions.change', { version: item.version, to: t(`versionStatus.${item.to}`) })
                : t('versions.event', { version: item.version })}
              {item.recommendation ? ` (${t(`review.recommendations.${item.recommendation}`)})` : null}
            </td>
            <td data-label={t('validation.comment')}>{item.comment || ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VersionsLoaded({ id, loc }) {
  const { data, error, loading } = useApi(`/api/v1/microcredentials/${encodeURIComponent(id)}/versions`);
  if (error) return <ErrorAlert error={error} />;
  if (loading && !data) return <Loading />;
  const items = data.items;
  const numbers = items.map((v) => String(v.version));
  const params = new URLSearchParams(loc.search);
  const latest = numbers[numbers.length - 1];
  const to = numbers.includes(params.get('to')) ? params.get('to') : latest;
  const from = numbers.includes(params.get('from')) ? params.get('from') : numbers[Math.max(0, numbers.indexOf(to) - 1)];
  const base = `/microcredentials/${encodeURIComponent(id)}/versions`;
  const choose = (key) => (event) => navigate(withQuery(base, { from, to, [key]: event.currentTarget.value }), { replace: true });

  return (
    <>
      <h2>{t('versions.listHeading')}</h2>
      <ul class="plain-list">
        {items.map((v) => (
          <li key={v.version}>
            {t('versions.entry', { version: v.version, title: v.title || t('validation.untitled'), status: t(`versionStatus.${v.status}`) })}
            {v.published_on ? <>{' '}{t('versions.publishedOn')}{' '}<Day value={v.published_on} /></> : null}
          </li>
        ))}
      </ul>

      <h2>{t('versions.compareHeading')}</h2>
      {numbers.length < 2 ? <p>{t('versions.onlyOne')}</p> : (
        <>
          <div class="editor__pair">
            <div class="field">
              <label class="field__label" for="compare-from">{t('versions.from')}</label>
              <select id="compare-from" class="field__control" value={from} onChange={choose('from')}>
                {numbers.map((n) => <option key={n} value={n}>{t('versions.option', { version: n })}</option>)}
              </select>
            </div>
            <div class="field">
              <label class="field__label" for="compare-to">{t('versions.to')}</label>
              <select id="compare-to" class="field__control" value={to} onChange={choose('to')}>
                {numbers.map((n) => <option key={n} value={n}>{t('versions.option', { version: n })}</option>)}
              </select>
            </div>
          </div>
          <Differences id={id} from={from} to={to} />
        </>
      )}

      <h2>{t('versions.historyHeading')}</h2>
      <History id={id} />
    </>
  );
}

export function Versions({ params, loc }) {
  const title = t('versions.title');
  return (
    <RoleGuard loc={loc} title={title} roles={VALIDATION_ROLES}>
      {() => (
        <Page title={title}>
          <p><Link href="/validation">{t('validation.title')}</Link></p>
          <h1>{title}</h1>
          <VersionsLoaded id={params.id} loc={loc} />
        </Page>
      )}
    </RoleGuard>
  );
}
