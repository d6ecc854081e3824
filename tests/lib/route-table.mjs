// Reads the route table of backend/src/routes.c, with the role masks evaluated from the macros of
// routes.c and backend/src/mic.h, so the security suite follows the table without a copy of it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.MIC_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Reads `enum role { ROLE_ANONYMOUS = 0, ROLE_COORDINATOR, ... }` into [{constant, name, bit}]. */
function parseRoles(header) {
  const match = header.match(/enum\s+role\s*\{([^}]*)\}/);
  if (!match) throw new Error('backend/src/mic.h has no `enum role { ... }`');
  const roles = [];
  let value = 0;
  for (const item of match[1].split(',')) {
    const entry = item.replace(/\/\*[\s\S]*?\*\//g, '').trim();
    if (!entry) continue;
    const [constant, explicit] = entry.split('=').map((part) => part.trim());
    if (explicit !== undefined) value = Number(explicit);
    roles.push({ constant, name: constant.replace(/^ROLE_/, '').toLowerCase(), bit: value });
    value += 1;
  }
  return roles;
}

/** Collects object-like `#define NAME body` lines; continuation lines are joined. */
function parseDefines(source, into) {
  const joined = source.replace(/\\\n/g, ' ');
  for (const match of joined.matchAll(/^[ \t]*#define[ \t]+([A-Z_][A-Z0-9_]*)[ \t]+(.+)$/gm)) {
    into.set(match[1], match[2].replace(/\/\*.*?\*\//g, '').trim());
  }
}

/**
 * Evaluates a role mask expression built from |, &, ~, parentheses, integer literals,
 * ROLE_BIT(ROLE_X), role constants and macros. Throws on anything else, so a new kind of
 * expression in the table fails the suite instead of being guessed.
 */
function evaluateMask(expression, defines, roleBits, depth = 0) {
  if (depth > 20) throw new Error(`macro expansion too deep in role mask ${expression}`);
  const tokens = expression.match(/0x[0-9a-fA-F]+u?|\d+u?|[A-Za-z_][A-Za-z0-9_]*|[|&~()]|\S/g) || [];
  let at = 0;

  function primary() {
    const token = tokens[at++];
    if (token === undefined) throw new Error(`role mask ends early: ${expression}`);
    if (token === '(') {
      const value = orExpression();
      if (tokens[at++] !== ')') throw new Error(`missing ) in role mask ${expression}`);
      return value;
    }
    if (token === '~') return ~primary() & 0xffff;
    if (/^(0x[0-9a-fA-F]+|\d+)u?$/.test(token)) return Number.parseInt(token.replace(/u$/, ''), token.startsWith('0x') ? 16 : 10);
    if (token === 'ROLE_BIT') {
      if (tokens[at++] !== '(') throw new Error(`ROLE_BIT without ( in ${expression}`);
      const role = tokens[at++];
      if (tokens[at++] !== ')') throw new Error(`ROLE_BIT(${role} without ) in ${expression}`);
      if (!roleBits.has(role)) throw new Error(`unknown role ${role} in ${expression}`);
      return 1 << roleBits.get(role);
    }
    if (defines.has(token)) return evaluateMask(defines.get(token), defines, roleBits, depth + 1);
    throw new Error(`cannot evaluate ${token} in role mask ${expression}`);
  }
  function andExpression() {
    let value = primary();
    while (tokens[at] === '&') {
      at++;
      value &= primary();
    }
    return value;
  }
  function orExpression() {
    let value = andExpression();
    while (tokens[at] === '|') {
      at++;
      value |= andExpression();
    }
    return value;
  }

  const value = orExpression();
  if (at !== tokens.length) throw new Error(`unexpected ${tokens[at]} in role mask ${expression}`);
  return value;
}

/**
 * Returns {roles, routes}: roles is [{constant, name, bit}] in enum order (name is what the API
 * calls the role, "anonymous" for ROLE_ANONYMOUS); routes is [{key, method, pattern, handler,
 * allowed: Set of role names, csrf, json}] in table order, where key is "METHOD /pattern".
 */
export async function readRouteTable() {
  const header = await readFile(path.join(root, 'backend/src/mic.h'), 'utf8');
  const source = await readFile(path.join(root, 'backend/src/routes.c'), 'utf8');
  const roles = parseRoles(header);
  const roleBits = new Map(roles.map((role) => [role.constant, role.bit]));
  const defines = new Map();
  parseDefines(header, defines);
  parseDefines(source, defines);

  const table = source.slice(source.indexOf('routes[]'));
  const routes = [];
  const row = /\{\s*"([A-Z]+)"\s*,\s*"(\/[^"]*)"\s*,\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*([^,{}]+?)\s*,\s*(true|false)\s*,\s*(true|false)\s*\}/g;
  for (const match of table.matchAll(row)) {
    const mask = evaluateMask(match[4], defines, roleBits);
    const allowed = new Set(roles.filter((role) => (mask & (1 << role.bit)) !== 0).map((role) => role.name));
    routes.push({
      key: `${match[1]} ${match[2]}`,
      method: match[1],
      pattern: match[2],
      handler: match[3],
      allowed,
      csrf: match[5] === 'true',
      json: match[6] === 'true',
    });
  }
  return { roles, routes };
}

/** Counts the rows of the route table by a looser pattern, to check that readRouteTable missed none. */
export async function countRouteRows() {
  const source = await readFile(path.join(root, 'backend/src/routes.c'), 'utf8');
  const table = source.slice(source.indexOf('routes[]'));
  return [...table.matchAll(/\{\s*"[A-Z]+"\s*,\s*"\//g)].length;
}
