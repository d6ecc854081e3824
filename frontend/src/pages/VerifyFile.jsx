// Verifying a signed credential file (/verify-file): the file is read in the browser and sent to
// POST /api/v1/verify-credential, which runs the same checks as the verification page.
import { useRef, useState } from 'preact/hooks';
import { post } from '../api.js';
import { t } from '../i18n/index.js';
import { errorMessage } from '../errors.js';
import { Link } from '../router.jsx';
import { Alert, Facts } from '../components/common.jsx';
import { Page } from '../components/Page.jsx';
import { VerifyChecks } from '../components/VerifyChecks.jsx';

/** Largest file read, in bytes: the backend's default MIC_MAX_BODY. */
const MAX_FILE_BYTES = 1048576;
const STATUSES = new Set(['valid', 'invalid', 'revoked', 'expired', 'unknown']);

function Result({ result }) {
  const status = STATUSES.has(result.status) ? result.status : 'unknown';
  return (
    <section class={`verify verify--${status} verify-file__result`} aria-labelledby="verify-file-status">
      <p class="verify__status" id="verify-file-status" data-status={status}>{t(`status.${status}`)}</p>
      <p class="verify__explain">{t(`verifyFile.explain.${status}`)}</p>
      <Facts
          class="verify__facts"
          rows={[
            [t('verifyFile.holder'), result.holder && result.holder.name],
            [t('verifyFile.achievement'), result.achievement && result.achievement.name],
            [t('verifyFile.issuer'), result.issuer && result.issuer.name],
            [t('verifyFile.validFrom'), result.valid_from],
            [t('verifyFile.certificate'), result.certificate_id
              ? <Link href={`/v/${encodeURIComponent(result.certificate_id)}`}>{`/v/${result.certificate_id}`}</Link>
              : null],
          ]}
        />
      <VerifyChecks checks={result.checks} />
    </section>
  );
}

export function VerifyFile() {
  const [error, setError] = useState(null);
  const [result, setResult] = useState(null);
  const [busy, setBusy] = useState(false);
  const input = useRef(null);

  async function onSubmit(event) {
    event.preventDefault();
    setResult(null);
    const file = input.current && input.current.files && input.current.files[0];
    if (!file) {
      setError(t('verifyFile.fileMissing'));
      input.current.focus();
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      setError(t('verifyFile.tooLarge'));
      return;
    }
    let credential;
    try {
      credential = JSON.parse(await file.text());
    } catch {
      setError(t('verifyFile.notJson'));
      return;
    }
    setError(null);
    setBusy(true);
    try {
      setResult(await post('/api/v1/verify-credential', credential));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page title={t('verifyFile.title')}>
      <h1>{t('verifyFile.title')}</h1>
      <p class="lead">{t('verifyFile.intro')}</p>
      <form class="form" onSubmit={onSubmit} noValidate>
        <div class={error ? 'field field--invalid' : 'field'}>
          <label class="field__label" for="credential-file">{t('verifyFile.file')}</label>
          <p class="field__hint" id="credential-file-hint">{t('verifyFile.fileHint')}</p>
          <input
            ref={input}
            id="credential-file"
            type="file"
            accept=".json,application/json,application/vc+ld+json,application/ld+json"
            class="field__control"
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'credential-file-hint credential-file-error' : 'credential-file-hint'}
            onChange={() => { setError(null); setResult(null); }}
          />
          {error ? <p class="field__error" id="credential-file-error">{error}</p> : null}
        </div>
        <button type="submit" class="button" disabled={busy}>{t('verifyFile.submit')}</button>
      </form>
      {result ? <Result result={result} /> : null}
      {busy ? <Alert kind="info">{t('common.loading')}</Alert> : null}
    </Page>
  );
}
