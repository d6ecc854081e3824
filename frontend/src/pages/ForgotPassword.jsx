import { useEffect, useRef, useState } from 'preact/hooks';
import { post } from '../api.js';
import { t } from '../i18n/index.js';
import { formErrors } from '../errors.js';
import { Alert } from '../components/common.jsx';
import { Field, focusFirstInvalid } from '../components/Field.jsx';
import { Page } from '../components/Page.jsx';

/**
 * Requests a password reset link. The API answers 202 whether or not the address has an account,
 * so the page says the same in both cases.
 */
export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState({ fields: {}, page: null });
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState(null);
  const form = useRef(null);
  const done = useRef(null);

  useEffect(() => focusFirstInvalid(form.current), [errors]);
  useEffect(() => done.current && done.current.focus(), [sentTo]);

  async function onSubmit(event) {
    event.preventDefault();
    const address = email.trim();
    if (!address) {
      setErrors({ fields: { email: t('forgotPassword.emailMissing') }, page: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, page: null });
    try {
      await post('/api/v1/password-resets', { email: address });
      setSentTo(address);
    } catch (e) {
      setErrors(formErrors(e, ['email']));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t('forgotPassword.title')} class="narrow">
      <h1>{t('forgotPassword.title')}</h1>
      {sentTo ? (
        <div class="notice notice--done" role="status">
          <h2 ref={done} tabIndex={-1}>{t('forgotPassword.sentTitle')}</h2>
          <p>{t('forgotPassword.sentText', { email: sentTo })}</p>
        </div>
      ) : (
        <>
          <p class="lead">{t('forgotPassword.intro')}</p>
          <Alert>{errors.page}</Alert>
          <form ref={form} class="form" onSubmit={onSubmit} noValidate>
            <Field
              id="reset-email"
              name="email"
              type="email"
              label={t('forgotPassword.email')}
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
              autoComplete="username"
              spellcheck={false}
              required
              error={errors.fields.email}
            />
            <div class="form__actions">
              <button type="submit" class="button" disabled={busy}>{t('forgotPassword.submit')}</button>
            </div>
          </form>
        </>
      )}
    </Page>
  );
}
