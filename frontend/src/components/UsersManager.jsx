import { useEffect, useRef, useState } from 'preact/hooks';
import { del, post, put } from '../api.js';
import { t } from '../i18n/index.js';
import { errorMessage, formErrors } from '../errors.js';
import { useApi } from '../hooks.js';
import { useSession } from '../session.js';
import { ORGANISATION_ROLES } from '../membership.js';
import { Alert, ErrorAlert, Loading } from './common.jsx';
import { Field, focusFirstInvalid } from './Field.jsx';

const INVITE_FIELDS = ['name', 'email', 'role'];

function InviteForm({ organisationId, onInvited }) {
  const [values, setValues] = useState({ name: '', email: '', role: 'issuer' });
  const [errors, setErrors] = useState({ fields: {}, page: null });
  const [busy, setBusy] = useState(false);
  const form = useRef(null);

  useEffect(() => focusFirstInvalid(form.current), [errors]);

  const change = (name) => (e) => {
    const value = e.currentTarget.value;
    setValues((v) => ({ ...v, [name]: value }));
  };

  async function onSubmit(event) {
    event.preventDefault();
    const missing = {};
    if (!values.name.trim()) missing.name = t('users.nameMissing');
    if (!values.email.trim()) missing.email = t('users.emailMissing');
    if (Object.keys(missing).length) {
      setErrors({ fields: missing, page: null });
      return;
    }
    setBusy(true);
    setErrors({ fields: {}, page: null });
    try {
      const body = { name: values.name.trim(), email: values.email.trim(), role: values.role };
      await post(`/api/v1/organisations/${organisationId}/users`, body);
      setValues({ name: '', email: '', role: values.role });
      onInvited(body);
    } catch (e) {
      setErrors(formErrors(e, INVITE_FIELDS));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel" aria-labelledby="invite-title">
      <h2 id="invite-title">{t('users.inviteTitle')}</h2>
      <p>{t('users.inviteIntro')}</p>
      <Alert>{errors.page}</Alert>
      <form ref={form} class="form" onSubmit={onSubmit} noValidate>
        <Field id="invite-name" label={t('users.name')} value={values.name} onInput={change('name')}
          autoComplete="off" required error={errors.fields.name} />
        <Field id="invite-email" type="email" label={t('users.email')} value={values.email}
          onInput={change('email')} autoComplete="off" spellcheck={false} required error={errors.fields.email} />
        <Field as="select" id="invite-role" label={t('users.role')} value={values.role} onChange={change('role')}
          required error={errors.fields.role}>
          {ORGANISATION_ROLES.map((role) => <option key={role} value={role}>{t(`roles.${role}`)}</option>)}
        </Field>
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>{t('users.invite')}</button>
        </div>
      </form>
    </section>
  );
}

function UserRow({ organisationId, member, isSelf, onChanged, onError }) {
  const [role, setRole] = useState(member.role);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const path = `/api/v1/organisations/${organisationId}/users/${member.id}`;

  async function run(action, doneText) {
    setBusy(true);
    try {
      await action();
      onChanged(doneText);
    } catch (e) {
      onError(e);
      setBusy(false);
    }
  }

  const changeRole = () => run(() => put(path, { role }),
    t('users.roleChanged', { name: member.name, role: t(`roles.${role}`) }));
  const remove = () => run(() => del(path), t('users.removed', { name: member.name }));

  return (
    <tr>
      <th scope="row" data-label={t('users.name')}>
        {member.name}
        {isSelf ? <span class="muted"> {t('users.you')}</span> : null}
      </th>
      <td data-label={t('users.email')} class="break">{member.email}</td>
      <td data-label={t('users.state')}>
        <span class={`tag tag--${member.state}`}>{t(`users.states.${member.state}`)}</span>
      </td>
      <td data-label={t('users.role')}>
        {isSelf ? t(`roles.${member.role}`) : (
          <div class="inline-form">
            <label class="visually-hidden" for={`role-${member.id}`}>{t('users.roleOf', { name: member.name })}</label>
            <select id={`role-${member.id}`} class="field__control field__control--compact" value={role}
              onChange={(e) => setRole(e.currentTarget.value)}>
              {ORGANISATION_ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
            </select>
            <button type="button" class="button button--quiet" disabled={busy || role === member.role}
              onClick={changeRole} aria-label={t('users.changeRoleOf', { name: member.name })}>
              {t('users.changeRole')}
            </button>
          </div>
        )}
      </td>
      <td data-label={t('users.actions')}>
        {isSelf ? null : confirming ? (
          <div class="inline-form">
            <button type="button" class="button button--danger" disabled={busy} onClick={remove}>
              {t('users.confirmRemove', { name: member.name })}
            </button>
            <button type="button" class="button button--quiet" onClick={() => setConfirming(false)}>
              {t('users.cancel')}
            </button>
          </div>
        ) : (
          <button type="button" class="button button--quiet" onClick={() => setConfirming(true)}
            aria-label={t('users.removeUser', { name: member.name })}>
            {t('users.remove')}
          </button>
        )}
      </td>
    </tr>
  );
}

/**
 * The accounts of one organisation: list, invite with a role, change a role and remove. Used by
 * the organisation administrator's page and by the coordinators' view of an organisation.
 * `onLoaded` receives the organisation {id, name, status} that the API returns with the list.
 */
export function UsersManager({ organisationId, onLoaded }) {
  const { user } = useSession();
  const { data, error, loading, reload } = useApi(`/api/v1/organisations/${encodeURIComponent(organisationId)}/users`);
  const [notice, setNotice] = useState(null);
  const [actionError, setActionError] = useState(null);

  useEffect(() => {
    if (data && onLoaded) onLoaded(data.organisation);
  }, [data]);

  function changed(text) {
    setActionError(null);
    setNotice(text);
    reload();
  }

  if (error) return <ErrorAlert error={error} />;
  if (loading && !data) return <Loading />;
  const items = data.items || [];
  return (
    <>
      <p class="notice" role="status">{notice}</p>
      {actionError ? <Alert>{errorMessage(actionError)}</Alert> : null}
      <table class="table">
        <caption class="table__caption">{t('users.caption', { count: items.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('users.name')}</th>
            <th scope="col">{t('users.email')}</th>
            <th scope="col">{t('users.state')}</th>
            <th scope="col">{t('users.role')}</th>
            <th scope="col">{t('users.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((member) => (
            <UserRow
              key={`${member.id}-${member.role}`}
              organisationId={organisationId}
              member={member}
              isSelf={!!user && user.id === member.id}
              onChanged={changed}
              onError={(e) => { setNotice(null); setActionError(e); }}
            />
          ))}
        </tbody>
      </table>
      <InviteForm
        organisationId={organisationId}
        onInvited={(body) => changed(t('users.invited', { name: body.name, email: body.email }))}
      />
    </>
  );
}
