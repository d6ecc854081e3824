// Open Badges 3.0 JSON Schema checks of what MIC publishes: the Achievement export of a
// micro-credential and the signed OpenBadgeCredential of an issued certificate. Both are
// validated against tests/schemas/*.schema.json with ajv's class for draft 2019-09, the draft that
// 1EdTech's published schema declares, and with the formats of ajv-formats. Each mutation case
// changes one property of a real document and expects the schema to reject it at that property.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';

import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

import {
  Client,
  INSULATION_TITLE,
  baseUrl,
  createUser,
  demoMicrocredential,
  issueCertificate,
  microcredentialId,
  signedInClient,
} from '../lib/stack.mjs';

function readSchema(name) {
  return JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8'));
}

const achievementSchema = readSchema('ob3-achievement.schema.json');
const credentialSchema = readSchema('ob3-achievementcredential.schema.json');

// Strict mode rejects unknown keywords and formats, so a misspelt constraint cannot pass silently.
// strictTypes and strictRequired stay off because the schemas put contains, required and anyOf in
// subschemas that inherit their type and properties from the parent, as draft 2019-09 allows.
// strictTuples stays off because @context fixes its first two items and allows more after them.
const ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, strictTuples: false });
addFormats(ajv);
ajv.addSchema(achievementSchema);
const validateAchievement = ajv.getSchema(achievementSchema.$id);
const validateCredential = ajv.compile(credentialSchema);

function errorText(validate) {
  return JSON.stringify(validate.errors, null, 1);
}

/** Asserts that validate rejects document with at least one error at instancePath. */
function assertRejectedAt(validate, document, instancePath) {
  assert.equal(validate(document), false, `the schema accepted a document that is invalid at ${instancePath}`);
  const paths = validate.errors.map((e) => e.instancePath);
  assert.ok(paths.includes(instancePath), `no error at ${instancePath}; errors at ${JSON.stringify(paths)}`);
}

function findIndexOrFail(list, predicate, description) {
  const index = list.findIndex(predicate);
  assert.ok(index >= 0, `the document has no ${description}`);
  return index;
}

// Each case names the mutation, changes a copy of the real export and gives the instancePath of
// the property that must be reported.
const ACHIEVEMENT_CASES = [
  ['missing name', (a) => delete a.name, ''],
  ['empty name', (a) => { a.name = ''; }, '/name'],
  ['missing criteria', (a) => delete a.criteria, ''],
  ['criteria without id or narrative', (a) => { a.criteria = {}; }, '/criteria'],
  ['type without Achievement', (a) => { a.type = ['Badge']; }, '/type'],
  ['unknown achievementType', (a) => { a.achievementType = 'Microcredential'; }, '/achievementType'],
  ['extension term without prefix', (a) => { a.achievementType = 'HabitatCredential'; }, '/achievementType'],
  ['unanchored extension term', (a) => { a.achievementType = 'my-ext:Habitat'; }, '/achievementType'],
  ['creditsAvailable as string', (a) => { a.creditsAvailable = '1.5'; }, '/creditsAvailable'],
  ['negative creditsAvailable', (a) => { a.creditsAvailable = -1; }, '/creditsAvailable'],
  ['inLanguage in capitals', (a) => { a.inLanguage = 'EN'; }, '/inLanguage'],
  ['inLanguage as a name', (a) => { a.inLanguage = 'english'; }, '/inLanguage'],
  ['image as a plain URL', (a) => { a.image = 'https://mic.example/badge.png'; }, '/image'],
  ['image with unknown member', (a) => { a.image = { id: 'https://mic.example/b.png', type: 'Image', alt: 'x' }; }, '/image'],
  ['otherIdentifier without type', (a) => { a.otherIdentifier = [{ identifier: '42', identifierType: 'systemId' }]; }, '/otherIdentifier/0'],
  ['creator without id', (a) => delete a.creator.id, '/creator'],
  ['creator type without Profile', (a) => { a.creator.type = ['Organization']; }, '/creator/type'],
  ['country code as a name', (a) => { a.creator.address.addressCountryCode = 'Spain'; }, '/creator/address/addressCountryCode'],
];

// The export sets targetType only on the alignments of ESCO skills, so these cases change the
// first of those.
const ALIGNMENT_CASES = [
  ['alignment targetType outside the vocabulary', (entry) => { entry.targetType = 'Competency'; }, 'targetType'],
  ['alignment targetUrl not a URI', (entry) => { entry.targetUrl = 'insulation worker'; }, 'targetUrl'],
  ['alignment without targetName', (entry) => delete entry.targetName, ''],
  ['alignment type without Alignment', (entry) => { entry.type = ['Competency']; }, 'type'],
];

