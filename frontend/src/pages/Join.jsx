import { useEffect, useRef, useState } from 'preact/hooks';
import { post } from '../api.js';
import { t } from '../i18n/index.js';
import { formErrors } from '../errors.js';
import { emailIsValid, websiteIsValid } from '../checks.js';
import { Alert } from '../components/common.jsx';
import { Field, focusFirstInvalid } from '../components/Field.jsx';
import { Page } from '../components/Page.jsx';
import { ORGANISATION_TYPES, countryOptions, organisationTypeLabel } from '../membership.js';

const FIELDS = [
  'name', 'type', 'country', 'city', 'website', 'description',
  'contact_name', 'contact_email', 'motivation', 'charter_accepted',
];
const REQUIRED = ['name', 'type', 'country', 'contact_name', 'contact_email', 'motivation'];
const EMPTY = Object.fromEntries(FIELDS.map((name) => [name, '']));

/** The charter of the alliance, one paragraph per catalogue entry. */
function Charter() {
  const points = ['quality', 'outcomes', 'assessment', 'honesty', 'data', 'cooperation'];
  return (
    <section class="charter" aria-labelledby="charter-title">
      <h2 id="charter-title">{t('charter.title')}</h2>
      <p>{t('charter.intro')}</p>
      <ol class="charter__points">
        {points.map((point) => <li key={point}>{t(`charter.points.${point}`)}</li>)}
      </ol>
    </section>
  );
}

function Submitted({ email }) {
  const heading = useRef(null);
  useEffect(() => heading.current && heading.current.focus(), []);
  return (
    <div class="notice notice--done" role="status">
      <h2 ref={heading} tabIndex={-1}>{t('join.sentTitle')}</h2>
      <p>{t('join.sentText', { email })}</p>
    </div>
  );
}

export function Join() {
  const [values, setValues] = useState({ ...EMPTY, charter_accepted: false });
  const [errors, setErrors] = useState({ fields: {}, page: null });
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState(null);
  const form = useRef(null);
  const countries = countryOptions();

  useEffect(() => focusFirstInvalid(form.current), [errors]);

  const change = (name) => (e) => {
    const value = e.currentTarget.type === 'checkbox' ? e.currentTarget.checked : e.currentTarget.value;
    setValues((v) => ({ ...v, [name]: value }));
  };

  async function onSubmit(event) {
    event.preventDefault();
    const missing = {};
    for (const name of REQUIRED) {
      if (!String(values[name]).trim()) missing[name] = t(`join.missing.${name}`);
    }
    if (!values.charter_accepted) missing.charter_accepted = t('join.missing.charter_accepted');
    // Formats the server would reject, marked together with the missing fields.
    const website = String(values.website).trim();
    if (website && !websiteIsValid(website)) missing.website = t('join.invalid.website');
    const email = String(values.contact_email).trim();
    if (email && !emailIsValid(email)) missing.contact_email = t('join.invalid.contact_email');
    if (Object.keys(missing).length) {
      setErrors({ fields: missing, page: null });
      return;
    }
    const body = { charter_accepted: true };
    for (const name of FIELDS) {
      if (name === 'charter_accepted') continue;
      const value = String(values[name]).trim();
      if (value) body[name] = value;
    }
    setBusy(true);
    setErrors({ fields: {}, page: null });
    try {
      await post('/api/v1/applications', body);
      setSentTo(body.contact_email);
    } catch (e) {
      setErrors(formErrors(e, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  const text = (name, props = {}) => (
    <Field
      id={`join-${name}`}
      name={name}
      label={t(`join.fields.${name}`)}
      value={values[name]}
      onInput={change(name)}
      required={REQUIRED.includes(name)}
      error={errors.fields[name]}
      {...props}
    />
  );

  return (
    <Page title={t('join.title')} class="narrow">
      <h1>{t('join.title')}</h1>
      <p class="lead">{t('join.intro')}</p>
      {sentTo ? <Submitted email={sentTo} /> : (
        <>
          <Alert>{errors.page}</Alert>
          <form ref={form} class="form" onSubmit={onSubmit} noValidate>
            <fieldset class="fieldset">
              <legend>{t('join.organisation')}</legend>
              {text('name', { autoComplete: 'organization' })}
              <Field
                as="select"
                id="join-type"
                name="type"
                label={t('join.fields.type')}
                value={values.type}
                onChange={change('type')}
                required
                error={errors.fields.type}
              >
                <option value="">{t('join.chooseType')}</option>
                {ORGANISATION_TYPES.map((type) => (
                  <option key={type} value={type}>{organisationTypeLabel(type)}</option>
                ))}
              </Field>
              <Field
                as="select"
                id="join-country"
                name="country"
                label={t('join.fields.country')}
                value={values.country}
                onChange={change('country')}
                required
                error={errors.fields.country}
              >
                <option value="">{t('join.chooseCountry')}</option>
                {countries.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
              </Field>
              {text('city', { autoComplete: 'address-level2' })}
              {text('website', { type: 'url', hint: t('join.websiteHint'), spellcheck: false })}
              {text('description', { as: 'textarea', rows: 3 })}
            </fieldset>
            <fieldset class="fieldset">
              <legend>{t('join.contact')}</legend>
              <p class="field__hint">{t('join.contactHint')}</p>
              {text('contact_name', { autoComplete: 'name' })}
              {text('contact_email', { type: 'email', autoComplete: 'email', spellcheck: false })}
            </fieldset>
            {text('motivation', { as: 'textarea', rows: 5, hint: t('join.motivationHint') })}
            <Charter />
            <div class={errors.fields.charter_accepted ? 'field field--invalid check' : 'field check'}>
              <input
                id="join-charter_accepted"
                type="checkbox"
                class="check__box"
                checked={values.charter_accepted}
                onChange={change('charter_accepted')}
                aria-invalid={errors.fields.charter_accepted ? 'true' : undefined}
                aria-describedby={errors.fields.charter_accepted ? 'join-charter_accepted-error' : undefined}
              />
              <label class="check__label" for="join-charter_accepted">{t('join.fields.charter_accepted')}</label>
              {errors.fields.charter_accepted
                ? <p class="field__error" id="join-charter_accepted-error">{errors.fields.charter_accepted}</p>
                : null}
            </div>
            <div class="form__actions">
              <button type="submit" class="button" disabled={busy}>{t('join.submit')}</button>
            </div>
          </form>
        </>
      )}
    </Page>
  );
}
