// The editor of a micro-credential draft (/microcredentials/new, /microcredentials/{id}/edit), for
// editors of the promoting organisation. It loads the latest version, saves the whole content
// with PUT .../draft (or POST for a new one) and submits it for validation.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, post, request } from '../api.js';
import { t } from '../i18n/index.js';
import { errorMessage, readableServerMessage } from '../errors.js';
import { useApi } from '../hooks.js';
import { Link, navigate } from '../router.jsx';
import { Alert, ErrorAlert, Loading } from '../components/common.jsx';
import { EscoPicker } from '../components/EscoPicker.jsx';
import { Field, focusFirstInvalid } from '../components/Field.jsx';
import { RoleGuard } from '../components/RoleGuard.jsx';
import { Page } from '../components/Page.jsx';
import { STACKABILITY_VALUES, SUPERVISION_VALUES } from '../components/Elements.jsx';
import { formatNumber, languageLabel, participationLabel } from '../format.js';

/** ISO 639-1 codes offered for texts and delivery: the 24 official languages of the EU, plus Ukrainian. */
export const LANGUAGE_CODES = [
  'bg', 'cs', 'da', 'de', 'el', 'en', 'es', 'et', 'fi', 'fr', 'ga', 'hr', 'hu', 'it', 'lt', 'lv', 'mt',
  'nl', 'pl', 'pt', 'ro', 'sk', 'sl', 'sv', 'uk',
];
const PARTICIPATION_VALUES = ['online', 'onsite', 'blended'];
const EDITABLE_STATUSES = new Set(['draft', 'changes_requested', 'published']);

function emptyForm() {
  return {
    title: '', summary: '', language: 'en', outcomes: [{ statement: '', esco_skills: [] }],
    eqf_level: '', workload_hours: '', ects_credits: '', assessment_type: '', participation_form: '',
    quality_assurance: '', delivery_languages: [], prerequisites: '', supervision: '', stackability: '',
    stackable_towards: '', validity_months: '', training_title: '', training_url: '',
    esco_occupations: [], translations: [],
  };
}

const text = (value) => (value === null || value === undefined ? '' : String(value));

/** Turns a version from GET .../versions/{n} into the form's state. */
function formFromVersion(v) {
  return {
    title: text(v.title),
    summary: text(v.summary),
    language: v.original_language || v.language || 'en',
    outcomes: v.learning_outcomes && v.learning_outcomes.length
      ? v.learning_outcomes.map((o) => ({ statement: text(o.statement), esco_skills: o.esco_skills || [] }))
      : emptyForm().outcomes,
    eqf_level: text(v.eqf_level),
    workload_hours: text(v.workload_hours),
    ects_credits: text(v.ects_credits),
    assessment_type: text(v.assessment_type),
    participation_form: text(v.participation_form),
    quality_assurance: text(v.quality_assurance),
    delivery_languages: v.delivery_languages || [],
    prerequisites: text(v.prerequisites),
    supervision: text(v.supervision),
    stackability: text(v.stackability),
    stackable_towards: text(v.stackable_towards),
    validity_months: text(v.validity_months),
    training_title: text(v.related_training && v.related_training.title),
    training_url: text(v.related_training && v.related_training.url),
    esco_occupations: v.esco_occupations || [],
    translations: (v.translations || []).map((tr) => ({
      language: tr.language, title: text(tr.title), summary: text(tr.summary),
      learning_outcomes: (tr.learning_outcomes || []).map(text),
    })),
  };
}

const orNull = (value) => (value.trim() === '' ? null : value.trim());
const numberOrNull = (value) => (String(value).trim() === '' ? null : Number(value));

