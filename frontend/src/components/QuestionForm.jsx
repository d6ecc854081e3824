// The form that adds a question to the bank of an editable version or replaces one. The options
// form a list that the editor extends, shortens and reorders with buttons. The type sets how the
// correct answer is marked: a radio button for single choice, check boxes for multiple choice, a
// switch for true/false, and the order of the list itself for ordering.
import { useEffect, useRef, useState } from 'preact/hooks';
import { post, put } from '../api.js';
import { errorMessage } from '../errors.js';
import { t } from '../i18n/index.js';
import { Alert } from './common.jsx';
import { Field, focusFirstInvalid } from './Field.jsx';

export const QUESTION_TYPES = ['single_choice', 'multiple_choice', 'true_false', 'ordering'];
const OPTIONS_MIN = 2;
const OPTIONS_MAX = 10;
const FIELDS = ['type', 'prompt', 'options', 'correct', 'outcomes', 'explanation'];

let nextKey = 1;

/** Creates an option of the form. `origin` is its position in the stored question, null for a new option. */
function option(text, correct, origin) {
  nextKey += 1;
  return { key: nextKey, text, correct, origin };
}

/** Turns a stored question (or null for a new one) into the form's state. */
function formFromQuestion(question) {
  if (!question) {
    return {
      type: 'single_choice', prompt: '', explanation: '', statementTrue: true, outcomes: [],
      options: [option('', true, null), option('', false, null)],
    };
  }
  const stored = question.options || [];
  let options;
  if (question.type === 'ordering') {
    // The editor writes an ordering question in its right order, which `correct` stores.
    options = question.correct.map((at) => option(stored[at], false, at));
  } else if (question.type === 'true_false') {
    options = [option('', true, null), option('', false, null)];
  } else {
    const marked = new Set(question.type === 'single_choice' ? [question.correct] : question.correct);
    options = stored.map((text, at) => option(text, marked.has(at), at));
  }
  return {
    type: question.type,
    prompt: question.prompt,
    explanation: question.explanation || '',
    statementTrue: question.type === 'true_false' ? question.correct === true : true,
    outcomes: [...question.outcomes],
    options,
  };
}

/**
 * Carries the translations of an edited question over to the new text. Translated options follow
 * their option when the editor only edited or reordered options. They are dropped when an option
 * was added or removed, or the type changed to or from true/false, so learners read the original.
 */
function carriedTranslations(question, form) {
  if (!question || !question.translations) return [];
  const sameOptions = form.type !== 'true_false' && question.type !== 'true_false' &&
    form.options.length === question.options.length && form.options.every((o) => o.origin !== null);
  return question.translations.map((tr) => ({
    language: tr.language,
    prompt: tr.prompt,
    explanation: tr.explanation,
    options: sameOptions && tr.options ? form.options.map((o) => tr.options[o.origin]) : null,
  }));
}

/** Returns whether saving `form` over `question` drops translated option texts. */
function dropsOptionTranslations(question, form) {
  if (!question || !(question.translations || []).some((tr) => tr.options)) return false;
  return carriedTranslations(question, form).some((tr, i) => question.translations[i].options && !tr.options);
}

/** Builds the request body for POST .../questions and PUT .../questions/{id}. */
function bodyFromForm(form, question) {
  const body = { type: form.type, prompt: form.prompt.trim(), outcomes: [...form.outcomes].sort((a, b) => a - b) };
  if (form.type === 'true_false') {
    body.correct = form.statementTrue;
  } else {
    body.options = form.options.map((o) => o.text.trim());
    const marked = form.options.map((o, at) => (o.correct ? at : -1)).filter((at) => at >= 0);
    if (form.type === 'single_choice') body.correct = marked.length ? marked[0] : null;
    else if (form.type === 'multiple_choice') body.correct = marked;
    else body.correct = form.options.map((o, at) => at);
  }
  if (form.explanation.trim()) body.explanation = form.explanation.trim();
  if (question) body.translations = carriedTranslations(question, form);
  return body;
}

/** Checks the form before it is sent; returns {field: message} for what is missing. */
function checkForm(form) {
  const errors = {};
  if (!form.prompt.trim()) errors.prompt = t('questionForm.errors.prompt');
  if (form.type !== 'true_false') {
    if (form.options.some((o) => !o.text.trim())) errors.options = t('questionForm.errors.optionEmpty');
    const marked = form.options.filter((o) => o.correct).length;
    if (form.type === 'single_choice' && marked !== 1) errors.correct = t('questionForm.errors.single');
    if (form.type === 'multiple_choice' && marked < 1) errors.correct = t('questionForm.errors.multiple');
  }
  if (!form.outcomes.length) errors.outcomes = t('questionForm.errors.outcomes');
  return errors;
}

