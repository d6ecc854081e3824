import { useEffect, useRef, useState } from 'preact/hooks';
import { post } from '../api.js';
import { t } from '../i18n/index.js';
import { formErrors } from '../errors.js';
import { Link } from '../router.jsx';
import { Alert } from '../components/common.jsx';
import { Field, focusFirstInvalid } from '../components/Field.jsx';
import { Page } from '../components/Page.jsx';

/** The minimum password length that POST /api/v1/account/password accepts. */
const MIN_PASSWORD_LENGTH = 10;

/** Sets a password from an invitation link (valid 7 days) or a reset link (valid 1 hour). */
export function AccountPassword({ loc }) {
  const token = new URLSearchParams(loc.search).get('token') || '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState({ fields: {}, page: null });
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState(null);
  const form = useRef(null);
  const done = useRef(null);

  useEffect(() => focusFirstInvalid(form.current), [errors]);
  useEffect(() => done.current && done.current.focus(), [email]);

  async function onSubmit(event) {
    event.preventDefault();
    const invalid = {};
    if (password.length < MIN_PASSWORD_LENGTH) {
      invalid.password = t('accountPassword.tooShort', { count: MIN_PASSWORD_LENGTH });
    } else if (password !== repeat) {
      invalid.repeat = t('accountPassword.mismatch');
    }
    if (Object.keys(invalid).length) {
      setErrors({ fields: invalid, page: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, page: null });
    try {
      const answer = await post('/api/v1/account/password', { token, password });
      setEmail(answer.email);
    } catch (e) {
      setErrors(formErrors(e, ['password']));
    } finally {
      setBusy(false);
    }
  }

  if (email) {
    return (
      <Page title={t('accountPassword.title')} class="narrow">
        <h1>{t('accountPassword.title')}</h1>
        <div class="notice notice--done" role="status">
          <h2 ref={done} tabIndex={-1}>{t('accountPassword.doneTitle')}</h2>
          <p>{t('accountPassword.doneText', { email })}</p>
          <p><Link class="button" href="/sign-in?next=%2F">{t('accountPassword.signIn')}</Link></p>
        </div>
      </Page>
    );
  }

  return (
    <Page title={t('accountPassword.title')} class="narrow">
      <h1>{t('accountPassword.title')}</h1>
      {!token ? (
        <Alert>
          {t('accountPassword.noToken')} <Link href="/forgot-password">{t('accountPassword.requestNew')}</Link>
        </Alert>
      ) : (
        <>
          <p class="lead">{t('accountPassword.intro', { count: MIN_PASSWORD_LENGTH })}</p>
          {errors.page ? (
            <Alert>
              {errors.page} <Link href="/forgot-password">{t('accountPassword.requestNew')}</Link>
            </Alert>
          ) : null}
          <form ref={form} class="form" onSubmit={onSubmit} noValidate>
            <Field
              id="new-password"
              name="password"
              type="password"
              label={t('accountPassword.password')}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              autoComplete="new-password"
              minLength={MIN_PASSWORD_LENGTH}
              required
              error={errors.fields.password}
            />
            <Field
              id="repeat-password"
              name="repeat"
              type="password"
              label={t('accountPassword.repeat')}
              value={repeat}
              onInput={(e) => setRepeat(e.currentTarget.value)}
              autoComplete="new-password"
              required
              error={errors.fields.repeat}
            />
            <div class="form__actions">
              <button type="submit" class="button" disabled={busy}>{t('accountPassword.submit')}</button>
            </div>
          </form>
        </>
      )}
    </Page>
  );
}
