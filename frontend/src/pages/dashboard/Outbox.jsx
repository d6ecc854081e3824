import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { withQuery } from '../../api.js';
import { has, t } from '../../i18n/index.js';
import { useApi } from '../../hooks.js';
import { navigate } from '../../router.jsx';
import { Alert, ErrorAlert, Loading, Pager } from '../../components/common.jsx';
import { formatDateTime } from '../../format.js';
import { DashboardFrame } from './Frame.jsx';

const FILTERS = ['recipient', 'kind', 'status'];

/** The kinds of e-mail that the server writes, as stored in email_outbox.kind. */
const KINDS = [
  'invitation', 'password_reset', 'application_confirmation', 'application_waiting', 'application_rejected',
  'application_information', 'organisation_status', 'registration', 'account_exists', 'certificate_issued',
];

/** Returns an e-mail kind in words, or its code when the catalogue has no words for it. */
function kindLabel(kind) {
  return has(`outbox.kinds.${kind}`) ? t(`outbox.kinds.${kind}`) : kind;
}

function readFilters(search) {
  const params = new URLSearchParams(search);
  const filters = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) || '']));
  const page = Number.parseInt(params.get('page') || '1', 10);
  return { filters, page: page > 0 ? page : 1 };
}

function OutboxFilters({ filters }) {
  const [values, setValues] = useState(filters);
  useEffect(() => setValues(filters), [JSON.stringify(filters)]);
  const change = (name) => (e) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [name]: value }));
  };
  return (
    <form class="filters" aria-label={t('outbox.filtersLabel')}
      onSubmit={(e) => { e.preventDefault(); navigate(withQuery('/dashboard/outbox', values)); }}>
      <div class="filters__item">
        <label for="outbox-recipient">{t('outbox.recipient')}</label>
        <input id="outbox-recipient" class="field__control" type="email" value={values.recipient}
          onInput={change('recipient')} spellcheck={false} />
      </div>
      <div class="filters__item">
        <label for="outbox-kind">{t('outbox.kind')}</label>
        <select id="outbox-kind" class="field__control" value={values.kind} onChange={change('kind')}>
          <option value="">{t('outbox.anyKind')}</option>
          {KINDS.map((kind) => <option key={kind} value={kind}>{kindLabel(kind)}</option>)}
          {values.kind && !KINDS.includes(values.kind) ? <option value={values.kind}>{values.kind}</option> : null}
        </select>
      </div>
      <div class="filters__item">
        <label for="outbox-status">{t('outbox.status')}</label>
        <select id="outbox-status" class="field__control" value={values.status} onChange={change('status')}>
          <option value="">{t('outbox.anyStatus')}</option>
          <option value="pending">{t('outbox.statuses.pending')}</option>
          <option value="sent">{t('outbox.statuses.sent')}</option>
        </select>
      </div>
      <div class="filters__item filters__item--actions">
        <button type="submit" class="button">{t('outbox.apply')}</button>
      </div>
    </form>
  );
}

/**
 * When a message was written, and when it went out or, while a mail program is configured, when
 * it is tried next: date and time in the alliance's time zone.
 */
function MessageTimes({ message, timeZone, deliveryEnabled }) {
  const times = [['outbox.createdAt', message.created_at]];
  if (message.status === 'sent') times.push(['outbox.sentAt', message.sent_at]);
  else if (deliveryEnabled) times.push(['outbox.nextAttempt', message.next_attempt_at]);
  return (
    <span class="message__times">
      {times.filter(([, at]) => at).map(([key, at], i) => (
        <Fragment key={key}>
          {i ? t('common.separator') : null}
          <time dateTime={at}>{t(key, { time: formatDateTime(at, timeZone) })}</time>
        </Fragment>
      ))}
    </span>
  );
}

function Messages({ filters, page }) {
  const { data, error, loading } = useApi(withQuery('/api/v1/outbox', { ...filters, page }));
  if (error) return <ErrorAlert error={error} />;
  if (loading && !data) return <Loading />;
  return (
    <>
      {data.delivery_enabled ? null : <Alert kind="info">{t('outbox.deliveryDisabled')}</Alert>}
      <p class="result-count">{t('outbox.count', { count: data.total })}</p>
      <ul class="messages">
        {data.items.map((m) => (
          <li key={m.id} class="message">
            <details>
              <summary>
                <span class="message__subject">{m.subject}</span>
                <span class="message__meta">
                  {t('outbox.meta', { recipient: m.recipient, kind: kindLabel(m.kind), status: t(`outbox.statuses.${m.status}`) })}
                </span>
                <MessageTimes message={m} timeZone={data.time_zone} deliveryEnabled={data.delivery_enabled} />
              </summary>
              <pre class="message__body">{m.body}</pre>
              {m.last_error ? <p class="field__error">{t('outbox.lastError', { error: m.last_error })}</p> : null}
            </details>
          </li>
        ))}
      </ul>
      <Pager page={data.page} perPage={data.per_page} total={data.total}
        hrefFor={(p) => withQuery('/dashboard/outbox', { ...filters, page: p > 1 ? p : '' })} />
    </>
  );
}

export function DashboardOutbox({ loc }) {
  const { filters, page } = readFilters(loc.search);
  return (
    <DashboardFrame loc={loc} section="outbox">
      {() => (
        <>
          <p>{t('outbox.intro')}</p>
          <OutboxFilters filters={filters} />
          <Messages filters={filters} page={page} />
        </>
      )}
    </DashboardFrame>
  );
}
