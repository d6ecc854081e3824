import { useEffect, useRef, useState } from 'preact/hooks';
import { certificateQrUrl, post } from '../api.js';
import { t } from '../i18n/index.js';
import { errorMessage, formErrors } from '../errors.js';
import { useApi } from '../hooks.js';
import { Link } from '../router.jsx';
import { Alert, Day, Loading, StatusBadge } from '../components/common.jsx';
import { Field } from '../components/Field.jsx';
import { IssuerOnly } from '../components/Guard.jsx';
import { Page } from '../components/Page.jsx';
import { NotFoundContent } from './NotFound.jsx';
import { eqfShort, formatDay, organisationWithCountry, participationLabel, workloadShort } from '../format.js';

/** Copies `text` to the clipboard; falls back to a selected hidden field where the API is missing. */
async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const field = document.createElement('textarea');
  field.value = text;
  field.setAttribute('readonly', '');
  field.className = 'visually-hidden';
  document.body.appendChild(field);
  field.select();
  const ok = document.execCommand('copy');
  field.remove();
  if (!ok) throw new Error('copy failed');
}

/** The certificate itself: on screen a card, in print one A4 landscape page (print.css). */
function CertificateSheet({ c }) {
  const mc = c.microcredential || {};
  const issuer = (c.issuer && c.issuer.name) || (mc.issuer && mc.issuer.name) || t('app.alliance');
  return (
    <article class={`cert cert--${c.status}`} aria-labelledby="cert-title">
      <div class="cert__main">
        <p class="cert__issuer">{issuer}</p>
        <p class="cert__status"><StatusBadge status={c.status} /></p>
        {c.status === 'revoked' ? (
          <p class="cert__revocation">
            {t('certificate.revokedOn', { date: formatDay(c.revoked_on) })}
            {c.revocation_reason ? <><br />{t('certificate.reason', { reason: c.revocation_reason })}</> : null}
          </p>
        ) : null}
        <p class="cert__words">{t('certificate.certifiesThat')}</p>
        <p class="cert__holder">{c.holder_name}</p>
        <p class="cert__words">{t('certificate.hasAchieved')}</p>
        <h2 class="cert__title" id="cert-title">{mc.title}</h2>
        <dl class="facts cert__facts">
          <dt>{t('fields.eqfLevel')}</dt>
          <dd>{eqfShort(mc.eqf_level)}</dd>
          <dt>{t('fields.workload')}</dt>
          <dd>{workloadShort(mc.workload_hours, mc.ects_credits)}</dd>
          {mc.assessment_type ? <><dt>{t('fields.assessmentType')}</dt><dd>{mc.assessment_type}</dd></> : null}
          {mc.participation_form ? <><dt>{t('fields.participation')}</dt><dd>{participationLabel(mc.participation_form)}</dd></> : null}
          {mc.quality_assurance ? <><dt>{t('fields.qualityAssurance')}</dt><dd>{mc.quality_assurance}</dd></> : null}
          {mc.promoting_organisation ? <><dt>{t('fields.promotedBy')}</dt><dd>{organisationWithCountry(mc.promoting_organisation)}</dd></> : null}
          {c.awarded_on ? <><dt>{t('fields.awardedOn')}</dt><dd><Day value={c.awarded_on} /></dd></> : null}
          <dt>{t('fields.issuedOn')}</dt>
          <dd><Day value={c.issued_on} /></dd>
          {c.valid_until_on ? <><dt>{t('fields.validUntil')}</dt><dd><Day value={c.valid_until_on} /></dd></> : null}
          <dt class="no-print">{t('fields.holderEmail')}</dt>
          <dd class="no-print">{c.holder_email}</dd>
          {c.issued_by ? <><dt class="no-print">{t('fields.issuedBy')}</dt><dd class="no-print">{c.issued_by.name}</dd></> : null}
          <dt>{t('fields.certificateId')}</dt>
          <dd class="cert__id">{c.id}</dd>
        </dl>
      </div>
      <figure class="cert__qr">
        <img
          class="cert__qr-image"
          src={certificateQrUrl(c.id)}
          alt={t('certificate.qrAlt', { url: c.verify_url })}
          width="280"
          height="280"
        />
        <figcaption class="cert__qr-caption">
          {t('certificate.scanToVerify')}
          <span class="cert__url">{c.verify_url}</span>
        </figcaption>
      </figure>
    </article>
  );
}

