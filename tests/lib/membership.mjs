// Helpers for the membership end-to-end suites: the links inside e-mail messages, read from the
// outbox as a coordinator reads them, and organisations made through the joining API.
import assert from 'node:assert/strict';

import { Client, randomToken, uniqueEmail } from './stack.mjs';

/** Returns the outbox messages to recipient, newest first, read by the signed-in coordinator Client. */
export async function outboxFor(coordinator, recipient) {
  const response = await coordinator.get(`/api/v1/outbox?recipient=${encodeURIComponent(recipient)}`);
  assert.equal(response.status, 200, response.text);
  return response.json.items;
}

/** Returns the newest message of `kind` to recipient; fails when there is none. */
export async function latestMessage(coordinator, recipient, kind) {
  const message = (await outboxFor(coordinator, recipient)).find((m) => m.kind === kind);
  assert.ok(message, `no ${kind} message to ${recipient} in the outbox`);
  return message;
}

/** Returns the first absolute link to `page` (such as "join/confirm") in an e-mail body. */
export function linkIn(body, page) {
  const match = new RegExp(`https?://[^\\s]+/${page}\\?token=[A-Za-z0-9_-]+`).exec(body);
  assert.ok(match, `no /${page} link in: ${body}`);
  return match[0];
}

/** Application fields with a unique organisation name and contact address. */
export function applicationFields(overrides = {}) {
  const marker = randomToken(6);
  return {
    name: `Atelier Bois ${marker}`,
    type: 'vet_provider',
    country: 'FR',
    city: 'Épinal',
    contact_name: `Léa Fournier ${marker}`,
    contact_email: uniqueEmail('contact'),
    motivation: 'We train joiners and cabinet makers and want to promote micro-credentials.',
    charter_accepted: true,
    ...overrides,
  };
}

/**
 * Applies, confirms and approves an organisation through the API. Returns {organisationId,
 * applicationId, fields}. The contact person's invitation stays unused.
 */
export async function approvedOrganisation(coordinator, overrides = {}) {
  const fields = applicationFields(overrides);
  const created = await new Client().post('/api/v1/applications', fields);
  assert.equal(created.status, 201, created.text);
  const confirmation = await latestMessage(coordinator, fields.contact_email, 'application_confirmation');
  const token = new URL(linkIn(confirmation.body, 'join/confirm')).searchParams.get('token');
  const confirmed = await new Client().post('/api/v1/applications/confirm', { token });
  assert.equal(confirmed.status, 200, confirmed.text);
  const approved = await coordinator.post(`/api/v1/applications/${created.json.id}/approve`);
  assert.equal(approved.status, 200, approved.text);
  return { organisationId: approved.json.organisation_id, applicationId: created.json.id, fields };
}
