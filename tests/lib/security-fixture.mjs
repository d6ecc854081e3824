// The fixture `fx` that tests/api/security-expectations.mjs builds its requests from, shared by the
// authorisation matrix and the hostile-input tests. Every object belongs to the organisation that
// promotes the demo micro-credential INSULATION_TITLE (fx.microcredential.organisationShortName,
// "own" in the matrix), unless its name says otherwise.
//
// Objects that many calls can share are made once, on first use (the `shared...` helpers), so a
// test file pays only for the routes it calls. The `new...` helpers make a fresh object per call,
// for transitions that succeed only once.
import {
  Client,
  INSULATION_TITLE,
  certificateRowsWith,
  createUser,
  demoMicrocredential,
  issueCertificate,
  organisationId,
  otherOrganisationShortName,
  QUALITY_CRITERIA,
  randomToken,
  signedInClient,
  sql,
  sqlString,
  sqlValue,
  uniqueEmail,
} from './stack.mjs';

/** A 1x1 PNG image, a valid organisation logo. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Returns the six criteria of a reviewer's checklist, all passed. */
export function passedChecklist() {
  return QUALITY_CRITERIA.map((criterion) => ({ criterion, result: 'pass', comment: 'Fine' }));
}

/** Content that passes the submission check, with one learning outcome; the title carries marker. */
function completeContent(marker) {
  return {
    title: `Security fixture course ${marker}`,
    summary: 'Learners seal joints between timber-frame wall panels against air leaks.',
    learning_outcomes: [{ statement: 'Seal panel joints with tape and membranes.', esco_skills: [] }],
    eqf_level: 3,
    workload_hours: 10,
    assessment_type: 'Online test',
    participation_form: 'online',
    quality_assurance: 'Internal quality assurance of the promoting organisation',
    language: 'en',
    delivery_languages: ['en'],
  };
}

/** Returns a true-or-false question on the first learning outcome, with marker in its prompt. */
export function trueFalseQuestion(marker) {
  return {
    type: 'true_false',
    prompt: `Is airtight tape applied to dry surfaces? ${marker}`,
    correct: true,
    outcomes: [0],
    explanation: 'Tape does not stick to wet timber.',
  };
}

/** Throws unless response has the status expected, with the response text as the message. */
function expectStatus(response, expected, what) {
  if (!expected.includes(response.status)) {
    throw new Error(`security fixture: ${what} returned ${response.status}: ${response.text.slice(0, 300)}`);
  }
  return response.json;
}

/** Returns a function that runs make once and returns its promise on every call. */
function once(make) {
  let promise = null;
  return () => {
    promise = promise || make();
    return promise;
  };
}

/** Extracts the token of the first link to page (`/page?token=...`) in an e-mail body. */
function linkToken(text, page) {
  const match = new RegExp(`/${page}\\?token=([A-Za-z0-9_-]+)`).exec(text);
  if (!match) throw new Error(`security fixture: no /${page} link in ${text}`);
  return match[1];
}

/** Returns the body of the newest outbox message of kind to recipient. */
async function newestMail(recipient, kind) {
  const rows = await sql(
    `SELECT HEX(body) FROM email_outbox WHERE recipient = ${sqlString(recipient)} AND kind = ${sqlString(kind)} ORDER BY id DESC LIMIT 1`,
  );
  if (rows.length !== 1) throw new Error(`security fixture: no ${kind} e-mail to ${recipient}`);
  return Buffer.from(rows[0][0], 'hex').toString('utf8');
}

