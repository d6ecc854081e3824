// /attempts/:id: a learner's attempt at an online assessment. While it is in progress the page
// shows one question at a time and saves every answer to the server as it is given, so a reload
// resumes at the first unanswered question. Once scored it shows the result.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { ApiError, post, request } from '../api.js';
import { errorMessage } from '../errors.js';
import { useApi } from '../hooks.js';
import { Link } from '../router.jsx';
import { useSession } from '../session.js';
import { Alert, ErrorAlert, Loading } from '../components/common.jsx';
import { Page } from '../components/Page.jsx';
import { NotFoundContent } from './NotFound.jsx';
import { AttemptResult } from './AttemptResult.jsx';

/** Remaining seconds at which the timer is read out to screen readers. */
const ANNOUNCE_AT = [1800, 900, 600, 300, 120, 60, 30, 10];

function clockText(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

function spokenTime(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return s >= 60 ? t('attempt.minutesLeft', { count: Math.ceil(s / 60) }) : t('attempt.secondsLeft', { count: s });
}

/**
 * Counts down from the server's seconds_left with the page's monotonic clock, so a wrong or
 * changed device clock does not move the deadline. Calls onExpired once at zero.
 */
function useCountdown(secondsLeft, onExpired) {
  const [left, setLeft] = useState(secondsLeft);
  const [announcement, setAnnouncement] = useState('');
  const expired = useRef(false);

  useEffect(() => {
    const started = performance.now();
    let announced = ANNOUNCE_AT.find((mark) => mark < secondsLeft);
    expired.current = false;
    const tick = () => {
      const now = secondsLeft - (performance.now() - started) / 1000;
      setLeft(now);
      if (announced !== undefined && now <= announced) {
        setAnnouncement(spokenTime(announced));
        announced = ANNOUNCE_AT.find((mark) => mark < announced);
      }
      if (now <= 0 && !expired.current) {
        expired.current = true;
        onExpired();
      }
    };
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [secondsLeft]);
  return { left, announcement };
}

function SingleChoice({ question, onAnswer }) {
  return (
    <fieldset class="question__choices">
      <legend class="visually-hidden">{t('attempt.chooseOne')}</legend>
      {question.options.map((option, i) => (
        <label class="choice" key={i}>
          <input
            type="radio"
            name={`q${question.id}`}
            checked={question.answer === i}
            onChange={() => onAnswer(i)}
          />
          <span>{option}</span>
        </label>
      ))}
    </fieldset>
  );
}

function MultipleChoice({ question, onAnswer }) {
  const chosen = Array.isArray(question.answer) ? question.answer : [];
  function toggle(i) {
    const next = chosen.includes(i) ? chosen.filter((x) => x !== i) : [...chosen, i].sort((a, b) => a - b);
    onAnswer(next);
  }
  return (
    <fieldset class="question__choices">
      <legend class="visually-hidden">{t('attempt.chooseAll')}</legend>
      {question.options.map((option, i) => (
        <label class="choice" key={i}>
          <input type="checkbox" checked={chosen.includes(i)} onChange={() => toggle(i)} />
          <span>{option}</span>
        </label>
      ))}
    </fieldset>
  );
}

function TrueFalse({ question, onAnswer }) {
  return (
    <fieldset class="question__choices">
      <legend class="visually-hidden">{t('attempt.chooseTrueFalse')}</legend>
      {[true, false].map((value) => (
        <label class="choice" key={String(value)}>
          <input
            type="radio"
            name={`q${question.id}`}
            checked={question.answer === value}
            onChange={() => onAnswer(value)}
          />
          <span>{value ? t('attempt.true') : t('attempt.false')}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** Ordering: the options in the learner's order, moved with buttons; the answer is that order. */
function Ordering({ question, onAnswer }) {
  const order = Array.isArray(question.answer) ? question.answer : question.options.map((_, i) => i);
  const list = useRef(null);
  const [moved, setMoved] = useState(null);

  useEffect(() => {
    if (!moved || !list.current) return;
    const button = list.current.querySelector(`[data-move="${moved}"]`);
    if (button && !button.disabled) button.focus();
  }, [moved, order.join(',')]);

  function move(at, by) {
    const next = [...order];
    [next[at], next[at + by]] = [next[at + by], next[at]];
    setMoved(`${next[at + by]}:${by < 0 ? 'up' : 'down'}`);
    onAnswer(next);
  }
  return (
    <div class="question__choices">
      <ol class="ordering" ref={list}>
        {order.map((option, at) => (
          <li class="ordering__item" key={option}>
            <span class="ordering__text">{question.options[option]}</span>
            <span class="ordering__buttons">
              <button
                type="button"
                class="button button--quiet"
                data-move={`${option}:up`}
                disabled={at === 0}
                aria-label={t('attempt.moveUp', { option: question.options[option] })}
                onClick={() => move(at, -1)}
              >↑</button>
              <button
                type="button"
                class="button button--quiet"
                data-move={`${option}:down`}
                disabled={at === order.length - 1}
                aria-label={t('attempt.moveDown', { option: question.options[option] })}
                onClick={() => move(at, 1)}
              >↓</button>
            </span>
          </li>
        ))}
      </ol>
      {question.answer == null ? (
        <p>
          <button type="button" class="button button--secondary" onClick={() => onAnswer(order)}>
            {t('attempt.keepOrder')}
          </button>
        </p>
      ) : null}
    </div>
  );
}

const QUESTION_VIEWS = {
  single_choice: SingleChoice,
  multiple_choice: MultipleChoice,
  true_false: TrueFalse,
  ordering: Ordering,
};

function Taking({ attempt, onFinished }) {
  const [questions, setQuestions] = useState(attempt.questions);
  const firstOpen = attempt.questions.findIndex((q) => q.answer === null);
  const [index, setIndex] = useState(firstOpen >= 0 ? firstOpen : 0);
  const [saving, setSaving] = useState({});
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState(null);
  const pending = useRef(new Map());
  const heading = useRef(null);
  const started = useRef(false);
  const { left, announcement } = useCountdown(attempt.seconds_left, () => onFinished(null));

  useEffect(() => {
    if (started.current && heading.current) heading.current.focus();
    started.current = true;
  }, [index, confirming]);

  const question = questions[index];
  const answered = questions.filter((q) => q.answer !== null).length;

  // Answers to one question are sent one after the other, so the last one given is the one kept.
  function save(q, answer) {
    setQuestions((list) => list.map((item) => (item.id === q.id ? { ...item, answer } : item)));
    setSaving((s) => ({ ...s, [q.id]: 'saving' }));
    const previous = pending.current.get(q.id) || Promise.resolve();
    const next = previous.then(() => request('PUT', `/api/v1/attempts/${encodeURIComponent(attempt.id)}/answers/${q.id}`, { answer }))
      .then(() => {
        if (pending.current.get(q.id) === next) setSaving((s) => ({ ...s, [q.id]: 'saved' }));
      }, (e) => {
        setSaving((s) => ({ ...s, [q.id]: 'failed' }));
        if (e instanceof ApiError && e.code === 'time_over') onFinished(null);
        else setError(e);
      });
    pending.current.set(q.id, next);
  }

  async function submit() {
    setError(null);
    try {
      await Promise.all([...pending.current.values()]);
      onFinished(await post(`/api/v1/attempts/${encodeURIComponent(attempt.id)}/submit`));
    } catch (e) {
      setError(e);
    }
  }

  const View = QUESTION_VIEWS[question.type];
  const state = saving[question.id];
  const lowTime = left <= 60;
  return (
    <>
      <div class="attempt__bar">
        <p class="attempt__progress-text">{t('attempt.progress', { number: index + 1, total: questions.length, answered })}</p>
        <progress class="attempt__progress" max={questions.length} value={answered} aria-label={t('attempt.answeredLabel', { answered, total: questions.length })} />
        <p class={lowTime ? 'attempt__timer attempt__timer--low' : 'attempt__timer'}>
          <span>{t('attempt.timeLeft')}</span>{' '}
          <span role="timer">{clockText(left)}</span>
        </p>
        <p class="visually-hidden" aria-live="polite">{announcement}</p>
      </div>
      <ErrorAlert error={error} />
      {confirming ? (
        <section class="attempt__confirm" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading" ref={heading} tabIndex={-1}>{t('attempt.confirmTitle')}</h2>
          <p>{answered < questions.length
            ? t('attempt.confirmUnanswered', { count: questions.length - answered })
            : t('attempt.confirmAll')}</p>
          <p class="actions">
            <button type="button" class="button" onClick={submit}>{t('attempt.confirmSubmit')}</button>
            <button type="button" class="button button--secondary" onClick={() => setConfirming(false)}>{t('attempt.keepWorking')}</button>
          </p>
        </section>
      ) : (
        <section class="question" aria-labelledby="question-heading">
          <h2 id="question-heading" class="question__number" ref={heading} tabIndex={-1}>
            {t('attempt.questionNumber', { number: index + 1, total: questions.length })}
          </h2>
          <p class="question__prompt" id={`prompt-${question.id}`}>{question.prompt}</p>
          <p class="muted">{t(`attempt.how.${question.type}`)}</p>
          <View question={question} onAnswer={(answer) => save(question, answer)} />
          <p class="question__saved" role="status">
            {state === 'saving' ? t('attempt.saving') : null}
            {state === 'saved' ? t('attempt.saved') : null}
            {state === 'failed' ? t('attempt.saveFailed') : null}
          </p>
          <nav class="question__nav" aria-label={t('attempt.navLabel')}>
            <button type="button" class="button button--secondary" disabled={index === 0} onClick={() => setIndex(index - 1)}>
              {t('attempt.previous')}
            </button>
            {index < questions.length - 1 ? (
              <button type="button" class="button" onClick={() => setIndex(index + 1)}>{t('attempt.next')}</button>
            ) : null}
            <button type="button" class={index === questions.length - 1 ? 'button' : 'button button--secondary'} onClick={() => setConfirming(true)}>
              {t('attempt.submit')}
            </button>
          </nav>
        </section>
      )}
    </>
  );
}

export function AttemptPage({ params }) {
  const { loaded, user } = useSession();
  const path = `/api/v1/attempts/${encodeURIComponent(params.id)}`;
  const { data: attempt, error, loading, reload, setData } = useApi(loaded && user ? path : null);

  if (loaded && !user) {
    return (
      <Page title={t('attempt.title')} class="narrow">
        <h1>{t('attempt.title')}</h1>
        <Alert kind="info">{t('attempt.signInFirst')}</Alert>
        <p><Link class="button" href={`/sign-in?next=${encodeURIComponent(`/attempts/${params.id}`)}`}>{t('header.signIn')}</Link></p>
      </Page>
    );
  }
  if (error && error.status === 404) return <NotFoundContent />;

  // A null result (the time ran out) reloads the attempt, which the server has scored by then.
  function onFinished(result) {
    if (result) setData(result);
    else reload();
  }

  const title = attempt ? attempt.microcredential.title : t('attempt.title');
  return (
    <Page title={title} class="attempt">
      <p class="eyebrow">{t('attempt.eyebrow')}</p>
      <h1>{title}</h1>
      {loading && !attempt ? <Loading /> : null}
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      {attempt && attempt.status === 'in_progress' ? (
        <Taking key={attempt.id} attempt={attempt} onFinished={onFinished} />
      ) : null}
      {attempt && attempt.status !== 'in_progress' ? <AttemptResult attempt={attempt} /> : null}
    </Page>
  );
}