/** Builds the body of POST /api/v1/microcredentials and PUT .../draft from the form. */
function bodyFromForm(f) {
  const training = orNull(f.training_title) || orNull(f.training_url)
    ? { title: orNull(f.training_title), url: orNull(f.training_url) }
    : null;
  return {
    title: f.title.trim(),
    summary: orNull(f.summary),
    language: f.language,
    learning_outcomes: f.outcomes
      .filter((o) => o.statement.trim() !== '' || o.esco_skills.length)
      .map((o) => ({ statement: o.statement.trim(), esco_skills: o.esco_skills.map((s) => s.uri) })),
    eqf_level: numberOrNull(f.eqf_level),
    workload_hours: numberOrNull(f.workload_hours),
    ects_credits: numberOrNull(f.ects_credits),
    assessment_type: orNull(f.assessment_type),
    participation_form: f.participation_form || null,
    quality_assurance: orNull(f.quality_assurance),
    delivery_languages: f.delivery_languages,
    esco_occupations: f.esco_occupations.map((o) => o.uri),
    prerequisites: orNull(f.prerequisites),
    supervision: f.supervision || null,
    stackability: f.stackability || null,
    stackable_towards: f.stackability === 'stackable' ? orNull(f.stackable_towards) : null,
    validity_months: numberOrNull(f.validity_months),
    related_training: training,
    translations: f.translations.map((tr) => ({
      language: tr.language,
      title: tr.title.trim(),
      summary: tr.summary.trim(),
      learning_outcomes: tr.learning_outcomes.map((s) => s.trim()),
    })),
  };
}

/** Checks in the browser what the API would reject, so the editor sees it before sending. */
function validate(f) {
  const errors = {};
  if (!f.title.trim()) errors.title = t('editor.errors.titleMissing');
  const whole = (value, key, min, max) => {
    if (String(value).trim() === '') return;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) errors[key] = t('editor.errors.wholeNumber', { min, max });
  };
  whole(f.workload_hours, 'workload_hours', 1, 10000);
  whole(f.validity_months, 'validity_months', 1, 600);
  if (String(f.ects_credits).trim() !== '') {
    const n = Number(f.ects_credits);
    if (!(n >= 0.1 && n <= 999.9) || Math.abs(n * 10 - Math.round(n * 10)) > 1e-9) {
      errors.ects_credits = t('editor.errors.ects');
    }
  }
  if (f.stackability === 'stackable' && !f.stackable_towards.trim()) {
    errors.stackable_towards = t('editor.errors.towardsMissing');
  }
  if (f.training_url.trim() && !/^https?:\/\/\S+$/.test(f.training_url.trim())) {
    errors['related_training.url'] = t('editor.errors.url');
  }
  return errors;
}

/** "learning_outcomes[2].statement" -> "learning_outcomes[2]" -> "learning_outcomes" -> "". */
function parentField(key) {
  const shorter = key.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
  return shorter === key ? '' : shorter;
}

/**
 * Places each server error at the nearest field the form shows: "delivery_languages[0]" goes to
 * "delivery_languages". Errors with no such field come back under the key "".
 */
function placeErrors(entries, shown) {
  const placed = {};
  for (const { field, message: serverMessage } of entries) {
    const message = readableServerMessage(serverMessage);
    let key = field || '';
    while (key && !shown.has(key)) key = parentField(key);
    placed[key] = placed[key] ? `${placed[key]} ${message}` : message;
  }
  return placed;
}

function shownFields(f) {
  const keys = [
    'title', 'summary', 'language', 'learning_outcomes', 'eqf_level', 'workload_hours', 'ects_credits',
    'assessment_type', 'participation_form', 'quality_assurance', 'delivery_languages', 'prerequisites',
    'supervision', 'stackability', 'stackable_towards', 'validity_months', 'related_training.title',
    'related_training.url', 'related_training', 'esco_occupations', 'translations',
  ];
  f.outcomes.forEach((_, i) => keys.push(`learning_outcomes[${i}].statement`, `learning_outcomes[${i}].esco_skills`));
  f.translations.forEach((_, i) => ['language', 'title', 'summary', 'learning_outcomes']
    .forEach((k) => keys.push(`translations[${i}].${k}`)));
  return new Set(keys);
}

/**
 * "50 hours are about 1.7 to 2 ECTS credits" for the workload typed so far, followed by the range
 * and step that the API accepts.
 */
