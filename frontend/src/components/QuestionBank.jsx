// The question bank of a version, grouped by learning outcome. Each group counts its questions
// against the number that the rules draw per learning outcome, so the editor can tell whether a paper
// can be drawn before submitting the version. A question that assesses several learning outcomes
// is listed, and counted, under each of them, as the API counts it.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { correctAnswerText } from './VersionAssessment.jsx';

/** Counts, per learning outcome, the current questions that assess it. */
export function outcomeCounts(questions, outcomeCount) {
  const counts = new Array(outcomeCount).fill(0);
  for (const question of questions) {
    for (const at of question.outcomes || []) if (at >= 0 && at < outcomeCount) counts[at] += 1;
  }
  return counts;
}

/** Shows the per-outcome counts and whether a paper can be drawn, announced when they change. */
function DrawSummary({ assessment, counts }) {
  const needed = assessment.rules.questions_per_outcome;
  let overall;
  if (!assessment.exists) overall = t('questionBank.noRules');
  else if (assessment.drawable) overall = t('questionBank.drawable');
  else overall = t('questionBank.notDrawable');
  return (
    <div class="question-bank__summary" aria-live="polite">
      <p class={assessment.drawable ? 'question-bank__overall question-bank__overall--ok' : 'question-bank__overall question-bank__overall--short'}
        data-drawable={assessment.drawable ? 'true' : 'false'}>
        <span class="question-bank__icon" aria-hidden="true">{assessment.drawable ? '✓' : '!'}</span>
        {overall}
      </p>
      <table class="question-bank__counts">
        <caption>{t('questionBank.countsCaption', { count: needed })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('questionBank.outcomeColumn')}</th>
            <th scope="col">{t('questionBank.questionsColumn')}</th>
            <th scope="col">{t('questionBank.statusColumn')}</th>
          </tr>
        </thead>
        <tbody>
          {counts.map((count, at) => (
            <tr key={at} data-outcome={at + 1} class={count >= needed ? 'question-bank__row--ok' : 'question-bank__row--short'}>
              <th scope="row">{t('questionBank.outcomeNumber', { number: at + 1 })}</th>
              <td>{count}</td>
              <td class="question-bank__status">
                {count >= needed ? t('questionBank.enough') : t('questionBank.missing', { count: needed - count })}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function QuestionEntry({ question, outcomeAt, editable, onEdit, onRetire }) {
  const [confirming, setConfirming] = useState(false);
  const others = question.outcomes.filter((at) => at !== outcomeAt).map((at) => at + 1);
  return (
    <li class="question-bank__question" data-question={question.id}>
      <p class="question-bank__prompt">{question.prompt}</p>
      <p class="question-bank__meta">
        {t(`versionAssessment.types.${question.type}`)}
        {t('common.separator')}
        {t('questionBank.correct', { answer: correctAnswerText(question) })}
      </p>
      {others.length ? <p class="question-bank__meta">{t('questionBank.alsoAssesses', { outcomes: others.join(', ') })}</p> : null}
      {question.explanation ? <p class="question-bank__meta">{t('questionBank.explanation', { text: question.explanation })}</p> : null}
      {editable ? (
        confirming ? (
          <p class="question-bank__actions" role="group" aria-label={t('questionBank.confirmRetire')}>
            <span>{t('questionBank.confirmRetire')}</span>
            <button type="button" class="button button--danger" onClick={() => onRetire(question)}>
              {t('questionBank.retireConfirmed')}
            </button>
            <button type="button" class="button button--secondary" onClick={() => setConfirming(false)}>
              {t('questionBank.keep')}
            </button>
          </p>
        ) : (
          <p class="question-bank__actions">
            <button type="button" class="button button--secondary" onClick={() => onEdit(question)}
              aria-label={t('questionBank.editNamed', { prompt: question.prompt })}>
              {t('questionBank.edit')}
            </button>
            <button type="button" class="button button--secondary" onClick={() => setConfirming(true)}
              aria-label={t('questionBank.retireNamed', { prompt: question.prompt })}>
              {t('questionBank.retire')}
            </button>
          </p>
        )
      ) : null}
    </li>
  );
}

/**
 * Lists the questions of `assessment` (from GET .../versions/{n}/assessment) under each learning
 * outcome. Edit and retire buttons appear only when `editable`.
 */
export function QuestionBank({ assessment, editable, onEdit, onRetire }) {
  const outcomes = assessment.learning_outcomes || [];
  const counts = outcomeCounts(assessment.questions, outcomes.length);
  return (
    <div class="question-bank">
      <DrawSummary assessment={assessment} counts={counts} />
      {outcomes.map((outcome, at) => {
        const questions = assessment.questions.filter((q) => q.outcomes.includes(at));
        const headingId = `question-bank-outcome-${at}`;
        return (
          <section class="question-bank__group" key={at} aria-labelledby={headingId}>
            <h3 id={headingId}>{t('questionBank.outcomeHeading', { number: at + 1, statement: outcome.statement })}</h3>
            <p class="question-bank__meta">{t('questionBank.groupCount', { count: questions.length })}</p>
            {questions.length ? (
              <ol class="question-bank__list">
                {questions.map((question) => (
                  <QuestionEntry key={question.id} question={question} outcomeAt={at} editable={editable}
                    onEdit={onEdit} onRetire={onRetire} />
                ))}
              </ol>
            ) : <p class="empty">{t('questionBank.emptyGroup')}</p>}
          </section>
        );
      })}
    </div>
  );
}
