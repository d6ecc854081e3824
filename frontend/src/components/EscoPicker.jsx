// Chooses ESCO occupations or skills by searching GET /api/v1/esco/occupations?q= or
// /esco/skills?q=. The chosen entries are {uri, label}; the API stores only the URIs.
import { useEffect, useState } from 'preact/hooks';
import { get, withQuery } from '../api.js';
import { t } from '../i18n/index.js';

/** Milliseconds to wait after the last key press before searching. */
const SEARCH_DELAY_MS = 250;

/** `kind` is "occupations" or "skills"; `value` the chosen [{uri, label}]. */
export function EscoPicker({ id, kind, label, hint, error, value, onChange }) {
  const [text, setText] = useState('');
  const [results, setResults] = useState(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) {
      setResults(null);
      return undefined;
    }
    let current = true;
    const timer = setTimeout(() => {
      get(withQuery(`/api/v1/esco/${kind}`, { q })).then(
        (data) => current && (setResults(data.items || []), setFailed(false)),
        () => current && (setResults(null), setFailed(true)),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, kind]);

  const chosen = value || [];
  const chosenUris = new Set(chosen.map((entry) => entry.uri));
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;

  return (
    <div class={error ? 'field field--invalid esco' : 'field esco'}>
      <label class="field__label" for={id}>
        {label}
        <span class="field__optional"> {t('form.optional')}</span>
      </label>
      {hint ? <p class="field__hint" id={hintId}>{hint}</p> : null}
      {chosen.length ? (
        <ul class="esco__chosen">
          {chosen.map((entry) => (
            <li key={entry.uri} class="chip esco__chip">
              {entry.label || entry.uri}
              <button
                type="button"
                class="esco__remove"
                aria-label={t('esco.remove', { label: entry.label || entry.uri })}
                onClick={() => onChange(chosen.filter((other) => other.uri !== entry.uri))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <input
        id={id}
        type="search"
        class="field__control"
        value={text}
        autoComplete="off"
        placeholder={t('esco.searchPlaceholder')}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {failed ? <p class="field__error">{t('esco.searchFailed')}</p> : null}
      {results ? (
        results.length ? (
          <ul class="esco__results" aria-label={t('esco.results', { label })}>
            {results.slice(0, 8).map((entry) => (
              <li key={entry.uri}>
                <button
                  type="button"
                  class="button button--quiet esco__add"
                  disabled={chosenUris.has(entry.uri)}
                  onClick={() => {
                    onChange([...chosen, { uri: entry.uri, label: entry.label }]);
                    setText('');
                  }}
                >
                  {t('esco.add', { label: entry.label })}
                </button>
              </li>
            ))}
          </ul>
        ) : <p class="muted" role="status">{t('esco.noResults', { q: text.trim() })}</p>
      ) : null}
      {error ? <p class="field__error" id={errorId}>{error}</p> : null}
    </div>
  );
}
