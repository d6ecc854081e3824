import { useEffect, useRef, useState } from 'preact/hooks';
import { emailIsValid } from '../checks.js';
import { get, post, withQuery } from '../api.js';
import { t } from '../i18n/index.js';
import { formErrors } from '../errors.js';
import { Link, navigate } from '../router.jsx';
import { canIssueFor, useSession } from '../session.js';
import { Alert, ErrorAlert, Loading } from '../components/common.jsx';
import { Field, focusFirstInvalid } from '../components/Field.jsx';
import { IssuerOnly } from '../components/Guard.jsx';
import { Page } from '../components/Page.jsx';

const FIELDS = ['microcredential_id', 'holder_name', 'holder_email'];
const PER_PAGE = 100;
const MAX_PAGES = 50;

// Limit of POST /api/v1/certificates (backend/src/certificates.c) on the name, in characters.
const HOLDER_NAME_MAX_CHARS = 200;
// Control characters, which the server rejects in a one-line text (C0, DEL and C1).
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks every field as the server would and returns {field: message} for each invalid one, so
 * the form marks them all at once instead of one per attempt.
 */
function fieldErrors(values) {
  const errors = {};
  const name = values.holder_name.trim();
  const email = values.holder_email.trim();

  if (!values.microcredential_id) errors.microcredential_id = t('issue.microcredentialMissing');

  if (!name) errors.holder_name = t('issue.holderNameMissing');
  else if (CONTROL_CHARACTERS.test(name)) errors.holder_name = t('issue.holderNameOneLine');
  else if ([...name].length > HOLDER_NAME_MAX_CHARS) {
    errors.holder_name = t('issue.holderNameTooLong', { max: HOLDER_NAME_MAX_CHARS, count: [...name].length });
  }

  if (!email) errors.holder_email = t('issue.holderEmailMissing');
  else if (!emailIsValid(email)) errors.holder_email = t('issue.holderEmailInvalid');
  return errors;
}

/** Every published micro-credential, page after page. */
export async function fetchAllMicrocredentials() {
  const all = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const data = await get(withQuery('/api/v1/microcredentials', { page, per_page: PER_PAGE }));
    const items = data.items || [];
    all.push(...items);
    if (!items.length || all.length >= data.total) break;
  }
  return all;
}

function IssueForm({ user, preselected }) {
  const [options, setOptions] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [values, setValues] = useState({ microcredential_id: preselected || '', holder_name: '', holder_email: '' });
  const [errors, setErrors] = useState({ fields: {}, page: null });
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  useEffect(() => {
    fetchAllMicrocredentials().then(
      (items) => setOptions(items.filter((mc) => canIssueFor(user, mc.promoting_organisation && mc.promoting_organisation.id))),
      setLoadError,
    );
  }, []);

  useEffect(() => focusFirstInvalid(form.current), [errors]);

  const change = (name) => (e) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [name]: value }));
  };

  async function onSubmit(event) {
    event.preventDefault();
    const invalid = fieldErrors(values);
    if (Object.keys(invalid).length) {
      setErrors({ fields: invalid, page: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, page: null });
    try {
      const id = Number(values.microcredential_id);
      const certificate = await post('/api/v1/certificates', {
        microcredential_id: Number.isSafeInteger(id) ? id : values.microcredential_id,
        holder_name: values.holder_name.trim(),
        holder_email: values.holder_email.trim(),
      });
      navigate(`/certificates/${encodeURIComponent(certificate.id)}`);
    } catch (e) {
      setErrors(formErrors(e, FIELDS));
      setBusy(false);
    }
  }

  if (loadError) return <ErrorAlert error={loadError} />;
  if (!options) return <Loading />;
  if (!options.length) return <Alert kind="info">{t('issue.noMicrocredentials')}</Alert>;

  return (
    <>
      <Alert>{errors.page}</Alert>
      <form ref={form} class="form" onSubmit={onSubmit} noValidate>
        <Field
          as="select"
          id="microcredential_id"
          name="microcredential_id"
          label={t('issue.microcredential')}
          value={String(values.microcredential_id)}
          onChange={change('microcredential_id')}
          required
          error={errors.fields.microcredential_id}
        >
          <option value="">{t('issue.choose')}</option>
          {options.map((mc) => (
            <option key={mc.id} value={String(mc.id)}>{mc.title}</option>
          ))}
        </Field>
        <Field
          id="holder_name"
          name="holder_name"
          label={t('issue.holderName')}
          hint={t('issue.holderNameHint')}
          value={values.holder_name}
          onInput={change('holder_name')}
          autoComplete="off"
          required
          error={errors.fields.holder_name}
        />
        <Field
          id="holder_email"
          name="holder_email"
          type="email"
          label={t('issue.holderEmail')}
          value={values.holder_email}
          onInput={change('holder_email')}
          autoComplete="off"
          spellcheck={false}
          required
          error={errors.fields.holder_email}
        />
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>{t('issue.submit')}</button>
        </div>
      </form>
    </>
  );
}

export function Issue({ loc }) {
  const { user } = useSession();
  const preselected = new URLSearchParams(loc.search).get('microcredential') || '';
  return (
    <IssuerOnly loc={loc} title={t('issue.title')}>
      {() => (
        <Page title={t('issue.title')} class="narrow">
          <h1>{t('issue.title')}</h1>
          <p class="lead">{t('issue.intro')}</p>
          <p><Link href="/issue/bulk">{t('bulk.link')}</Link></p>
          <IssueForm user={user} preselected={preselected} />
        </Page>
      )}
    </IssuerOnly>
  );
}
