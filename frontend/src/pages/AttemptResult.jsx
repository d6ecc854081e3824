// The result of a scored attempt: the score overall and per learning outcome, every question with
// the learner's answer, the correct answer and the explanation, and then the certificate (pass) or
// when the learner may try again (fail). After a failure with attempts left the API withholds the
// correct answers and explanations (answers_revealed false), so only the learner's answers show.
import { t } from '../i18n/index.js';
import { Link } from '../router.jsx';
import { Day } from '../components/common.jsx';
import { formatNumber, nextAttemptText } from '../format.js';

/** A whole or one-decimal percentage for display. */
function percent(value) {
  return formatNumber(Math.round(Number(value) * 10) / 10);
}

/** The text of an answer in the positions the attempt showed, or "no answer". */
function answerText(question, answer) {
  if (answer === null || answer === undefined) return t('result.noAnswer');
  if (question.type === 'true_false') return answer ? t('attempt.true') : t('attempt.false');
  const list = Array.isArray(answer) ? answer : [answer];
  if (!list.length) return t('result.noAnswer');
  return list.map((i) => question.options[i]).join(question.type === 'ordering' ? ' → ' : '; ');
}

/**
 * The wait before the next attempt, from two times the server gave (so the device clock plays no
 * part), rounded up to whole minutes or hours.
 */
function waitText(serverTime, at) {
  const seconds = (Date.parse(at) - Date.parse(serverTime)) / 1000;
  if (!(seconds > 0)) return null;
  if (seconds < 5400) return t('result.waitMinutes', { count: Math.ceil(seconds / 60) });
  return t('result.waitHours', { count: Math.ceil(seconds / 3600) });
}

function NextAttempt({ attempt }) {
  const next = attempt.next_attempt;
  if (!next) return null;
  let text;
  if (!next.possible) text = t('result.noAttemptsLeft');
  else if (!next.at) text = t('result.tryAgainNow', { count: next.attempts_left });
  else {
    text = t('result.tryAgainLater', {
      wait: waitText(attempt.server_time, next.at) || '',
      count: next.attempts_left,
    });
  }
  return (
    <div class="result__next">
      <p>{text}{next.at && next.possible ? ` ${nextAttemptText(next, attempt.time_zone)}` : null}</p>
      {next.possible ? (
        <p><Link href={`/microcredentials/${encodeURIComponent(attempt.microcredential.id)}`}>{t('result.backToMicrocredential')}</Link></p>
      ) : null}
    </div>
  );
}

export function AttemptResult({ attempt }) {
  const passed = attempt.status === 'passed';
  return (
    <div class="result">
      <section class={passed ? 'result__summary result__summary--passed' : 'result__summary result__summary--failed'} aria-labelledby="result-heading">
        <h2 id="result-heading">{passed ? t('result.passed') : t('result.failed')}</h2>
        <p class="lead">{t('result.score', { score: percent(attempt.score_percent) })}</p>
        <p class="muted">{t('result.submittedOn')} <Day value={attempt.submitted_on} /></p>
        {passed && attempt.certificate ? (
          <div class="result__certificate">
            <p>{t('result.certificate')}</p>
            <p>
              <a class="button" href={attempt.certificate.verify_url}>{t('result.openCertificate')}</a>
            </p>
            <p class="result__url">{attempt.certificate.verify_url}</p>
          </div>
        ) : null}
        {!passed ? <NextAttempt attempt={attempt} /> : null}
      </section>

      <h2 id="result-outcomes-heading">{t('result.byOutcome')}</h2>
      <table class="table result__outcomes" aria-labelledby="result-outcomes-heading">
        <thead>
          <tr>
            <th scope="col">{t('result.outcome')}</th>
            <th scope="col">{t('result.correct')}</th>
            <th scope="col">{t('result.outcomeScore')}</th>
          </tr>
        </thead>
        <tbody>
          {(attempt.outcomes || []).map((o) => (
            <tr key={o.position}>
              <td data-label={t('result.outcome')}>{o.statement}</td>
              <td data-label={t('result.correct')}>{t('result.correctOf', { correct: o.correct, total: o.questions })}</td>
              <td data-label={t('result.outcomeScore')}>
                {percent(o.score_percent)} %{' '}
                <span class={o.passed ? 'result__mark result__mark--ok' : 'result__mark result__mark--bad'}>
                  {o.passed ? t('result.outcomeMet') : t('result.outcomeNotMet')}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {attempt.answers_revealed ? <h2>{t('result.answers')}</h2> : (
        <>
          <h2>{t('result.yourAnswers')}</h2>
          <p class="alert alert--info">{t('result.answersHidden')}</p>
        </>
      )}
      <ol class="result__questions">
        {attempt.questions.map((q) => !attempt.answers_revealed ? (
          <li key={q.id} class="result__question">
            <p class="result__prompt">{q.prompt}</p>
            <dl class="facts">
              <dt>{t('result.yourAnswer')}</dt>
              <dd>{answerText(q, q.answer)}</dd>
            </dl>
          </li>
        ) : (
          <li key={q.id} class={q.correct ? 'result__question result__question--right' : 'result__question result__question--wrong'}>
            <p class="result__prompt">{q.prompt}</p>
            <p><strong>{q.correct ? t('result.right') : t('result.wrong')}</strong></p>
            <dl class="facts">
              <dt>{t('result.yourAnswer')}</dt>
              <dd>{answerText(q, q.answer)}</dd>
              <dt>{t('result.correctAnswer')}</dt>
              <dd>{answerText(q, q.correct_answer)}</dd>
              {q.explanation ? <><dt>{t('result.explanation')}</dt><dd>{q.explanation}</dd></> : null}
            </dl>
          </li>
        ))}
      </ol>
    </div>
  );
}
