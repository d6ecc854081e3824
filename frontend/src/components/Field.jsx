// A labelled form control with its error message under it, linked by aria-describedby.
import { t } from '../i18n/index.js';

/**
 * `as` is "input" (default), "select" or "textarea". Other props go to the control itself.
 * `error` is the message to show under the control; `hint` a line of help above it.
 */
export function Field({ id, label, error, hint, as: Control = 'input', children, required, ...control }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field--invalid' : 'field'}>
      <label class="field__label" for={id}>
        {label}
        {required ? null : <span class="field__optional"> {t('form.optional')}</span>}
      </label>
      {hint ? <p class="field__hint" id={hintId}>{hint}</p> : null}
      <Control
        id={id}
        class="field__control"
        required={required}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={describedBy}
        {...control}
      >
        {children}
      </Control>
      {error ? <p class="field__error" id={errorId}>{error}</p> : null}
    </div>
  );
}

/** Moves focus to the first control of `form` that is marked invalid. */
export function focusFirstInvalid(form) {
  const el = form && form.querySelector('[aria-invalid="true"]');
  if (el) el.focus();
}