function ectsEstimate(hours) {
  const n = Number(hours);
  if (!(n > 0)) return null;
  const estimate = t('editor.ectsEstimate', { hours: n, low: formatNumber(Math.round((n / 30) * 10) / 10), high: formatNumber(Math.round((n / 25) * 10) / 10) });
  return `${estimate} ${t('editor.ectsSteps')}`;
}

function EqfLevels({ value, error, onChange }) {
  const { data } = useApi('/api/v1/eqf-levels');
  const levels = (data && data.items) || [];
  return (
    <fieldset class={error ? 'field editor__fieldset editor__fieldset--invalid' : 'field editor__fieldset'} aria-describedby="eqf-hint">
      <legend class="field__label">{t('fields.eqfLevel')}<span class="field__optional"> {t('form.optional')}</span></legend>
      <p class="field__hint" id="eqf-hint">{t('elements.eqfLevel.help')}</p>
      <div class="editor__choices">
        <label class="editor__choice">
          <input type="radio" name="eqf_level" value="" checked={value === ''} onChange={() => onChange('')} />
          <span>{t('eqf.none')}</span>
        </label>
        {levels.map((level) => (
          <label class="editor__choice" key={level.level}>
            <input
              type="radio"
              name="eqf_level"
              value={String(level.level)}
              checked={value === String(level.level)}
              onChange={() => onChange(String(level.level))}
            />
            <span><strong>{t('eqf.level', { level: level.level })}</strong>{t('editor.eqfDescriptor', { summary: level.summary })}</span>
          </label>
        ))}
      </div>
      {error ? <p class="field__error">{error}</p> : null}
    </fieldset>
  );
}

function Outcomes({ outcomes, errors, readOnly, onChange }) {
  const set = (i, patch) => onChange(outcomes.map((o, j) => (j === i ? { ...o, ...patch } : o)));
  const move = (i, by) => {
    const next = outcomes.slice();
    [next[i], next[i + by]] = [next[i + by], next[i]];
    onChange(next);
  };
  return (
    <fieldset class={errors.learning_outcomes ? 'field editor__fieldset editor__fieldset--invalid' : 'field editor__fieldset'}>
      <legend class="field__label">{t('elements.learningOutcomes.label')}</legend>
      <p class="field__hint">{t('elements.learningOutcomes.help')}</p>
      {errors.learning_outcomes ? <p class="field__error">{errors.learning_outcomes}</p> : null}
      <ol class="editor__outcomes">
        {outcomes.map((o, i) => (
          <li class="editor__outcome" key={i}>
            <Field
              id={`outcome-${i}`}
              as="textarea"
              rows="2"
              required
              label={t('elements.learningOutcomes.statement', { number: i + 1 })}
              value={o.statement}
              error={errors[`learning_outcomes[${i}].statement`]}
              onInput={(e) => set(i, { statement: e.currentTarget.value })}
            />
            <EscoPicker
              id={`outcome-${i}-skills`}
              kind="skills"
              label={t('elements.learningOutcomes.skills', { number: i + 1 })}
              hint={i === 0 ? t('elements.escoSkills.help') : null}
              value={o.esco_skills}
              error={errors[`learning_outcomes[${i}].esco_skills`]}
              onChange={(skills) => set(i, { esco_skills: skills })}
            />
            {readOnly ? null : <div class="editor__row-tools">
              <button type="button" class="button button--quiet" disabled={i === 0} onClick={() => move(i, -1)}>
                {t('elements.learningOutcomes.up', { number: i + 1 })}
              </button>
              <button type="button" class="button button--quiet" disabled={i === outcomes.length - 1} onClick={() => move(i, 1)}>
                {t('elements.learningOutcomes.down', { number: i + 1 })}
              </button>
              <button type="button" class="button button--quiet" onClick={() => onChange(outcomes.filter((_, j) => j !== i))}>
                {t('elements.learningOutcomes.remove', { number: i + 1 })}
              </button>
            </div>}
          </li>
        ))}
      </ol>
      {readOnly ? null : (
        <button type="button" class="button button--secondary" onClick={() => onChange([...outcomes, { statement: '', esco_skills: [] }])}>
          {t('elements.learningOutcomes.add')}
        </button>
      )}
    </fieldset>
  );
}

