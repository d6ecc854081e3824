import { useEffect, useState } from 'preact/hooks';
import { post } from '../../api.js';
import { t } from '../../i18n/index.js';
import { errorMessage } from '../../errors.js';
import { useApi } from '../../hooks.js';
import { Alert, ErrorAlert, Facts, Loading } from '../../components/common.jsx';
import { Field } from '../../components/Field.jsx';
import { countryName } from '../../format.js';
import { organisationTypeLabel } from '../../membership.js';
import { DashboardFrame } from './Frame.jsx';
import { ValidationQueues, ageText } from './ValidationQueues.jsx';

/** Reject or ask for information: a text that the applicant receives, then a send button. */
function MessageForm({ id, label, hint, submit, onSend, onCancel }) {
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const textarea = document.getElementById(id);
    if (textarea) textarea.focus();
  }, []);

  async function onSubmit(event) {
    event.preventDefault();
    if (!text.trim()) {
      setError(t('applications.messageMissing'));
      return;
    }
    setBusy(true);
    try {
      await onSend(text.trim());
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  return (
    <form class="decision-form" onSubmit={onSubmit} noValidate>
      <Field as="textarea" id={id} label={label} hint={hint} rows={3} value={text}
        onInput={(e) => setText(e.currentTarget.value)} required error={error} />
      <div class="form__actions">
        <button type="submit" class="button" disabled={busy}>{submit}</button>
        <button type="button" class="button button--quiet" onClick={onCancel}>{t('applications.cancel')}</button>
      </div>
    </form>
  );
}

function ApplicationCard({ application, onDecided }) {
  const [mode, setMode] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/v1/applications/${application.id}`;

  async function approve() {
    setBusy(true);
    setError(null);
    try {
      await post(`${base}/approve`);
      onDecided(t('applications.approved', { name: application.name, contact: application.contact_name }));
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  async function reject(reason) {
    await post(`${base}/reject`, { reason });
    onDecided(t('applications.rejected', { name: application.name }));
  }

  async function requestInformation(message) {
    await post(`${base}/request-information`, { message });
    onDecided(t('applications.informationRequested', { name: application.name }));
  }

  const headingId = `application-${application.id}`;
  return (
    <li class="application">
      <article aria-labelledby={headingId}>
        <div class="application__head">
          <h2 id={headingId} class="application__name">{application.name}</h2>
          <span class="tag tag--age">{t('applications.waiting', { age: ageText(application.age_hours) })}</span>
          {application.status === 'info_requested'
            ? <span class="tag tag--info">{t('applications.infoRequested')}</span> : null}
        </div>
        <Facts rows={[
          [t('applications.type'), organisationTypeLabel(application.type)],
          [t('applications.country'), countryName(application.country)],
          [t('applications.city'), application.city],
          [t('applications.website'), application.website],
          [t('applications.contact'), application.contact_name
            ? `${application.contact_name} <${application.contact_email}>` : null],
          [t('applications.description'), application.description],
          [t('applications.motivation'), application.motivation],
          [t('applications.lastMessage'), application.decision_message],
        ]} />
        {error ? <Alert>{errorMessage(error)}</Alert> : null}
        {mode === 'reject' ? (
          <MessageForm id={`reject-${application.id}`} label={t('applications.reason')}
            hint={t('applications.reasonHint')} submit={t('applications.rejectSubmit')}
            onSend={reject} onCancel={() => setMode(null)} />
        ) : mode === 'information' ? (
          <MessageForm id={`information-${application.id}`} label={t('applications.message')}
            hint={t('applications.messageHint')} submit={t('applications.informationSubmit')}
            onSend={requestInformation} onCancel={() => setMode(null)} />
        ) : (
          <div class="form__actions">
            <button type="button" class="button" disabled={busy} onClick={approve}
              aria-label={t('applications.approveNamed', { name: application.name })}>
              {t('applications.approve')}
            </button>
            <button type="button" class="button button--secondary" onClick={() => setMode('information')}
              aria-label={t('applications.askNamed', { name: application.name })}>
              {t('applications.ask')}
            </button>
            <button type="button" class="button button--danger" onClick={() => setMode('reject')}
              aria-label={t('applications.rejectNamed', { name: application.name })}>
              {t('applications.reject')}
            </button>
          </div>
        )}
      </article>
    </li>
  );
}

/**
 * The work queues: micro-credential versions that wait for validation, then confirmed
 * applications that wait for a decision, each the oldest first.
 */
function Queue() {
  const queue = useApi('/api/v1/dashboard/queues');
  const details = useApi('/api/v1/applications');
  const [notice, setNotice] = useState(null);

  function decided(text) {
    setNotice(text);
    queue.reload();
    details.reload();
  }

  const error = queue.error || details.error;
  if (error) return <ErrorAlert error={error} />;
  if (!queue.data || !details.data) return <Loading />;

  const byId = new Map(details.data.items.map((a) => [a.id, a]));
  const items = queue.data.applications.items.map((q) => ({ ...(byId.get(q.id) || {}), ...q }));
  return (
    <>
      <ValidationQueues queues={queue.data.microcredentials} />
      <section aria-labelledby="application-queue">
        <h2 id="application-queue">{t('applications.queueTitle')}</h2>
        <p class="notice" role="status">{notice}</p>
        <p class="result-count">{t('applications.count', { count: items.length })}</p>
        <ul class="applications">
          {items.map((a) => <ApplicationCard key={a.id} application={a} onDecided={decided} />)}
        </ul>
      </section>
    </>
  );
}

export function DashboardApplications({ loc }) {
  return (
    <DashboardFrame loc={loc} section="applications">
      {() => <Queue />}
    </DashboardFrame>
  );
}
