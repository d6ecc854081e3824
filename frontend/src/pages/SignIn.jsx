import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { formErrors } from '../errors.js';
import { Link, navigate, safeLocalPath } from '../router.jsx';
import { canIssue, signIn, useSession } from '../session.js';
import { Alert } from '../components/common.jsx';
import { Field, focusFirstInvalid } from '../components/Field.jsx';
import { Page } from '../components/Page.jsx';

const FIELDS = ['email', 'password'];

export function SignIn({ loc }) {
  const { user } = useSession();
  const asked = safeLocalPath(new URLSearchParams(loc.search).get('next'));
  const next = asked || '/certificates';
  // Registration confirmation and the wallet pass the address in ?email=.
  const [email, setEmail] = useState(new URLSearchParams(loc.search).get('email') || '');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState({ fields: {}, page: null });
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  // Already signed in (or just signed in): go on to where the user was heading.
  useEffect(() => {
    // Learners have no certificate list to land on, so they go to the catalogue.
    if (user) navigate(asked || (canIssue(user) ? '/certificates' : '/'), { replace: true });
  }, [user]);

  useEffect(() => focusFirstInvalid(form.current), [errors]);

  async function onSubmit(event) {
    event.preventDefault();
    const missing = {};
    if (!email.trim()) missing.email = t('signIn.emailMissing');
    if (!password) missing.password = t('signIn.passwordMissing');
    if (Object.keys(missing).length) {
      setErrors({ fields: missing, page: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, page: null });
    try {
      await signIn(email.trim(), password);
    } catch (e) {
      setPassword('');
      setErrors(formErrors(e, FIELDS));
      setBusy(false);
    }
  }

  return (
    <Page title={t('signIn.title')} class="narrow">
      <h1>{t('signIn.title')}</h1>
      <p class="lead">{t('signIn.intro')}</p>
      <Alert>{errors.page}</Alert>
      <form ref={form} class="form" onSubmit={onSubmit} noValidate>
        <Field
          id="email"
          name="email"
          type="email"
          label={t('signIn.email')}
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          autoComplete="username"
          spellcheck={false}
          required
          error={errors.fields.email}
        />
        <Field
          id="password"
          name="password"
          type="password"
          label={t('signIn.password')}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          autoComplete="current-password"
          required
          error={errors.fields.password}
        />
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>{t('signIn.submit')}</button>
        </div>
      </form>
      <p class="form__aside"><Link href="/forgot-password">{t('signInExtra.forgotPassword')}</Link></p>
      <p>
        {t('signIn.noAccount')}{' '}
        <Link href={`/register${asked ? `?next=${encodeURIComponent(asked)}` : ''}`}>
          {t('signIn.register')}
        </Link>
      </p>
    </Page>
  );
}
