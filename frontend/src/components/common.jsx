// Small building blocks shared by the pages.
import { t } from '../i18n/index.js';
import { errorMessage } from '../errors.js';
import { Link } from '../router.jsx';
import { formatDay } from '../format.js';
import { Fragment } from 'preact';

/** A page-level message that screen readers announce at once. */
export function Alert({ children, kind = 'error' }) {
  if (!children) return null;
  return <div class={`alert alert--${kind}`} role="alert">{children}</div>;
}

export function ErrorAlert({ error }) {
  return error ? <Alert>{errorMessage(error)}</Alert> : null;
}

export function Loading() {
  return <p class="loading" role="status">{t('common.loading')}</p>;
}

/** The coloured status word of a certificate, with a shape as well as a colour. */
export function StatusBadge({ status }) {
  return (
    <span class={`badge badge--${status}`} data-status={status}>
      <span class="badge__icon" aria-hidden="true" />
      {t(`status.${status}`)}
    </span>
  );
}

/** Previous / next links and "Page x of y" for a paged list; `hrefFor(page)` builds the links. */
export function Pager({ page, perPage, total, hrefFor }) {
  const pages = Math.max(1, Math.ceil((total || 0) / (perPage || 1)));
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label={t('pager.label')}>
      {page > 1
        ? <Link class="pager__link" href={hrefFor(page - 1)} rel="prev">{t('pager.previous')}</Link>
        : <span class="pager__link pager__link--off" aria-hidden="true">{t('pager.previous')}</span>}
      <span class="pager__where">{t('pager.position', { page, pages })}</span>
      {page < pages
        ? <Link class="pager__link" href={hrefFor(page + 1)} rel="next">{t('pager.next')}</Link>
        : <span class="pager__link pager__link--off" aria-hidden="true">{t('pager.next')}</span>}
    </nav>
  );
}

/** <dt>/<dd> pairs from [label, value] rows; rows with an empty value are left out. */
export function Facts({ rows, class: className = 'facts' }) {
  return (
    <dl class={className}>
      {rows.filter(([, value]) => value !== null && value !== undefined && value !== '').map(([label, value]) => (
        <Fragment key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** A calendar day from the API ("2026-12-04"), written out; see format.js. */
export function Day({ value }) {
  return value ? <time dateTime={value}>{formatDay(value)}</time> : null;
}
