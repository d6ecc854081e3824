import { useEffect, useRef, useState } from 'preact/hooks';
import { post, withQuery } from '../../api.js';
import { t } from '../../i18n/index.js';
import { formErrors } from '../../errors.js';
import { Link } from '../../router.jsx';
import { Alert } from '../../components/common.jsx';
import { Field, focusFirstInvalid } from '../../components/Field.jsx';
import { UsersManager } from '../../components/UsersManager.jsx';
import { AuditTable } from './Audit.jsx';
import { DashboardFrame } from './Frame.jsx';
import { OrganisationStatus } from './Members.jsx';

const TARGET_STATUSES = ['active', 'suspended', 'left'];

/** Changes an organisation's status; the reason is required and goes into the audit log. */
function StatusForm({ organisation, onChanged }) {
  const choices = TARGET_STATUSES.filter((s) => s !== organisation.status);
  const [status, setStatus] = useState(choices[0]);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState({ fields: {}, page: null });
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  useEffect(() => focusFirstInvalid(form.current), [errors]);

  async function onSubmit(event) {
    event.preventDefault();
    if (!reason.trim()) {
      setErrors({ fields: { reason: t('dashboardOrganisation.reasonMissing') }, page: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, page: null });
    try {
      await post(`/api/v1/organisations/${organisation.id}/status`, { status, reason: reason.trim() });
      setReason('');
      onChanged(status);
    } catch (e) {
      setErrors(formErrors(e, ['status', 'reason']));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel" aria-labelledby="status-title">
      <h2 id="status-title">{t('dashboardOrganisation.statusTitle')}</h2>
      <p>{t('dashboardOrganisation.statusIntro')}</p>
      <Alert>{errors.page}</Alert>
      <form ref={form} class="form" onSubmit={onSubmit} noValidate>
        <Field as="select" id="status-new" label={t('dashboardOrganisation.newStatus')} value={status}
          onChange={(e) => setStatus(e.currentTarget.value)} required error={errors.fields.status}>
          {choices.map((s) => <option key={s} value={s}>{t(`organisationStatus.${s}`)}</option>)}
        </Field>
        <Field as="textarea" id="status-reason" label={t('dashboardOrganisation.reason')} rows={3} value={reason}
          onInput={(e) => setReason(e.currentTarget.value)} required error={errors.fields.reason} />
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>{t('dashboardOrganisation.changeStatus')}</button>
        </div>
      </form>
    </section>
  );
}

function OrganisationView({ id }) {
  const [organisation, setOrganisation] = useState(null);
  const [round, setRound] = useState(0);
  const [notice, setNotice] = useState(null);

  return (
    <>
      {organisation ? (
        <div class="org-summary">
          <h2 class="org-summary__name">{organisation.name}</h2>
          <OrganisationStatus status={organisation.status} />
        </div>
      ) : null}
      <p class="notice" role="status">{notice}</p>
      {organisation && organisation.status !== 'applicant' ? (
        <StatusForm
          key={`${organisation.status}-${round}`}
          organisation={organisation}
          onChanged={(status) => {
            setNotice(t('dashboardOrganisation.statusChanged', { status: t(`organisationStatus.${status}`) }));
            setRound((n) => n + 1);
          }}
        />
      ) : null}
      <h2>{t('dashboardOrganisation.users')}</h2>
      <UsersManager key={round} organisationId={id} onLoaded={setOrganisation} />
      <h2>{t('dashboardOrganisation.activity')}</h2>
      <p>
        <Link href={withQuery('/dashboard/audit', { organisation: id })}>{t('dashboardOrganisation.fullAudit')}</Link>
      </p>
      <AuditTable key={`audit-${round}`} filters={{ organisation: id }} compact />
    </>
  );
}

export function DashboardOrganisation({ loc, params }) {
  return (
    <DashboardFrame loc={loc} section="members" title={t('dashboardOrganisation.title')}>
      {() => <OrganisationView id={params.id} />}
    </DashboardFrame>
  );
}