function OptionRow({ form, at, item, errors, onChange, onMove, onRemove }) {
  const number = at + 1;
  const inputId = `question-option-${item.key}`;
  const last = form.options.length - 1;
  const markId = `question-option-mark-${item.key}`;
  let mark = null;
  if (form.type === 'single_choice') {
    mark = <input type="radio" id={markId} name="question-correct" checked={item.correct} onChange={() => onChange({ correct: true })} />;
  } else if (form.type === 'multiple_choice') {
    mark = <input type="checkbox" id={markId} checked={item.correct} onChange={(e) => onChange({ correct: e.currentTarget.checked })} />;
  }
  return (
    <li class="question-form__option">
      <div class="question-form__option-text">
        <label class="field__label" for={inputId}>{t('questionForm.option', { number })}</label>
        <input
          id={inputId}
          class="field__control"
          value={item.text}
          maxLength={500}
          aria-invalid={errors.options && !item.text.trim() ? 'true' : undefined}
          onInput={(e) => onChange({ text: e.currentTarget.value })}
        />
      </div>
      {mark ? (
        <label class="question-form__mark" for={markId}>
          {mark}
          <span>{form.type === 'single_choice' ? t('questionForm.markSingle', { number }) : t('questionForm.markMultiple', { number })}</span>
        </label>
      ) : null}
      <div class="question-form__option-buttons">
        <button type="button" class="button button--secondary" data-move={`${item.key}:up`}
          disabled={at === 0} aria-label={t('questionForm.moveUp', { number })} onClick={() => onMove(at, -1)}>
          <span aria-hidden="true">↑</span>
        </button>
        <button type="button" class="button button--secondary" data-move={`${item.key}:down`}
          disabled={at === last} aria-label={t('questionForm.moveDown', { number })} onClick={() => onMove(at, 1)}>
          <span aria-hidden="true">↓</span>
        </button>
        <button type="button" class="button button--secondary"
          disabled={form.options.length <= OPTIONS_MIN} aria-label={t('questionForm.removeOption', { number })}
          onClick={() => onRemove(at)}>
          {t('questionForm.remove')}
        </button>
      </div>
    </li>
  );
}

/**
 * Adds a question (question null) or replaces `question` in the bank of micro-credential `id`.
 * `outcomes` are the version's learning outcomes; onSaved(saved) runs after the API accepted it.
 */