const CREDENTIAL_CASES = [
  ['contexts in the wrong order', (c) => c['@context'].reverse(), '/@context/0'],
  ['VC 1.1 context', (c) => { c['@context'][0] = 'https://www.w3.org/2018/credentials/v1'; }, '/@context/0'],
  ['type without OpenBadgeCredential', (c) => { c.type = ['VerifiableCredential']; }, '/type'],
  ['type without VerifiableCredential', (c) => { c.type = ['OpenBadgeCredential']; }, '/type'],
  ['missing validFrom', (c) => delete c.validFrom, ''],
  ['validFrom as a date only', (c) => { c.validFrom = c.validFrom.slice(0, 10); }, '/validFrom'],
  ['missing name', (c) => delete c.name, ''],
  ['issuer without id', (c) => delete c.issuer.id, '/issuer'],
  ['subject with unknown member', (c) => { c.credentialSubject.email = 'ana@example.org'; }, '/credentialSubject'],
  ['subject without id or identifier', (c) => delete c.credentialSubject.identifier, '/credentialSubject'],
  ['identityType outside the vocabulary', (c) => { c.credentialSubject.identifier[0].identityType = 'fullName'; }, '/credentialSubject/identifier/0/identityType'],
  ['hashed identity that is no hash', (c) => { c.credentialSubject.identifier[1].identityHash = 'ana.schema@example.org'; }, '/credentialSubject/identifier/1/identityHash'],
  ['achievement without name', (c) => delete c.credentialSubject.achievement.name, '/credentialSubject/achievement'],
  ['achievement with string credits', (c) => { c.credentialSubject.achievement.creditsAvailable = '1.5'; }, '/credentialSubject/achievement/creditsAvailable'],
  ['credentialStatus without id', (c) => delete c.credentialStatus.id, '/credentialStatus'],
  ['proof without proofValue', (c) => delete c.proof.proofValue, '/proof'],
  ['proof for authentication', (c) => { c.proof.proofPurpose = 'authentication'; }, '/proof/proofPurpose'],
  ['credentialSchema without type', (c) => { c.credentialSchema = [{ id: 'https://mic.example/s.json' }]; }, '/credentialSchema/0'],
];

describe('OB 3.0 achievement schema', () => {
  let exported;

  before(async () => {
    const id = await microcredentialId(INSULATION_TITLE);
    const response = await new Client().get(`/api/v1/microcredentials/${id}/achievement.json`);
    assert.equal(response.status, 200, response.text);
    exported = response.json;
  });

  test('export matches achievement schema', () => {
    assert.equal(validateAchievement(exported), true, errorText(validateAchievement));
  });

  test('export uses the checked properties', () => {
    // The mutation cases below only prove something for properties that the export contains.
    for (const key of ['name', 'criteria', 'achievementType', 'creditsAvailable', 'inLanguage', 'alignment', 'creator']) {
      assert.ok(key in exported, `the export has no ${key}`);
    }
    assert.ok(exported.creator.address, 'the creator has an address');
  });

  test('extension achievementType accepted', () => {
    const extended = structuredClone(exported);
    extended.achievementType = 'ext:HabitatMicroCredential';
    assert.equal(validateAchievement(extended), true, errorText(validateAchievement));
  });

  for (const [name, mutate, instancePath] of ACHIEVEMENT_CASES) {
    test(`achievement rejects ${name}`, () => {
      const achievement = structuredClone(exported);
      mutate(achievement);
      assertRejectedAt(validateAchievement, achievement, instancePath);
    });
  }

  for (const [name, mutate, member] of ALIGNMENT_CASES) {
    test(`achievement rejects ${name}`, () => {
      const achievement = structuredClone(exported);
      const index = findIndexOrFail(achievement.alignment, (a) => a.targetType, 'alignment with a targetType');
      mutate(achievement.alignment[index]);
      const path = `/alignment/${index}${member ? `/${member}` : ''}`;
      assertRejectedAt(validateAchievement, achievement, path);
    });
  }
});

describe('OB 3.0 credential schema', () => {
  let credential;

  before(async () => {
    const coordinator = await signedInClient(await createUser({ role: 'coordinator' }));
    const microcredential = await demoMicrocredential(INSULATION_TITLE);
    const cert = await issueCertificate(coordinator, {
      microcredential_id: microcredential.id,
      holder_name: 'Ana Schema',
      holder_email: 'ana.schema@example.org',
      valid_until: '2031-03-30',
    });
    const response = await fetch(`${baseUrl}/api/v1/verify/${cert.id}/credential.json`);
    assert.equal(response.status, 200, `credential.json of ${cert.id}`);
    credential = await response.json();
  });

  test('issued credential matches schema', () => {
    assert.equal(validateCredential(credential), true, errorText(validateCredential));
  });

  test('credential achievement matches achievement schema', () => {
    const achievement = credential.credentialSubject.achievement;
    assert.equal(validateAchievement(achievement), true, errorText(validateAchievement));
  });

  test('credential uses the checked properties', () => {
    // The hashed-identity case changes identifier[1], so it must be the hashed e-mail address.
    for (const key of ['validUntil', 'credentialStatus', 'proof']) {
      assert.ok(key in credential, `the credential has no ${key}`);
    }
    assert.equal(credential.credentialSubject.identifier.length, 2);
    assert.equal(credential.credentialSubject.identifier[1].hashed, true);
  });

  test('credentialSchema entry accepted', () => {
    const withSchema = structuredClone(credential);
    withSchema.credentialSchema = [{
      id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
      type: '1EdTechJsonSchemaValidator2019',
    }];
    assert.equal(validateCredential(withSchema), true, errorText(validateCredential));
  });

  for (const [name, mutate, instancePath] of CREDENTIAL_CASES) {
    test(`credential rejects ${name}`, () => {
      const document = structuredClone(credential);
      mutate(document);
      assertRejectedAt(validateCredential, document, instancePath);
    });
  }
});
