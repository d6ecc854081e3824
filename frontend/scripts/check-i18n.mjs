// Checks the translation catalogues before a build:
// - every literal key passed to t('...') in src/ exists in the English reference;
// - every key of a dynamic prefix (t(`status.${x}`)) has at least one entry under that prefix;
// - other catalogues (es.json, ...) hold no key that English lacks, and report what they miss.
// Exits non-zero on a missing English key or a key another catalogue invents.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const i18nDir = join(src, 'i18n');

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function flatten(node, prefix = '', out = new Map()) {
  const plural = node && typeof node === 'object' && typeof node.other === 'string';
  if (typeof node === 'string' || plural) {
    out.set(prefix, node);
    return out;
  }
  for (const [k, v] of Object.entries(node)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

const load = (file) => flatten(JSON.parse(readFileSync(join(i18nDir, file), 'utf8')));
const reference = load('en.json');
const problems = [];

for (const file of walk(src).filter((f) => /\.(jsx?|mjs)$/.test(f))) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/\bt\(\s*'([^']+)'/g)) {
    if (!reference.has(m[1])) problems.push(`${relative(root, file)}: no English text for "${m[1]}"`);
  }
  for (const m of text.matchAll(/\bt\(\s*`([^`$]+)\$\{/g)) {
    const prefix = m[1];
    if (![...reference.keys()].some((k) => k.startsWith(prefix))) {
      problems.push(`${relative(root, file)}: no English texts under "${prefix}"`);
    }
  }
}

for (const file of readdirSync(i18nDir).filter((f) => f.endsWith('.json') && f !== 'en.json')) {
  const other = load(file);
  for (const key of other.keys()) {
    if (!reference.has(key)) problems.push(`${file}: "${key}" is not in en.json`);
  }
  const missing = [...reference.keys()].filter((k) => !other.has(k));
  if (missing.length) console.log(`${file}: ${missing.length} texts fall back to English`);
}

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`i18n: ${reference.size} English texts, all keys used in src/ present`);
