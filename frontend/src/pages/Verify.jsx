// The public verification page that the QR code on a certificate leads to (/v/{id}).
// The backend renders the same page into the first HTML response with the same class names
// (verify, verify--{status}, verify__status, verify__title, verify__holder, verify__facts,
// verify__outcomes, verify__revocation); keep them in step with the backend's template.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { t } from '../i18n/index.js';
import { useDocumentTitle } from '../hooks.js';
import { Alert, Day, Loading } from '../components/common.jsx';
import { errorMessage } from '../errors.js';
import { countryName, eqfExplained, formatDay, workloadShort } from '../format.js';
import { VerifyChecks } from '../components/VerifyChecks.jsx';

const STATUSES = new Set(['valid', 'revoked', 'expired', 'invalid', 'withdrawn', 'not_found']);

function useVerification(id) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let wanted = true;
    setState({ loading: true, data: null, error: null });
    get(`/api/v1/verify/${encodeURIComponent(id)}`).then(
      (data) => wanted && setState({ loading: false, data, error: null }),
      (error) => {
        if (!wanted) return;
        if (error.status === 404) setState({ loading: false, data: { status: 'not_found' }, error: null });
        else setState({ loading: false, data: null, error });
      },
    );
    return () => { wanted = false; };
  }, [id, round]);
  return { ...state, retry: () => setRound((n) => n + 1) };
}

function Status({ status }) {
  return (
    <p class="verify__status" data-status={status}>{t(`status.${status}`)}</p>
  );
}

function NotFoundResult({ id }) {
  return (
    <>
      <h1 class="verify__title">{t('verify.notFoundTitle')}</h1>
      <p class="verify__explain">{t('verify.explain.not_found')}</p>
      <dl class="verify__facts">
        <dt>{t('fields.certificateId')}</dt>
        <dd class="verify__id">{id}</dd>
      </dl>
    </>
  );
}

function Result({ v }) {
  const mc = v.microcredential || {};
  const org = v.promoting_organisation || mc.promoting_organisation;
  const issuer = (v.issuer && v.issuer.name) || t('app.alliance');
  return (
    <>
      <p class="verify__explain">{t(`verify.explain.${v.status}`)}</p>
      {v.status === 'revoked' ? (
        <p class="verify__revocation">
          {t('verify.revokedOn', { date: formatDay(v.revoked_on) })}
          {v.revocation_reason ? <><br />{t('verify.reason', { reason: v.revocation_reason })}</> : null}
        </p>
      ) : null}
      {v.status === 'withdrawn' ? (
        <p class="verify__revocation">{t('verify.withdrawnOn', { date: formatDay(v.withdrawn_on) })}</p>
      ) : (
        <p class="verify__holder">
          <span class="verify__label">{t('verify.holder')}</span>
          <strong class="verify__holder-name">{v.holder && v.holder.name}</strong>
        </p>
      )}
      <h1 class="verify__title">{mc.title}</h1>
      {/* The checks come before the certified facts, as on the server-rendered page. */}
      <VerifyChecks checks={v.checks} />
      <dl class="verify__facts">
        <dt>{t('fields.eqfLevel')}</dt>
        <dd>{eqfExplained(mc.eqf_level)}</dd>
        <dt>{t('fields.workload')}</dt>
        <dd>{workloadShort(mc.workload_hours, mc.ects_credits)}</dd>
        <dt>{t('fields.issuer')}</dt>
        <dd>{issuer}</dd>
        {org ? (
          <>
            <dt>{t('fields.promotedBy')}</dt>
            <dd>{org.country ? t('organisation.withCountry', { name: org.name, country: countryName(org.country) }) : org.name}</dd>
          </>
        ) : null}
        {v.awarded_on ? <><dt>{t('fields.awardedOn')}</dt><dd><Day value={v.awarded_on} /></dd></> : null}
        <dt>{t('fields.issuedOn')}</dt>
        <dd><Day value={v.issued_on} /></dd>
        {v.valid_until_on ? (
          <>
            <dt>{t('fields.validUntil')}</dt>
            <dd><Day value={v.valid_until_on} /></dd>
          </>
        ) : null}
        <dt>{t('fields.certificateId')}</dt>
        <dd class="verify__id">{v.id}</dd>
      </dl>
      {mc.learning_outcomes && mc.learning_outcomes.length ? (
        <>
          <h2 class="verify__subtitle">{t('verify.outcomes')}</h2>
          <ol class="verify__outcomes">
            {mc.learning_outcomes.map((o, i) => <li key={i}>{o.statement}</li>)}
          </ol>
        </>
      ) : null}
    </>
  );
}

export function Verify({ params, ssrHtml }) {
  const { loading, data, error, retry } = useVerification(params.id);
  const status = data && STATUSES.has(data.status) ? data.status : null;
  const title = status
    ? (status === 'not_found' || !data.microcredential
      ? t(`status.${status}`)
      : t('verify.documentTitle', { status: t(`status.${status}`), title: data.microcredential.title }))
    : t('verify.title');
  useDocumentTitle(title);

  if (loading) {
    // The server's rendering of this page, while the same answer is fetched again.
    if (ssrHtml) return <div class="ssr-placeholder" dangerouslySetInnerHTML={{ __html: ssrHtml }} />;
    return <main id="main" class="verify" tabIndex={-1}><Loading /></main>;
  }
  if (!status) {
    return (
      <main id="main" class="verify" tabIndex={-1}>
        <h1 class="verify__title">{t('verify.title')}</h1>
        <Alert>{error ? errorMessage(error) : t('errors.generic')}</Alert>
        <p><button type="button" class="button" onClick={retry}>{t('verify.retry')}</button></p>
      </main>
    );
  }
  return (
    <main id="main" class={`verify verify--${status}`} tabIndex={-1}>
      <Status status={status} />
      {status === 'not_found' ? <NotFoundResult id={params.id} /> : <Result v={data} />}
    </main>
  );
}