/** Builds the fixture; markerPrefix names the test file in the data it creates. */
export async function createSecurityFixture(markerPrefix) {
  const microcredential = await demoMicrocredential(INSULATION_TITLE);
  const own = microcredential.organisationShortName;
  const other = otherOrganisationShortName(microcredential);
  const ownOrganisationId = await organisationId(own);
  const coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
  const fx = {};

  // Accounts the fixture acts with, besides the callers of the tests.
  const editorAccount = once(() => createUser({ role: 'editor', organisationShortName: own }));
  const editor = once(async () => signedInClient(await editorAccount()));
  // Reviewers from a sector organisation and from a university, so that two of them make a valid panel.
  const sectorReviewer = once(async () => {
    const account = await createUser({ role: 'reviewer', organisationShortName: 'HCS' });
    return { account, client: await signedInClient(account) };
  });
  const universityReviewer = once(async () => {
    const account = await createUser({ role: 'reviewer', organisationShortName: 'UAVR' });
    return { account, client: await signedInClient(account) };
  });

  /** Creates a complete draft of the own organisation and returns its id. */
  async function newDraft() {
    const created = await (await editor()).post('/api/v1/microcredentials', completeContent(fx.marker()));
    return expectStatus(created, [201], 'creating a draft').id;
  }

  async function newSubmitted() {
    const id = await newDraft();
    expectStatus(await (await editor()).post(`/api/v1/microcredentials/${id}/submit`), [200], 'submitting a draft');
    return id;
  }

  /** A version in review by the sector reviewer and by reviewerAccount (default: the university reviewer). */
  async function newInReview(reviewerAccount) {
    const id = await newSubmitted();
    const second = reviewerAccount || (await universityReviewer()).account;
    const assigned = await coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, {
      reviewer_ids: [(await sectorReviewer()).account.id, second.id],
    });
    expectStatus(assigned, [200], 'assigning reviewers');
    return id;
  }

  /** A version in review that both assigned reviewers have reviewed, ready for approval. */
  async function newReviewed() {
    const id = await newInReview();
    for (const reviewer of [await sectorReviewer(), await universityReviewer()]) {
      const review = await reviewer.client.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
        json: { checklist: passedChecklist(), recommendation: 'approve' },
        csrf: true,
      });
      expectStatus(review, [200], 'reviewing');
    }
    return id;
  }

  async function newApproved() {
    const id = await newReviewed();
    expectStatus(await coordinator.post(`/api/v1/microcredentials/${id}/approve`), [200], 'approving');
    return id;
  }

  async function newPublished() {
    const id = await newApproved();
    expectStatus(await coordinator.post(`/api/v1/microcredentials/${id}/publish`), [200], 'publishing');
    return id;
  }

  /**
   * Creates a draft of the own organisation with an online assessment that any learner may retake
   * at once (50 attempts, no wait) and one question per learning outcome, and returns its id.
   * Editors change the assessment of a version only while it is a draft.
   */
  async function newDraftWithAssessment() {
    const id = await newDraft();
    const rules = await (await editor()).request('PUT', `/api/v1/microcredentials/${id}/assessment`, {
      json: { questions_per_outcome: 1, time_limit_minutes: 600, pass_mark_percent: 100, max_attempts: 50, wait_minutes: 0 },
      csrf: true,
    });
    expectStatus(rules, [200], 'setting assessment rules');
    const question = await (await editor()).post(`/api/v1/microcredentials/${id}/assessment/questions`, trueFalseQuestion('fixture'));
    expectStatus(question, [201], 'adding a question');
    return id;
  }

  /** Runs draft id through submission, review, approval and publication. */
  async function publishDraft(id) {
    expectStatus(await (await editor()).post(`/api/v1/microcredentials/${id}/submit`), [200], 'submitting a draft');
    const assigned = await coordinator.post(`/api/v1/microcredentials/${id}/reviewers`, {
      reviewer_ids: [(await sectorReviewer()).account.id, (await universityReviewer()).account.id],
    });
    expectStatus(assigned, [200], 'assigning reviewers');
    for (const reviewer of [await sectorReviewer(), await universityReviewer()]) {
      const review = await reviewer.client.request('PUT', `/api/v1/microcredentials/${id}/reviews/mine`, {
        json: { checklist: passedChecklist(), recommendation: 'approve' },
        csrf: true,
      });
      expectStatus(review, [200], 'reviewing');
    }
    expectStatus(await coordinator.post(`/api/v1/microcredentials/${id}/approve`), [200], 'approving');
    expectStatus(await coordinator.post(`/api/v1/microcredentials/${id}/publish`), [200], 'publishing');
    return id;
  }

  // Learners take `assessed`, a published version with its assessment; editors change `authored`,
  // a draft, because the assessment of a published version never changes.
  const assessed = once(async () => publishDraft(await newDraftWithAssessment()));
  const authored = once(newDraftWithAssessment);

  /** Starts, or resumes, an attempt of the learner account at the assessed micro-credential. */
  async function attemptOf(account) {
    const learner = await signedInClient(account);
    const started = await learner.post(`/api/v1/microcredentials/${await assessed()}/attempts`, undefined);
    return expectStatus(started, [200, 201], 'starting an attempt');
  }

  /** Invites a user to the own organisation and returns {email, token} of the invitation link. */
  async function newInvitation() {
    const email = uniqueEmail(`${markerPrefix}-invited`);
    const invited = await coordinator.post(`/api/v1/organisations/${ownOrganisationId}/users`, {
      email,
      name: 'Invited Person',
      role: 'editor',
    });
    expectStatus(invited, [201], 'inviting a user');
    return { email, token: linkToken(await newestMail(email, 'invitation'), 'account/password') };
  }

  /** Submits an application to join and returns {id, name, token} of its confirmation link. */
  async function newApplication() {
    const marker = fx.marker();
    const fields = {
      name: `Security Fixture School ${marker}`,
      type: 'vet_provider',
      country: 'PT',
      contact_name: `Contact ${marker}`,
      contact_email: uniqueEmail(`${markerPrefix}-contact`),
      motivation: 'We train carpenters.',
      charter_accepted: true,
    };
    const created = expectStatus(await new Client().post('/api/v1/applications', fields), [201], 'applying');
    const token = linkToken(await newestMail(fields.contact_email, 'application_confirmation'), 'join/confirm');
    return { id: created.id, name: fields.name, token };
  }

  async function newConfirmedApplication() {
    const application = await newApplication();
    const confirmed = await new Client().post('/api/v1/applications/confirm', { token: application.token });
    expectStatus(confirmed, [200], 'confirming an application');
    return application.id;
  }

  /** Fetches, once, the credential JSON of the shared certificate, as a verifier would upload it. */
  const sharedCredential = once(async () => {
    const response = await new Client().get(`/api/v1/verify/${await fx.sharedCertificate()}/credential.json`);
    if (response.status !== 200) throw new Error(`security fixture: credential.json returned ${response.status}`);
    return JSON.parse(response.text);
  });

  let sharedCertificate = null;
  Object.assign(fx, {
    microcredential,
    organisations: { own, other },
    ownOrganisationId,
    spareAccount: await createUser({ role: 'learner' }),
    marker: () => `${markerPrefix}-${randomToken(10)}`,
    sql,
    sqlValue,
    certificateRowsWith,
    coordinator,
    newCertificate: async () => (await issueCertificate(coordinator, { microcredential_id: microcredential.id })).id,
    /** Issues a certificate whose holder e-mail is the account's, so it is in that learner's wallet. */
    newCertificateFor: async (account) =>
      (await issueCertificate(coordinator, { microcredential_id: microcredential.id, holder_email: account.email })).id,
    /** Registers a new learner with password, confirms the address and tells whether it signs in. */
    registerConfirmSignIn: async (password) => {
      const email = uniqueEmail(`${markerPrefix}-password`);
      const registered = await new Client().post('/api/v1/registrations',
        { name: 'Fixture Learner', email, password }, { csrf: false });
      if (registered.status !== 202) return false;
      const token = linkToken(await newestMail(email, 'registration'), 'register/confirm');
      expectStatus(await new Client().post('/api/v1/registrations/confirm', { token }, { csrf: false }), [200], 'confirming a registration');
      return (await new Client().signIn(email, password)).status === 200;
    },
    /** Registers a new learner and returns the token of the confirmation link e-mailed to them. */
    newRegistrationToken: async () => {
      const email = uniqueEmail(`${markerPrefix}-registered`);
      const registered = await new Client().post('/api/v1/registrations',
        { name: 'Fixture Learner', email, password: 'a long enough password' }, { csrf: false });
      expectStatus(registered, [202], 'registering a learner');
      return linkToken(await newestMail(email, 'registration'), 'register/confirm');
    },
    sharedCertificate: async () => {
      sharedCertificate = sharedCertificate || fx.newCertificate();
      return sharedCertificate;
    },
    sharedCredential,
    /** Queues a one-row bulk issuing job for the own organisation's micro-credential; returns its id. */
    sharedBulkJob: once(async () => {
      const response = await coordinator.request('POST', `/api/v1/bulk-issues?microcredential_id=${microcredential.id}`, {
        body: `holder_name,email\nBulk Fixture,${fx.marker()}@example.org\n`,
        headers: { 'Content-Type': 'text/csv' },
        csrf: true,
      });
      return expectStatus(response, [202], 'queueing a bulk issuing job').id;
    }),
    newDraft,
    sharedDraft: once(newDraft),
    newSubmitted,
    newInReview,
    newReviewed,
    newApproved,
    /** Ids of two reviewers that form a valid panel: one from a sector organisation. */
    reviewerIds: async () => [(await sectorReviewer()).account.id, (await universityReviewer()).account.id],
    passedChecklist,
    trueFalseQuestion,
    PNG_1X1,
    newPublished,
    assessed,
    authored,
    /** Adds a question to the bank of the authored draft and returns its id. */
    newQuestion: async () => {
      const created = await (await editor()).post(`/api/v1/microcredentials/${await authored()}/assessment/questions`, trueFalseQuestion(fx.marker()));
      return expectStatus(created, [201], 'adding a question').id;
    },
    attemptOf,
    /** Creates an account of the own organisation and returns {id, email, password, ...}. */
    newOrganisationUser: (role = 'editor') => createUser({ role, organisationShortName: own }),
    /** Creates an active member organisation, outside the demo data, and returns its id. */
    newOrganisation: async () => {
      const name = `Security Fixture Member ${fx.marker()}`;
      await sql(`INSERT INTO organisations (name, type, country, status) VALUES (${sqlString(name)}, 'company', 'PT', 'active')`);
      return Number(await sqlValue(`SELECT id FROM organisations WHERE name = ${sqlString(name)}`));
    },
    /** Gives the own organisation a logo, so that reading it succeeds. */
    sharedLogo: once(async () => {
      const stored = await coordinator.request('PUT', `/api/v1/organisations/${ownOrganisationId}/logo`, {
        body: PNG_1X1,
        headers: { 'Content-Type': 'image/png' },
        csrf: true,
      });
      expectStatus(stored, [200], 'uploading a logo');
    }),
    newInvitation,
    newApplication,
    newConfirmedApplication,
  });
  return fx;
}