function Translations({ form, errors, readOnly, onChange }) {
  const [adding, setAdding] = useState('');
  const used = new Set([form.language, ...form.translations.map((tr) => tr.language)]);
  const set = (i, patch) => onChange(form.translations.map((tr, j) => (j === i ? { ...tr, ...patch } : tr)));
  if (readOnly && !form.translations.length) return null;
  return (
    <section class="editor__section" aria-labelledby="translations-heading">
      <h2 id="translations-heading">{t('editor.translations')}</h2>
      <p class="field__hint">{t('editor.translationsHelp')}</p>
      {form.translations.map((tr, i) => {
        const name = languageLabel(tr.language);
        const outcomes = form.outcomes.map((_, k) => tr.learning_outcomes[k] || '');
        return (
          <fieldset class="editor__translation" key={tr.language}>
            <legend class="field__label">{t('editor.translationIn', { language: name })}</legend>
            {errors[`translations[${i}].language`] ? <p class="field__error">{errors[`translations[${i}].language`]}</p> : null}
            <Field id={`tr-${tr.language}-title`} label={t('editor.translatedTitle', { language: name })} required
              value={tr.title} error={errors[`translations[${i}].title`]}
              onInput={(e) => set(i, { title: e.currentTarget.value })} />
            <Field id={`tr-${tr.language}-summary`} as="textarea" rows="3" required
              label={t('editor.translatedSummary', { language: name })}
              value={tr.summary} error={errors[`translations[${i}].summary`]}
              onInput={(e) => set(i, { summary: e.currentTarget.value })} />
            {errors[`translations[${i}].learning_outcomes`]
              ? <p class="field__error">{errors[`translations[${i}].learning_outcomes`]}</p> : null}
            {outcomes.map((statement, k) => (
              <Field key={k} id={`tr-${tr.language}-outcome-${k}`} as="textarea" rows="2" required
                label={t('editor.translatedOutcome', { language: name, number: k + 1 })}
                hint={form.outcomes[k].statement}
                value={statement}
                onInput={(e) => {
                  const next = outcomes.slice();
                  next[k] = e.currentTarget.value;
                  set(i, { learning_outcomes: next });
                }} />
            ))}
            {readOnly ? null : (
              <button type="button" class="button button--quiet"
                onClick={() => onChange(form.translations.filter((_, j) => j !== i))}>
                {t('editor.removeTranslation', { language: name })}
              </button>
            )}
          </fieldset>
        );
      })}
      {readOnly ? null : <div class="editor__add-translation">
        <label class="field__label" for="add-translation">{t('editor.addTranslationLabel')}</label>
        <div class="search__row">
          <select id="add-translation" class="field__control" value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
            <option value="">{t('editor.chooseLanguage')}</option>
            {LANGUAGE_CODES.filter((code) => !used.has(code)).map((code) => (
              <option key={code} value={code}>{languageLabel(code)}</option>
            ))}
          </select>
          <button type="button" class="button button--secondary" disabled={!adding}
            onClick={() => {
              onChange([...form.translations, { language: adding, title: '', summary: '', learning_outcomes: form.outcomes.map(() => '') }]);
              setAdding('');
            }}>
            {t('editor.addTranslation')}
          </button>
        </div>
      </div>}
    </section>
  );
}

/**
 * Moves the focus to the element of ref whenever text changes to a new message, so that a message
 * shown above the form after a click far down the page scrolls into view and is read out.
 */
function useFocusWhenShown(ref, text) {
  useEffect(() => {
    if (!text || !ref.current) return;
    ref.current.focus({ preventScroll: true });
    ref.current.scrollIntoView({ block: 'center' });
  }, [text]);
}

