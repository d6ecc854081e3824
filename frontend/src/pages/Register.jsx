// Learner self-registration (/register) and the page the confirmation e-mail links to
// (/register/confirm?token=...).
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { post } from '../api.js';
import { errorMessage, formErrors } from '../errors.js';
import { Link, safeLocalPath } from '../router.jsx';
import { Alert, Loading } from '../components/common.jsx';
import { Field, focusFirstInvalid } from '../components/Field.jsx';
import { Page } from '../components/Page.jsx';

const FIELDS = ['name', 'email', 'password'];
const PASSWORD_MIN = 10;

/** Builds the sign-in address for `email`, with `next` when the learner was heading somewhere. */
function signInHref(email, next) {
  const search = new URLSearchParams();
  if (email) search.set('email', email);
  if (next) search.set('next', next);
  const query = search.toString();
  return query ? `/sign-in?${query}` : '/sign-in';
}

export function Register({ loc }) {
  const query = new URLSearchParams(loc.search);
  const next = safeLocalPath(query.get('next'));
  const [name, setName] = useState('');
  // The learner wallet sends new certificate holders here with their address in ?email=.
  const [email, setEmail] = useState(query.get('email') || '');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({ fields: {}, page: null });
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState(null);
  const form = useRef(null);
  const done = useRef(null);

  useEffect(() => focusFirstInvalid(form.current), [errors]);
  useEffect(() => {
    if (sentTo && done.current) done.current.focus();
  }, [sentTo]);

  async function onSubmit(event) {
    event.preventDefault();
    const missing = {};
    if (!name.trim()) missing.name = t('register.nameMissing');
    if (!email.trim()) missing.email = t('register.emailMissing');
    if (password.length < PASSWORD_MIN) missing.password = t('register.passwordShort', { count: PASSWORD_MIN });
    if (Object.keys(missing).length) {
      setErrors({ fields: missing, page: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, page: null });
    try {
      await post('/api/v1/registrations', { name: name.trim(), email: email.trim(), password });
      setPassword('');
      setSentTo(email.trim());
    } catch (e) {
      setErrors(formErrors(e, FIELDS));
    } finally {
      setBusy(false);
    }
  }

  if (sentTo) {
    return (
      <Page title={t('register.title')} class="narrow">
        <h1 ref={done} tabIndex={-1}>{t('register.sentTitle')}</h1>
        <p class="lead">{t('register.sent', { email: sentTo })}</p>
        <p>{t('register.sentHelp')}</p>
      </Page>
    );
  }

  return (
    <Page title={t('register.title')} class="narrow">
      <h1>{t('register.title')}</h1>
      <p class="lead">{t('register.intro')}</p>
      <Alert>{errors.page}</Alert>
      <form ref={form} class="form" onSubmit={onSubmit} noValidate>
        <Field
          id="name"
          name="name"
          label={t('register.name')}
          hint={t('register.nameHint')}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          autoComplete="name"
          maxLength={200}
          required
          error={errors.fields.name}
        />
        <Field
          id="email"
          name="email"
          type="email"
          label={t('register.email')}
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          autoComplete="email"
          spellcheck={false}
          required
          error={errors.fields.email}
        />
        <Field
          id="password"
          name="password"
          type="password"
          label={t('register.password')}
          hint={t('register.passwordHint', { count: PASSWORD_MIN })}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          autoComplete="new-password"
          required
          error={errors.fields.password}
        />
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>{t('register.submit')}</button>
        </div>
      </form>
      <p>
        {t('register.haveAccount')}{' '}
        <Link href={signInHref('', next)}>{t('register.signIn')}</Link>
      </p>
    </Page>
  );
}

export function RegisterConfirm({ loc }) {
  const token = new URLSearchParams(loc.search).get('token') || '';
  const [state, setState] = useState({ done: false, email: null, error: null });

  useEffect(() => {
    if (!token) return;
    post('/api/v1/registrations/confirm', { token }).then(
      (answer) => setState({ done: true, email: answer.email, error: null }),
      (error) => setState({ done: true, email: null, error }),
    );
  }, [token]);

  let content;
  if (!token) content = <Alert>{t('register.confirmNoToken')}</Alert>;
  else if (!state.done) content = <Loading />;
  else if (state.error) {
    content = (
      <>
        <Alert>{errorMessage(state.error)}</Alert>
        <p><Link href="/register">{t('register.registerAgain')}</Link></p>
      </>
    );
  } else {
    content = (
      <>
        <p class="lead" role="status">{t('register.confirmed', { email: state.email })}</p>
        <p class="actions">
          <Link class="button" href={signInHref(state.email, null)}>{t('register.signInNow')}</Link>
        </p>
      </>
    );
  }
  return (
    <Page title={t('register.confirmTitle')} class="narrow">
      <h1>{t('register.confirmTitle')}</h1>
      {content}
    </Page>
  );
}
