// The rules of the online assessment of an editable version, saved with PUT .../assessment. The
// API checks each rule and names the field of the first one it rejects. The form shows that message
// under the field and moves the focus to it.
import { useRef, useState } from 'preact/hooks';
import { put } from '../api.js';
import { errorMessage } from '../errors.js';
import { t } from '../i18n/index.js';
import { Alert } from './common.jsx';
import { SUPERVISION_VALUES } from './Elements.jsx';
import { Field, focusFirstInvalid } from './Field.jsx';

/** Each numeric rule with the range that the API accepts; `unit` names its catalogue unit. */
export const NUMERIC_RULES = [
  { name: 'questions_per_outcome', key: 'perOutcome', min: 1, max: 20, unit: 'questions' },
  { name: 'time_limit_minutes', key: 'timeLimit', min: 1, max: 600, unit: 'minutes' },
  { name: 'pass_mark_percent', key: 'passMark', min: 1, max: 100, unit: 'percent' },
  { name: 'outcome_min_percent', key: 'outcomeMin', min: 0, max: 100, unit: 'percent' },
  { name: 'max_attempts', key: 'attempts', min: 1, max: 50, unit: 'attempts' },
  { name: 'wait_minutes', key: 'wait', min: 0, max: 525600, unit: 'minutes' },
];
const FIELDS = [...NUMERIC_RULES.map((rule) => rule.name), 'supervision'];

function formFromRules(rules) {
  const form = { supervision: rules.supervision };
  for (const rule of NUMERIC_RULES) form[rule.name] = String(rules[rule.name]);
  return form;
}

/**
 * Builds the body of PUT .../assessment. A whole number goes as a number; anything else goes as the
 * text typed, so that the API's message names the field and its range.
 */
function bodyFromForm(form) {
  const body = { supervision: form.supervision };
  for (const rule of NUMERIC_RULES) {
    const value = form[rule.name].trim();
    body[rule.name] = /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return body;
}

/** Edits the rules of micro-credential `id`'s editable version. onSaved(rules) runs after a save. */
export function AssessmentRulesForm({ id, rules, exists, onSaved }) {
  const [form, setForm] = useState(() => formFromRules(rules));
  const [errors, setErrors] = useState({});
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef(null);

  async function onSubmit(event) {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    setErrors({});
    try {
      const saved = await put(`/api/v1/microcredentials/${encodeURIComponent(id)}/assessment`, bodyFromForm(form));
      setBusy(false);
      setForm(formFromRules(saved));
      setNotice(t('assessmentRules.saved'));
      onSaved(saved);
    } catch (error) {
      setBusy(false);
      if (error && error.field && FIELDS.includes(error.field)) {
        setErrors({ [error.field]: errorMessage(error), '': t('assessmentRules.notSaved') });
        setTimeout(() => focusFirstInvalid(formRef.current), 0);
      } else {
        setErrors({ '': errorMessage(error) });
      }
    }
  }

  return (
    <form ref={formRef} class="form assessment-rules" onSubmit={onSubmit} noValidate aria-labelledby="assessment-rules-heading">
      <h2 id="assessment-rules-heading">{t('assessmentRules.heading')}</h2>
      {!exists ? <p class="field__hint">{t('assessmentRules.defaults')}</p> : null}
      <div aria-live="assertive">{errors[''] ? <Alert>{errors['']}</Alert> : null}</div>
      <p class="notice" role="status">{notice}</p>
      <div class="assessment-rules__grid">
        {NUMERIC_RULES.map((rule) => (
          <Field
            key={rule.name}
            id={`rule-${rule.name}`}
            type="number"
            inputMode="numeric"
            min={rule.min}
            max={rule.max}
            step="1"
            required
            label={t(`assessmentRules.${rule.key}.label`, { unit: t(`assessmentRules.units.${rule.unit}`) })}
            hint={t(`assessmentRules.${rule.key}.help`, { min: rule.min, max: rule.max })}
            value={form[rule.name]}
            error={errors[rule.name]}
            onInput={(e) => setForm({ ...form, [rule.name]: e.currentTarget.value })}
          />
        ))}
      </div>
      <Field id="rule-supervision" as="select" required label={t('elements.supervision.label')}
        hint={t('assessmentRules.supervisionHelp')} value={form.supervision} error={errors.supervision}
        onChange={(e) => setForm({ ...form, supervision: e.currentTarget.value })}>
        {SUPERVISION_VALUES.map((v) => <option key={v} value={v}>{t(`elements.supervision.values.${v}`)}</option>)}
      </Field>
      <div class="form__actions">
        <button type="submit" class="button" disabled={busy}>{t('assessmentRules.save')}</button>
      </div>
    </form>
  );
}
