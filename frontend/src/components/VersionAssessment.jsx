// The online assessment of one micro-credential version as reviewers and editors read it: the
// rules and every question with its correct answer and the learning outcomes it assesses.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { t } from '../i18n/index.js';
import { Alert, ErrorAlert, Facts, Loading } from './common.jsx';

/** Fetches the assessment of version `number` of micro-credential `id`. */
export function fetchVersionAssessment(id, number) {
  return get(`/api/v1/microcredentials/${encodeURIComponent(id)}/versions/${encodeURIComponent(number)}/assessment`);
}

/** Returns the correct answer of `question` as text, naming the options in the editor's order. */
export function correctAnswerText(question) {
  const { type, correct, options } = question;
  if (type === 'true_false') return correct ? t('versionAssessment.true') : t('versionAssessment.false');
  if (type === 'single_choice') return options[correct] || '';
  return (correct || []).map((position) => options[position]).join(type === 'ordering' ? ' → ' : '; ');
}

/** Returns the positions (counted from 1) of the learning outcomes that `question` assesses, as text. */
export function outcomesText(question) {
  return (question.outcomes || []).map((position) => position + 1).join(', ');
}

/** Returns the rules of an assessment as Facts rows [label, value], or no rows when no rules are set. */
export function rulesRows(assessment) {
  if (!assessment || !assessment.exists) return [];
  const r = assessment.rules;
  return [
    [t('versionAssessment.rules.perOutcome'), String(r.questions_per_outcome)],
    [t('versionAssessment.rules.timeLimit'), t('versionAssessment.minutes', { minutes: r.time_limit_minutes })],
    [t('versionAssessment.rules.passMark'), `${r.pass_mark_percent} %`],
    [t('versionAssessment.rules.outcomeMin'), `${r.outcome_min_percent} %`],
    [t('versionAssessment.rules.attempts'), String(r.max_attempts)],
    [t('versionAssessment.rules.wait'), t('versionAssessment.minutes', { minutes: r.wait_minutes })],
  ];
}

/** Returns the rules as text, one rule per line, for the version diff. */
export function rulesText(assessment) {
  return rulesRows(assessment).map(([label, value]) => `${label}: ${value}`).join('\n');
}

/** Returns the questions as text, one per line with answer, outcomes and translations, for the version diff. */
export function questionsText(assessment) {
  if (!assessment) return '';
  return assessment.questions.map((q, i) => {
    const languages = (q.translations || []).map((tr) => tr.language).join(', ');
    const line = t('versionAssessment.questionLine', {
      number: i + 1, prompt: q.prompt, answer: correctAnswerText(q), outcomes: outcomesText(q),
    });
    return languages ? `${line} ${t('versionAssessment.translatedInto', { languages })}` : line;
  }).join('\n');
}

function QuestionItem({ question }) {
  return (
    <li class="version-assessment__question">
      <p><strong>{question.prompt}</strong></p>
      {question.type !== 'true_false' ? (
        <ol class="version-assessment__options">
          {question.options.map((option, i) => <li key={i}>{option}</li>)}
        </ol>
      ) : null}
      <dl class="facts">
        <dt>{t('versionAssessment.type')}</dt>
        <dd>{t(`versionAssessment.types.${question.type}`)}</dd>
        <dt>{t('versionAssessment.correct')}</dt>
        <dd class="version-assessment__correct">{correctAnswerText(question)}</dd>
        <dt>{t('versionAssessment.outcomes')}</dt>
        <dd>{outcomesText(question)}</dd>
        {question.explanation ? (
          <>
            <dt>{t('versionAssessment.explanation')}</dt>
            <dd>{question.explanation}</dd>
          </>
        ) : null}
        {question.translations && question.translations.length ? (
          <>
            <dt>{t('versionAssessment.translations')}</dt>
            <dd>{question.translations.map((tr) => tr.language).join(', ')}</dd>
          </>
        ) : null}
      </dl>
    </li>
  );
}

/** Shows the assessment of version `number` of micro-credential `id`. */
export function VersionAssessment({ id, number }) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  useEffect(() => {
    let current = true;
    setState({ loading: true, data: null, error: null });
    fetchVersionAssessment(id, number).then(
      (data) => current && setState({ loading: false, data, error: null }),
      (error) => current && setState({ loading: false, data: null, error }),
    );
    return () => { current = false; };
  }, [id, number]);

  if (state.loading) return <Loading />;
  if (state.error) return <ErrorAlert error={state.error} />;
  const data = state.data;
  return (
    <section class="version-assessment" aria-labelledby="version-assessment-heading">
      <h3 id="version-assessment-heading">{t('versionAssessment.heading', { version: data.version })}</h3>
      {!data.exists && !data.questions.length ? <p class="empty">{t('versionAssessment.none')}</p> : (
        <>
          {!data.drawable ? (
            <Alert kind="info">{data.problems.map((p) => p.message).join(' ')}</Alert>
          ) : null}
          <Facts rows={rulesRows(data)} />
          <ol class="version-assessment__questions">
            {data.questions.map((question) => <QuestionItem key={question.id} question={question} />)}
          </ol>
        </>
      )}
    </section>
  );
}