function VerificationTools({ id, url }) {
  const [copied, setCopied] = useState(null);
  async function onCopy() {
    try {
      await copyText(url);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <section class="tools no-print" aria-labelledby="tools-heading">
      <h2 id="tools-heading">{t('certificate.verification')}</h2>
      <p class="tools__url"><a href={url}>{url}</a></p>
      <div class="tools__buttons">
        <button type="button" class="button button--secondary" onClick={onCopy}>{t('certificate.copy')}</button>
        <button type="button" class="button button--secondary" onClick={() => window.print()}>{t('certificate.print')}</button>
        <a class="button button--secondary" href={`/api/v1/certificates/${encodeURIComponent(id)}/certificate.pdf`} download>
          {t('certificate.downloadPdf')}
        </a>
        <a class="button button--secondary" href={`/api/v1/verify/${encodeURIComponent(id)}/credential.json`} download>
          {t('verifyChecks.downloadCredential')}
        </a>
        <span class="tools__copied" role="status">
          {copied === 'ok' ? t('certificate.copied') : copied === 'failed' ? t('certificate.copyFailed') : ''}
        </span>
      </div>
    </section>
  );
}

function RevokeSection({ id, onRevoked }) {
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState({ fields: {}, page: null });
  const [busy, setBusy] = useState(false);
  const confirmButton = useRef(null);

  useEffect(() => {
    if (confirming && confirmButton.current) confirmButton.current.focus();
  }, [confirming]);

  async function onSubmit(event) {
    event.preventDefault();
    if (!reason.trim()) {
      setErrors({ fields: { reason: t('revoke.reasonMissing') }, page: null });
      setConfirming(false);
      document.getElementById('reason')?.focus();
      return;
    }
    if (!confirming) {
      setErrors({ fields: {}, page: null });
      setConfirming(true);
      return;
    }
    setBusy(true);
    try {
      const updated = await post(`/api/v1/certificates/${encodeURIComponent(id)}/revoke`, { reason: reason.trim() });
      onRevoked(updated);
    } catch (e) {
      setErrors(formErrors(e, ['reason']));
      setConfirming(false);
      setBusy(false);
    }
  }

  return (
    <section class="revoke no-print" aria-labelledby="revoke-heading">
      <h2 id="revoke-heading">{t('revoke.title')}</h2>
      <p>{t('revoke.intro')}</p>
      <Alert>{errors.page}</Alert>
      <form class="form" onSubmit={onSubmit} noValidate>
        <Field
          as="textarea"
          id="reason"
          name="reason"
          rows={3}
          label={t('revoke.reason')}
          value={reason}
          onInput={(e) => setReason(e.currentTarget.value)}
          readOnly={confirming}
          required
          error={errors.fields.reason}
        />
        {confirming ? (
          <div class="confirm" role="group" aria-labelledby="confirm-text">
            <p id="confirm-text" class="confirm__text">{t('revoke.confirmText')}</p>
            <div class="form__actions">
              <button ref={confirmButton} type="submit" class="button button--danger" disabled={busy}>
                {t('revoke.confirm')}
              </button>
              <button type="button" class="button button--quiet" onClick={() => setConfirming(false)} disabled={busy}>
                {t('revoke.cancel')}
              </button>
            </div>
          </div>
        ) : (
          <div class="form__actions">
            <button type="submit" class="button button--danger">{t('revoke.submit')}</button>
          </div>
        )}
      </form>
    </section>
  );
}

function CertificateView({ id }) {
  const { data: c, error, loading, setData } = useApi(`/api/v1/certificates/${encodeURIComponent(id)}`);
  const [justRevoked, setJustRevoked] = useState(false);
  const notice = useRef(null);

  // The revoke form is gone once the certificate is revoked: bring the outcome into view and focus.
  useEffect(() => {
    if (justRevoked && notice.current) {
      notice.current.focus({ preventScroll: true });
      notice.current.scrollIntoView({ block: 'center' });
    }
  }, [justRevoked]);

  if (error && error.status === 404) {
    return <NotFoundContent title={t('certificate.notFound')} text={t('certificate.notFoundText')} />;
  }
  const title = c ? t('certificate.pageTitle', { holder: c.holder_name }) : t('certificate.heading');
  return (
    <Page title={title} class="cert-page">
      <p class="back no-print"><Link href="/certificates">{t('certificate.back')}</Link></p>
      <h1 class="cert-page__heading">{t('certificate.heading')}</h1>
      {loading && !c ? <Loading /> : null}
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      {c ? (
        <>
          <p class="notice no-print" role="status" tabIndex={-1} ref={notice}>{justRevoked ? t('revoke.done') : ''}</p>
          <CertificateSheet c={c} />
          <VerificationTools id={c.id} url={c.verify_url} />
          {c.status !== 'revoked' ? (
            <RevokeSection
              id={c.id}
              onRevoked={(updated) => {
                setData(updated);
                setJustRevoked(true);
              }}
            />
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

export function CertificatePage({ params, loc }) {
  return (
    <IssuerOnly loc={loc} title={t('certificate.heading')}>
      {() => <CertificateView id={params.id} />}
    </IssuerOnly>
  );
}