export function QuestionForm({ id, question, outcomes, onSaved, onCancel }) {
  const [form, setForm] = useState(() => formFromQuestion(question));
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [moved, setMoved] = useState(null);
  const formRef = useRef(null);
  const headingRef = useRef(null);
  const headingId = question ? `question-form-heading-${question.id}` : 'question-form-heading-new';

  useEffect(() => {
    if (headingRef.current) headingRef.current.focus();
  }, []);

  // Keeps the focus on the button that moved an option, which now sits in the option's new row.
  useEffect(() => {
    if (!moved || !formRef.current) return;
    const button = formRef.current.querySelector(`[data-move="${moved}"]`);
    if (button && !button.disabled) button.focus();
    else if (button) button.parentElement.querySelector('button:not([disabled])')?.focus();
  }, [moved, form.options.map((o) => o.key).join(',')]);

  const update = (changes) => setForm((f) => ({ ...f, ...changes }));

  function changeOption(at, changes) {
    setForm((f) => {
      let options = f.options.map((o, i) => (i === at ? { ...o, ...changes } : o));
      if (f.type === 'single_choice' && changes.correct) options = options.map((o, i) => ({ ...o, correct: i === at }));
      return { ...f, options };
    });
  }

  function moveOption(at, by) {
    const to = at + by;
    if (to < 0 || to >= form.options.length) return;
    const options = [...form.options];
    const [item] = options.splice(at, 1);
    options.splice(to, 0, item);
    update({ options });
    setMoved(`${item.key}:${by < 0 ? 'up' : 'down'}`);
  }

  function removeOption(at) {
    if (form.options.length <= OPTIONS_MIN) return;
    const removed = form.options[at];
    let options = form.options.filter((o, i) => i !== at);
    if (form.type === 'single_choice' && removed.correct) options = options.map((o, i) => ({ ...o, correct: i === 0 }));
    update({ options });
    setMoved(null);
  }

  function addOption() {
    if (form.options.length >= OPTIONS_MAX) return;
    update({ options: [...form.options, option('', false, null)] });
    setMoved(null);
  }

  function changeType(type) {
    setForm((f) => {
      let options = f.options;
      if (type === 'single_choice') {
        const first = Math.max(0, options.findIndex((o) => o.correct));
        options = options.map((o, i) => ({ ...o, correct: i === first }));
      }
      return { ...f, type, options };
    });
  }

  function toggleOutcome(at, checked) {
    update({ outcomes: checked ? [...form.outcomes, at] : form.outcomes.filter((o) => o !== at) });
  }

  async function onSubmit(event) {
    event.preventDefault();
    const found = checkForm(form);
    if (Object.keys(found).length) {
      setErrors({ ...found, '': t('questionForm.errors.summary') });
      setTimeout(() => focusFirstInvalid(formRef.current), 0);
      return;
    }
    setBusy(true);
    setErrors({});
    const base = `/api/v1/microcredentials/${encodeURIComponent(id)}/assessment/questions`;
    try {
      const body = bodyFromForm(form, question);
      const saved = question ? await put(`${base}/${encodeURIComponent(question.id)}`, body) : await post(base, body);
      setBusy(false);
      onSaved(saved);
    } catch (error) {
      setBusy(false);
      const field = error && error.field ? error.field.replace(/\[.*$/, '') : null;
      if (field && FIELDS.includes(field)) {
        setErrors({ [field]: errorMessage(error), '': t('questionForm.errors.summary') });
        setTimeout(() => focusFirstInvalid(formRef.current), 0);
      } else {
        setErrors({ '': errorMessage(error) });
      }
    }
  }

  const hasOptions = form.type !== 'true_false';
  const optionsHintId = 'question-options-hint';
  return (
    <form ref={formRef} class="form question-form" onSubmit={onSubmit} noValidate aria-labelledby={headingId}>
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        {question ? t('questionForm.editHeading') : t('questionForm.addHeading')}
      </h3>
      <div aria-live="assertive">
        {errors[''] ? <Alert>{errors['']}</Alert> : null}
      </div>
      <Field id="question-type" as="select" required label={t('questionForm.type')} hint={t('questionForm.typeHelp')}
        value={form.type} error={errors.type} onChange={(e) => changeType(e.currentTarget.value)}>
        {QUESTION_TYPES.map((type) => <option key={type} value={type}>{t(`versionAssessment.types.${type}`)}</option>)}
      </Field>
      <Field id="question-prompt" as="textarea" rows="3" required maxLength={2000}
        label={form.type === 'true_false' ? t('questionForm.statement') : t('questionForm.prompt')}
        hint={form.type === 'true_false' ? t('questionForm.statementHelp') : t('questionForm.promptHelp')}
        value={form.prompt} error={errors.prompt} onInput={(e) => update({ prompt: e.currentTarget.value })} />

      {form.type === 'true_false' ? (
        <div class={errors.correct ? 'field field--invalid' : 'field'}>
          <label class="question-form__switch" for="question-true-false">
            <input type="checkbox" role="switch" id="question-true-false" checked={form.statementTrue}
              aria-describedby="question-true-false-hint"
              onChange={(e) => update({ statementTrue: e.currentTarget.checked })} />
            <span class="question-form__switch-track" aria-hidden="true" />
            <span>{t('questionForm.statementIsTrue')}</span>
          </label>
          <p class="field__hint" id="question-true-false-hint">
            {form.statementTrue ? t('questionForm.answerTrue') : t('questionForm.answerFalse')}
          </p>
        </div>
      ) : null}

      {hasOptions ? (
        <fieldset class={errors.options || errors.correct ? 'field question-form__options field--invalid' : 'field question-form__options'}
          aria-describedby={optionsHintId}>
          <legend class="field__label">{t('questionForm.options')}</legend>
          <p class="field__hint" id={optionsHintId}>{t(`questionForm.optionsHelp.${form.type}`)}</p>
          <ol class="question-form__option-list">
            {form.options.map((item, at) => (
              <OptionRow key={item.key} form={form} at={at} item={item} errors={errors}
                onChange={(changes) => changeOption(at, changes)} onMove={moveOption} onRemove={removeOption} />
            ))}
          </ol>
          <p>
            <button type="button" class="button button--secondary" onClick={addOption}
              disabled={form.options.length >= OPTIONS_MAX}>
              {t('questionForm.addOption')}
            </button>
          </p>
          {errors.options ? <p class="field__error">{errors.options}</p> : null}
          {errors.correct ? <p class="field__error">{errors.correct}</p> : null}
        </fieldset>
      ) : null}

      <fieldset class={errors.outcomes ? 'field question-form__outcomes field--invalid' : 'field question-form__outcomes'}>
        <legend class="field__label">{t('questionForm.outcomes')}</legend>
        <p class="field__hint">{t('questionForm.outcomesHelp')}</p>
        {outcomes.map((outcome, at) => (
          <label class="question-form__choice" key={at}>
            <input type="checkbox" checked={form.outcomes.includes(at)}
              aria-invalid={errors.outcomes && at === 0 ? 'true' : undefined}
              onChange={(e) => toggleOutcome(at, e.currentTarget.checked)} />
            <span>{t('questionBank.outcomeHeading', { number: at + 1, statement: outcome.statement })}</span>
          </label>
        ))}
        {errors.outcomes ? <p class="field__error">{errors.outcomes}</p> : null}
      </fieldset>

      <Field id="question-explanation" as="textarea" rows="2" maxLength={2000} label={t('questionForm.explanation')}
        hint={t('questionForm.explanationHelp')} value={form.explanation} error={errors.explanation}
        onInput={(e) => update({ explanation: e.currentTarget.value })} />

      {dropsOptionTranslations(question, form) ? (
        <p class="notice" role="status">{t('questionForm.translationsDropped')}</p>
      ) : null}

      <div class="form__actions">
        <button type="submit" class="button" disabled={busy}>{t('questionForm.save')}</button>
        <button type="button" class="button button--secondary" disabled={busy} onClick={onCancel}>{t('questionForm.cancel')}</button>
      </div>
    </form>
  );
}