function ReviewerComments({ version }) {
  const reviews = (version.reviewers || []).filter((r) => r.review);
  if (version.status !== 'changes_requested' || !reviews.length) return null;
  return (
    <section class="editor__comments" aria-labelledby="comments-heading">
      <h2 id="comments-heading">{t('editor.reviewerComments')}</h2>
      <ul class="plain-list">
        {reviews.map((r) => (
          <li key={r.id}>
            <strong>{r.name}</strong>{t('common.separator')}{t(`review.recommendations.${r.review.recommendation}`)}
            {r.review.comment ? <p>{r.review.comment}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function EditorForm({ id, version, onSaved }) {
  const [form, setForm] = useState(() => (version ? formFromVersion(version) : emptyForm()));
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState(null);
  const formRef = useRef(null);
  const noticeRef = useRef(null);
  const status = version ? version.status : 'draft';
  const editable = EDITABLE_STATUSES.has(status);
  const update = (patch) => setForm((f) => ({ ...f, ...patch }));
  const bind = (key) => ({
    value: form[key],
    error: errors[key],
    onInput: (e) => update({ [key]: e.currentTarget.value }),
  });

  useFocusWhenShown(noticeRef, notice);

  function showErrors(found) {
    setErrors(found);
    setTimeout(() => focusFirstInvalid(formRef.current), 0);
  }

  /** Saves the form; returns the saved version, or null after showing the errors. */
  async function save() {
    const found = validate(form);
    if (Object.keys(found).length) {
      showErrors(found);
      return null;
    }
    const body = bodyFromForm(form);
    try {
      const saved = id
        ? await request('PUT', `/api/v1/microcredentials/${encodeURIComponent(id)}/draft`, body)
        : await post('/api/v1/microcredentials', body);
      setErrors({});
      return saved;
    } catch (error) {
      if (error instanceof ApiError && error.field) {
        showErrors(placeErrors([{ field: error.field, message: errorMessage(error) }], shownFields(form)));
      } else {
        showErrors({ '': errorMessage(error) });
      }
      return null;
    }
  }

  async function onSave(event) {
    event.preventDefault();
    setBusy(true);
    setNotice(null);
    const saved = await save();
    setBusy(false);
    if (!saved) return;
    setNotice(t('editor.saved', { version: saved.version }));
    onSaved(saved, !id);
  }

  async function onSubmit() {
    setBusy(true);
    setNotice(null);
    const saved = await save();
    if (!saved) {
      setBusy(false);
      return;
    }
    try {
      const submitted = await post(`/api/v1/microcredentials/${encodeURIComponent(saved.id)}/submit`);
      setBusy(false);
      onSaved(submitted, !id, t('editor.submitted'));
    } catch (error) {
      setBusy(false);
      const list = error instanceof ApiError && error.body && error.body.error && error.body.error.fields;
      if (list && list.length) {
        showErrors({ ...placeErrors(list, shownFields(form)), '': t('editor.errors.submitMissing') });
      } else {
        showErrors({ '': errorMessage(error) });
      }
      if (!id) onSaved(saved, true);
    }
  }

  return (
    <form ref={formRef} class="form editor" onSubmit={onSave} noValidate>
      {errors[''] ? <Alert>{errors['']}</Alert> : null}
      {notice ? <p ref={noticeRef} class="notice" role="status" tabIndex={-1}>{notice}</p> : null}
      {!editable ? <Alert kind="info">{t('editor.locked', { status: t(`versionStatus.${status}`) })}</Alert> : null}
      {/* A version that is no longer editable shows its content without any tool for changing it. */}
      <fieldset class={editable ? 'editor__all' : 'editor__all editor__all--read-only'} disabled={!editable || busy}>
        <Field id="title" label={t('elements.title.label')} hint={t('elements.title.help')} required {...bind('title')} />
        <Field id="summary" as="textarea" rows="4" required label={t('elements.summary.label')} hint={t('elements.summary.help')} {...bind('summary')} />
        <Field id="language" as="select" label={t('elements.language.label')} hint={t('elements.language.help')} required
          value={form.language} error={errors.language} onChange={(e) => update({ language: e.currentTarget.value })}>
          {LANGUAGE_CODES.map((code) => <option key={code} value={code}>{languageLabel(code)}</option>)}
        </Field>

        <Outcomes outcomes={form.outcomes} errors={errors} readOnly={!editable} onChange={(outcomes) => update({ outcomes })} />

        <EqfLevels value={form.eqf_level} error={errors.eqf_level} onChange={(eqf_level) => update({ eqf_level })} />

        <div class="editor__pair">
          <Field id="workload_hours" type="number" inputMode="numeric" min="1" step="1" required
            label={t('elements.workloadHours.label')} hint={t('elements.workloadHours.help')} {...bind('workload_hours')} />
          <Field id="ects_credits" type="number" inputMode="decimal" min="0.1" step="0.1"
            label={t('elements.ectsCredits.label')} hint={ectsEstimate(form.workload_hours) || t('elements.ectsCredits.help')}
            {...bind('ects_credits')} />
        </div>
        <Field id="assessment_type" required label={t('fields.assessmentType')} hint={t('elements.assessmentType.help')} {...bind('assessment_type')} />
        <Field id="participation_form" as="select" required label={t('fields.participation')} hint={t('elements.participation.help')}
          value={form.participation_form} error={errors.participation_form}
          onChange={(e) => update({ participation_form: e.currentTarget.value })}>
          <option value="">{t('editor.choose')}</option>
          {PARTICIPATION_VALUES.map((v) => <option key={v} value={v}>{participationLabel(v)}</option>)}
        </Field>
        <Field id="quality_assurance" as="textarea" rows="2" required label={t('fields.qualityAssurance')}
          hint={t('elements.qualityAssurance.help')} {...bind('quality_assurance')} />

        <fieldset class={errors.delivery_languages ? 'field editor__fieldset editor__fieldset--invalid' : 'field editor__fieldset'}>
          <legend class="field__label">{t('elements.deliveryLanguages.label')}</legend>
          <p class="field__hint">{t('elements.deliveryLanguages.help')}</p>
          <div class="editor__languages">
            {LANGUAGE_CODES.map((code) => (
              <label class="editor__choice" key={code}>
                <input
                  type="checkbox"
                  checked={form.delivery_languages.includes(code)}
                  onChange={(e) => update({
                    delivery_languages: e.currentTarget.checked
                      ? [...form.delivery_languages, code]
                      : form.delivery_languages.filter((c) => c !== code),
                  })}
                />
                <span>{languageLabel(code)}</span>
              </label>
            ))}
          </div>
          {errors.delivery_languages ? <p class="field__error">{errors.delivery_languages}</p> : null}
        </fieldset>

        <Field id="prerequisites" as="textarea" rows="2" label={t('elements.prerequisites.label')}
          hint={t('elements.prerequisites.help')} {...bind('prerequisites')} />
        <Field id="supervision" as="select" label={t('elements.supervision.label')} hint={t('elements.supervision.help')}
          value={form.supervision} error={errors.supervision} onChange={(e) => update({ supervision: e.currentTarget.value })}>
          <option value="">{t('editor.choose')}</option>
          {SUPERVISION_VALUES.map((v) => <option key={v} value={v}>{t(`elements.supervision.values.${v}`)}</option>)}
        </Field>
        <Field id="stackability" as="select" label={t('elements.stackability.label')} hint={t('elements.stackability.help')}
          value={form.stackability} error={errors.stackability} onChange={(e) => update({ stackability: e.currentTarget.value })}>
          <option value="">{t('editor.choose')}</option>
          {STACKABILITY_VALUES.map((v) => <option key={v} value={v}>{t(`elements.stackability.values.${v}`)}</option>)}
        </Field>
        {form.stackability === 'stackable' ? (
          <Field id="stackable_towards" label={t('elements.stackability.towardsLabel')} required
            hint={t('elements.stackability.towardsHelp')} {...bind('stackable_towards')} />
        ) : null}
        <Field id="validity_months" type="number" inputMode="numeric" min="1" step="1"
          label={t('elements.validity.inputLabel')} hint={t('elements.validity.help')} {...bind('validity_months')} />
        <p class="field__hint">{t('elements.relatedTraining.help')}</p>
        <Field id="training_title" label={t('elements.relatedTraining.titleLabel')}
          value={form.training_title} error={errors['related_training.title'] || errors.related_training}
          onInput={(e) => update({ training_title: e.currentTarget.value })} />
        <Field id="training_url" type="url" label={t('elements.relatedTraining.urlLabel')}
          value={form.training_url} error={errors['related_training.url']}
          onInput={(e) => update({ training_url: e.currentTarget.value })} />

        <EscoPicker
          id="esco_occupations"
          kind="occupations"
          label={t('fields.occupations')}
          hint={t('elements.escoOccupations.help')}
          value={form.esco_occupations}
          error={errors.esco_occupations}
          onChange={(esco_occupations) => update({ esco_occupations })}
        />

        <Translations form={form} errors={errors} readOnly={!editable} onChange={(translations) => update({ translations })} />
      </fieldset>

      {editable ? (
        <div class="form__actions editor__actions">
          <button type="submit" class="button button--secondary" disabled={busy}>{t('editor.saveDraft')}</button>
          <button type="button" class="button" disabled={busy} onClick={onSubmit}>{t('editor.submit')}</button>
        </div>
      ) : null}
    </form>
  );
}

function EditorLoaded({ id }) {
  const [state, setState] = useState({ loading: !!id, version: null, error: null, round: 0 });
  const [message, setMessage] = useState(null);
  const messageRef = useRef(null);
  useFocusWhenShown(messageRef, message);

  useEffect(() => {
    if (!id) return undefined;
    let current = true;
    (async () => {
      const list = await get(`/api/v1/microcredentials/${encodeURIComponent(id)}/versions`);
      const latest = list.items[list.items.length - 1];
      return get(`/api/v1/microcredentials/${encodeURIComponent(id)}/versions/${latest.version}`);
    })().then(
      (version) => current && setState((s) => ({ ...s, loading: false, version, error: null })),
      (error) => current && setState((s) => ({ ...s, loading: false, version: null, error })),
    );
    return () => { current = false; };
  }, [id, state.round]);

  function onSaved(saved, created, text) {
    if (created) {
      navigate(`/microcredentials/${encodeURIComponent(saved.id)}/edit`, { replace: true });
      return;
    }
    setMessage(text || null);
    setState((s) => ({ ...s, version: saved, round: text ? s.round + 1 : s.round }));
  }

  if (state.loading) return <Loading />;
  if (state.error) return <ErrorAlert error={state.error} />;
  const v = state.version;
  return (
    <>
      {v ? (
        <p class="editor__status">
          {t('editor.versionStatus', { version: v.version, status: t(`versionStatus.${v.status}`) })}
          {' '}
          <Link href={`/microcredentials/${encodeURIComponent(id)}/versions`}>{t('editor.historyLink')}</Link>
          <span aria-hidden="true">{t('common.separator')}</span>
          <Link href={`/microcredentials/${encodeURIComponent(id)}/assessment/edit`}>{t('assessmentEditor.link')}</Link>
        </p>
      ) : null}
      {message ? <p ref={messageRef} class="notice" role="status" tabIndex={-1}>{message}</p> : null}
      {v ? <ReviewerComments version={v} /> : null}
      <EditorForm key={v ? `${v.version}-${v.status}` : 'new'} id={id} version={v} onSaved={onSaved} />
    </>
  );
}

export function Editor({ params, loc }) {
  const id = params.id || null;
  const title = id ? t('editor.editTitle') : t('editor.newTitle');
  return (
    <RoleGuard loc={loc} title={title} roles={['editor']}>
      {() => (
        <Page title={title} class="editor-page">
          <h1>{title}</h1>
          <p class="lead">{t('editor.intro')}</p>
          <EditorLoaded key={id || 'new'} id={id} />
        </Page>
      )}
    </RoleGuard>
  );
}
