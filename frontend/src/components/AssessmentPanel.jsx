// The online assessment of a micro-credential on its page: the rules and the way in for learners,
// and a link to the statistics for those who author the assessment.
import { useState } from 'preact/hooks';
import { getLang, t } from '../i18n/index.js';
import { languageLabel, nextAttemptText } from '../format.js';
import { post, withQuery } from '../api.js';
import { errorMessage } from '../errors.js';
import { useApi } from '../hooks.js';
import { Link, navigate } from '../router.jsx';
import { useSession } from '../session.js';
import { Alert, Facts } from './common.jsx';
import { QuestionTranslations } from './QuestionTranslations.jsx';

/** Whether `user` may read the statistics of an assessment of organisation `organisationId`. */
function authorsAssessment(user, organisationId) {
  if (!user) return false;
  if (user.role === 'coordinator') return true;
  return user.role === 'editor' && !!user.organisation && String(user.organisation.id) === String(organisationId);
}


export function AssessmentPanel({ mc }) {
  const { user } = useSession();
  const { data: rules, reload: reloadRules } = useApi(`/api/v1/microcredentials/${encodeURIComponent(mc.id)}/assessment`);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  // The API lists the questions' own language first, then those with translations.
  const choices = (rules && rules.languages) || ['en'];
  const [chosen, setLanguage] = useState(null);
  const language = chosen || (choices.includes(getLang()) ? getLang() : choices[0]);
  const org = mc.promoting_organisation;
  const here = `/microcredentials/${encodeURIComponent(mc.id)}`;

  const authors = authorsAssessment(user, org && org.id);
  const own = mc.language || 'en';
  const translationLanguages = (mc.delivery_languages || []).filter((code) => code !== own);
  const translations = authors ? <QuestionTranslations mc={mc} languages={translationLanguages} /> : null;

  // Editors reach the rules and the question bank of the latest version from here, even before
  // the published version has an online assessment.
  const authorLink = authors ? (
    <p><Link href={`${here}/assessment/edit`}>{t('assessmentEditor.link')}</Link></p>
  ) : null;

  if (!rules || !rules.available) return authors ? <>{authorLink}{translations}</> : translations;

  async function onStart() {
    setBusy(true);
    setError(null);
    try {
      const attempt = await post(withQuery(`/api/v1/microcredentials/${encodeURIComponent(mc.id)}/attempts`, { lang: language }));
      navigate(`/attempts/${encodeURIComponent(attempt.id)}`);
    } catch (e) {
      // Another tab may have finished an attempt since the page loaded. Reading the rules again
      // returns the time of the next start, and the notice below then shows it in words.
      if (e.code === 'wait_required') reloadRules();
      else setError(e);
      setBusy(false);
    }
  }

  // Set for a signed-in learner only: whether and when the next attempt may start.
  const next = rules.next_attempt;
  let learnerNotice = null;
  if (next && !next.possible) {
    learnerNotice = next.passed ? t('assessment.alreadyPassed') : t('assessment.noAttemptsLeft');
  } else if (next && next.at) {
    learnerNotice = nextAttemptText(next, rules.time_zone);
  }

  let action;
  if (!user) {
    const next = encodeURIComponent(here);
    action = (
      <p class="actions">
        <Link class="button" href={`/sign-in?next=${next}`}>{t('assessment.signInToTake')}</Link>
        <Link class="button button--secondary" href={`/register?next=${next}`}>{t('assessment.registerToTake')}</Link>
      </p>
    );
  } else if (user.role === 'learner' && learnerNotice) {
    action = <p class="alert alert--info assessment-panel__notice">{learnerNotice}</p>;
  } else if (user.role === 'learner') {
    action = (
      <>
        {choices.length > 1 ? (
          <div class="field">
            <label class="field__label" for="attempt-language">{t('assessment.language')}</label>
            <select id="attempt-language" class="field__control" value={language}
              onChange={(e) => setLanguage(e.currentTarget.value)}>
              {choices.map((code) => <option key={code} value={code}>{languageLabel(code)}</option>)}
            </select>
            <p class="field__hint">{t('assessment.languageHint')}</p>
          </div>
        ) : null}
        <p class="actions">
          <button type="button" class="button" onClick={onStart} disabled={busy}>{t('assessment.take')}</button>
        </p>
      </>
    );
  } else {
    action = <p class="muted">{t('assessment.learnersOnly')}</p>;
  }

  return (
    <section class="assessment-panel" aria-labelledby="assessment-heading">
      <h2 id="assessment-heading">{t('assessment.heading')}</h2>
      <p>{t('assessment.intro')}</p>
      <Facts
        rows={[
          [t('assessment.questions'), t('assessment.questionsValue', { count: rules.max_questions })],
          [t('assessment.timeLimit'), t('assessment.minutes', { count: rules.time_limit_minutes })],
          [t('assessment.passMark'), t('assessment.passMarkValue', { pass: rules.pass_mark_percent, outcome: rules.outcome_min_percent })],
          [t('assessment.attempts'), t('assessment.attemptsValue', { count: rules.max_attempts })],
          [t('assessment.wait'), rules.wait_minutes > 0 ? t('assessment.minutes', { count: rules.wait_minutes }) : t('assessment.noWait')],
        ]}
      />
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      {action}
      {authors ? (
        <p><Link href={`${here}/assessment/statistics`}>{t('assessment.statisticsLink')}</Link></p>
      ) : null}
      {authorLink}
      {translations}
    </section>
  );
}
