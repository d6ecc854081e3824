// The learner's wallet: their certificates with downloads, sharing, LinkedIn, and erasure.
import { useEffect, useRef, useState } from 'preact/hooks';
import { post } from '../api.js';
import { errorMessage } from '../errors.js';
import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { navigate } from '../router.jsx';
import { sessionLost, useSession } from '../session.js';
import { Alert, Day, ErrorAlert, Loading, StatusBadge } from '../components/common.jsx';
import { Page } from '../components/Page.jsx';

/** The verification link in a read-only field, with a button that copies it. */
function ShareLink({ id, url }) {
  const [copied, setCopied] = useState(false);
  const inputId = `share-${id}`;
  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // Without clipboard access the link stays selectable in the field.
      document.getElementById(inputId).select();
    }
  }
  return (
    <div class="wallet__share">
      <label class="field__label" for={inputId}>{t('wallet.shareLabel')}</label>
      <div class="wallet__share-row">
        <input id={inputId} class="field__control" type="url" readOnly value={url} />
        <button type="button" class="button button--secondary" onClick={copy}>
          {t('wallet.copy')}
        </button>
      </div>
      <p class="field__hint" role="status">{copied ? t('wallet.copied') : ''}</p>
    </div>
  );
}

/** A two-step button: the first press shows a confirmation, the second withdraws the certificate. */
function WithdrawCertificate({ id, onDone }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState(null);
  const confirmRef = useRef(null);
  useEffect(() => {
    if (asking && confirmRef.current) confirmRef.current.focus();
  }, [asking]);

  async function withdraw() {
    setError(null);
    try {
      await post(`/api/v1/wallet/certificates/${encodeURIComponent(id)}/erasure`, { confirm: true });
      onDone();
    } catch (e) {
      setError(e);
    }
  }
  if (!asking) {
    return (
      <button type="button" class="button button--quiet" onClick={() => setAsking(true)}>
        {t('wallet.withdraw')}
      </button>
    );
  }
  return (
    <div class="wallet__confirm" role="group" aria-label={t('wallet.withdraw')}>
      <p>{t('wallet.withdrawExplain')}</p>
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      <button type="button" ref={confirmRef} class="button button--danger" onClick={withdraw}>
        {t('wallet.withdrawConfirm')}
      </button>
      <button type="button" class="button button--quiet" onClick={() => setAsking(false)}>
        {t('wallet.cancel')}
      </button>
    </div>
  );
}

function CertificateCard({ c, onChanged }) {
  const headingId = `wallet-${c.id}`;
  return (
    <li class="card wallet__card" aria-labelledby={headingId} data-certificate-id={c.id}>
      <h2 class="card__title" id={headingId}>{c.microcredential && c.microcredential.title}</h2>
      <p><StatusBadge status={c.status} /></p>
      <dl class="facts">
        {c.awarded_on ? <><dt>{t('fields.awardedOn')}</dt><dd><Day value={c.awarded_on} /></dd></> : null}
        <dt>{t('fields.issuedOn')}</dt>
        <dd><Day value={c.issued_on} /></dd>
        <dt>{t('wallet.validUntil')}</dt>
        <dd>{c.valid_until_on ? <Day value={c.valid_until_on} /> : t('wallet.noExpiry')}</dd>
      </dl>
      <div class="wallet__actions">
        <a class="button" href={c.pdf_url} download={`certificate-${c.id}.pdf`}>{t('wallet.downloadPdf')}</a>
        {c.credential_url ? (
          <a class="button button--secondary" href={c.credential_url} download={`certificate-${c.id}.json`}>
            {t('wallet.downloadJson')}
          </a>
        ) : null}
        <a class="button button--secondary" href={c.linkedin_url} target="_blank" rel="noopener noreferrer">
          {t('wallet.linkedin')}
        </a>
      </div>
      <ShareLink id={c.id} url={c.verify_url} />
      <WithdrawCertificate id={c.id} onDone={onChanged} />
    </li>
  );
}

/** Erasure of every certificate and the account, behind a confirmation checkbox. */
function EraseAccount() {
  const [understood, setUnderstood] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function erase(event) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await post('/api/v1/wallet/erasure', { confirm: true });
      sessionLost();
      navigate('/', { replace: true });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }
  return (
    <section class="wallet__erase" aria-labelledby="wallet-erase-title">
      <h2 id="wallet-erase-title">{t('wallet.eraseTitle')}</h2>
      <p>{t('wallet.eraseExplain')}</p>
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      <form class="form" onSubmit={erase}>
        <div class="field field--check">
          <input
            id="wallet-erase-confirm"
            type="checkbox"
            checked={understood}
            onChange={(e) => setUnderstood(e.currentTarget.checked)}
          />
          <label for="wallet-erase-confirm">{t('wallet.eraseConfirm')}</label>
        </div>
        <div class="form__actions">
          <button type="submit" class="button button--danger" disabled={!understood || busy}>
            {t('wallet.eraseButton')}
          </button>
        </div>
      </form>
    </section>
  );
}

function WalletList() {
  const { data, error, loading, reload } = useApi('/api/v1/wallet');
  if (error) return <ErrorAlert error={error} />;
  if (loading && !data) return <Loading />;
  const items = data.items || [];
  if (!items.length) return <p class="empty">{t('wallet.empty')}</p>;
  return (
    <>
      <p class="result-count">{t('wallet.count', { count: data.total })}</p>
      <ul class="cards wallet__cards">
        {items.map((c) => <CertificateCard key={c.id} c={c} onChanged={reload} />)}
      </ul>
    </>
  );
}

export function Wallet({ loc }) {
  const { loaded, user } = useSession();
  useEffect(() => {
    if (loaded && !user) {
      navigate(`/sign-in?next=${encodeURIComponent(loc.path + loc.search)}`, { replace: true });
    }
  }, [loaded, user]);

  if (!loaded || !user) return <Page title={t('wallet.title')}><Loading /></Page>;
  if (user.role !== 'learner') {
    return (
      <Page title={t('wallet.title')}>
        <h1>{t('wallet.title')}</h1>
        <Alert>{t('wallet.learnersOnly')}</Alert>
      </Page>
    );
  }
  return (
    <Page title={t('wallet.title')}>
      <h1>{t('wallet.title')}</h1>
      <p>{t('wallet.intro')}</p>
      <WalletList />
      <EraseAccount />
    </Page>
  );
}
