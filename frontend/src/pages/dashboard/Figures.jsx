import { t } from '../../i18n/index.js';
import { useApi } from '../../hooks.js';
import { ErrorAlert, Loading } from '../../components/common.jsx';
import { countryName, formatNumber } from '../../format.js';
import { DashboardFrame } from './Frame.jsx';

/** Certificates counted in a row, as a bar out of the largest count. */
const certificateCount = {
  value: (row) => row.certificates,
  max: (rows) => Math.max(1, ...rows.map((row) => row.certificates)),
  text: (row) => formatNumber(row.certificates),
  valueHeading: () => t('figures.certificates'),
  empty: () => t('figures.empty'),
};

/** A pass rate in a row, as a bar out of 100 %, with the attempts behind it. */
const passRate = {
  value: (row) => row.pass_rate_percent,
  max: () => 100,
  text: (row) => t('figures.passRate', { rate: row.pass_rate_percent, passed: row.passed, count: row.attempts }),
  valueHeading: () => t('figures.passRateHeading'),
  empty: () => t('figures.noAttempts'),
};

function microcredentialLabel(row) {
  return row.title || t('figures.microcredentialId', { id: row.microcredential_id });
}

/** Each figure of GET /api/v1/figures/{name}, with the column that names a row and its measure. */
export const FIGURES = [
  { name: 'certificates-per-month', label: (row) => row.month, ...certificateCount },
  { name: 'certificates-per-microcredential', label: microcredentialLabel, ...certificateCount },
  { name: 'certificates-per-organisation', label: (row) => row.organisation, ...certificateCount },
  {
    name: 'certificates-per-country',
    label: (row) => countryName(row.country) || row.country_name,
    ...certificateCount,
  },
  { name: 'pass-rates-per-microcredential', label: microcredentialLabel, ...passRate },
  { name: 'pass-rates-per-month', label: (row) => row.month, ...passRate },
];

/**
 * A bar chart drawn as a table: one row per value, its bar an SVG rectangle whose width is an
 * attribute, so the strict Content-Security-Policy (no inline styles) allows it.
 */
function BarChart({ caption, rows, figure }) {
  const max = figure.max(rows);
  return (
    <table class="chart">
      <caption class="visually-hidden">{caption}</caption>
      <thead class="visually-hidden">
        <tr><th scope="col">{t('figures.item')}</th><th scope="col">{figure.valueHeading()}</th></tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            <th scope="row" class="chart__label">{figure.label(row)}</th>
            <td class="chart__value">
              <svg class="chart__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                <rect class="chart__track" x="0" y="0" width="100" height="10" />
                <rect class="chart__fill" x="0" y="0" width={(100 * figure.value(row)) / max} height="10" />
              </svg>
              <span class="chart__number">{figure.text(row)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Renders one figure as a panel: its title, a CSV download link and the chart. */
export function Figure({ figure }) {
  const { data, error, loading } = useApi(`/api/v1/figures/${figure.name}`);
  const title = t(`figures.titles.${figure.name}`);
  return (
    <section class="panel figure" aria-labelledby={`figure-${figure.name}`}>
      <div class="figure__head">
        <h2 id={`figure-${figure.name}`}>{title}</h2>
        <a class="button button--quiet" href={`/api/v1/figures/${figure.name}?format=csv`} download={`${figure.name}.csv`}>
          {t('figures.csv', { title })}
        </a>
      </div>
      <ErrorAlert error={error} />
      {loading && !data ? <Loading /> : null}
      {data && !data.rows.length ? <p class="empty">{figure.empty()}</p> : null}
      {data && data.rows.length ? <BarChart caption={title} rows={data.rows} figure={figure} /> : null}
    </section>
  );
}

export function DashboardFigures({ loc }) {
  return (
    <DashboardFrame loc={loc} section="figures">
      {() => (
        <>
          <p>{t('figures.intro')}</p>
          <div class="figures">
            {FIGURES.map((figure) => <Figure key={figure.name} figure={figure} />)}
          </div>
        </>
      )}
    </DashboardFrame>
  );
}
