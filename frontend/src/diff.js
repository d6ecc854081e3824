// Word-level differences between two texts, for comparing versions of a micro-credential.

/** Splits text into words and the white space between them, keeping both, so joining restores it. */
function tokens(text) {
  return String(text || '').split(/(\s+)/).filter((part) => part !== '');
}

/**
 * Returns the parts of `after` compared with `before` as [{kind, text}], kind being "same",
 * "added" or "removed", from the longest common subsequence of their words. The table has
 * (tokens before + 1) x (tokens after + 1) cells, counting words and white space as tokens.
 * A summary of the maximum 5,000 characters has about 2,000 tokens, so the table stays below
 * about 4 million cells (16 MB) for any one field.
 */
export function diffWords(before, after) {
  const a = tokens(before);
  const b = tokens(after);
  const rows = a.length + 1;
  const cols = b.length + 1;
  const lcs = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * cols + j] = a[i] === b[j]
        ? lcs[(i + 1) * cols + j + 1] + 1
        : Math.max(lcs[(i + 1) * cols + j], lcs[i * cols + j + 1]);
    }
  }

  const parts = [];
  const push = (kind, text) => {
    const last = parts[parts.length - 1];
    if (last && last.kind === kind) last.text += text;
    else parts.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push('same', a[i]);
      i++;
      j++;
    } else if (lcs[(i + 1) * cols + j] >= lcs[i * cols + j + 1]) {
      push('removed', a[i]);
      i++;
    } else {
      push('added', b[j]);
      j++;
    }
  }
  while (i < a.length) push('removed', a[i++]);
  while (j < b.length) push('added', b[j++]);
  return parts;
}
