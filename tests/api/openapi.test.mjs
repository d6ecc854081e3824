// GET /api/v1/openapi.json documents every route of backend/src/routes.c, so a route added to the
// table without documentation fails here.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';

import { Client } from '../lib/stack.mjs';

const root = process.env.MIC_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Reads the {method, path} rows of the route table, with ":name" turned into "{name}". */
async function routeTable() {
  const source = await readFile(path.join(root, 'backend/src/routes.c'), 'utf8');
  const rows = [];
  for (const match of source.matchAll(/\{\s*"([A-Z]+)"\s*,\s*"(\/[^"]*)"/g)) {
    rows.push({ method: match[1], path: match[2].replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}') });
  }
  return rows;
}

describe('openapi', () => {
  let response;
  let spec;

  before(async () => {
    response = await new Client().get('/api/v1/openapi.json');
    spec = response.json;
  });

  test('openapi is JSON 3.1', () => {
    assert.equal(response.status, 200, response.text.slice(0, 300));
    assert.match(response.headers.get('content-type'), /^application\/json/);
    assert.equal(typeof spec.openapi, 'string');
    assert.ok(spec.openapi.startsWith('3.1'), `openapi is ${spec.openapi}`);
    assert.equal(typeof spec.info?.title, 'string');
    assert.equal(typeof spec.info?.version, 'string');
    assert.equal(typeof spec.paths, 'object');
  });

  test('route table parsed', async () => {
    const rows = await routeTable();

    // Guards the parser itself: the table has more rows than these, and these never go away.
    assert.ok(rows.length >= 10, `only ${rows.length} routes parsed from routes.c`);
    assert.ok(rows.some((r) => r.method === 'POST' && r.path === '/api/v1/certificates'));
    assert.ok(rows.some((r) => r.method === 'GET' && r.path === '/api/v1/verify/{id}'));
  });

  test('every route documented', async () => {
    // Paths in the document may be relative to a server URL such as "/api/v1".
    const prefixes = [''];
    for (const server of spec.servers || []) {
      const serverPath = new URL(server.url, 'http://placeholder').pathname.replace(/\/+$/, '');
      if (serverPath) prefixes.push(serverPath);
    }
    const missing = [];
    for (const route of await routeTable()) {
      const candidates = prefixes
        .filter((prefix) => route.path.startsWith(`${prefix}/`))
        .map((prefix) => route.path.slice(prefix.length));
      const documented = candidates.some((p) => spec.paths[p] && spec.paths[p][route.method.toLowerCase()]);
      if (!documented) missing.push(`${route.method} ${route.path}`);
    }

    assert.deepEqual(missing, [], `routes without an entry in openapi.json: ${missing.join(', ')}`);
  });
});
