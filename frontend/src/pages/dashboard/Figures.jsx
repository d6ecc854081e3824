import { t } from '../../i18n/index.js';
import { useApi } from '../../hooks.js';
import { ErrorAlert, Loading } from '../../components/common.jsx';
import { countryName, formatNumber } from '../../format.js';
import { DashboardFrame } from './Frame.jsx';

/** Each figure of GET /api/v1/figures/{name}, with the column that names a row. */
const FIGURES = [
  { name: 'certificates-per-month', label: (row) => row.month },
  // NOTE: the backend takes this title from the legacy microcredentials.title column, which is
  // NULL for micro-credentials created through the validation lifecycle, so the id stands in.
  {
    name: 'certificates-per-microcredential',
    label: (row) => row.title || t('figures.microcredentialId', { id: row.microcredential_id }),
  },
  { name: 'certificates-per-organisation', label: (row) => row.organisation },
  { name: 'certificates-per-country', label: (row) => countryName(row.country) || row.country_name },
];

/**
 * A bar chart drawn as a table: one row per value, its bar an SVG rectangle whose width is an
 * attribute, so the strict Content-Security-Policy (no inline styles) allows it.
 */
function BarChart({ caption, rows, label }) {
  const max = Math.max(1, ...rows.map((row) => row.certificates));
  return (
    <table class="chart">
      <caption class="visually-hidden">{caption}</caption>
      <thead class="visually-hidden">
        <tr><th scope="col">{t('figures.item')}</th><th scope="col">{t('figures.certificates')}</th></tr>
      </thead>
      <tbody>
        {rows.map((row, i) => (
          <tr key={i}>
            <th scope="row" class="chart__label">{label(row)}</th>
            <td class="chart__value">
              <svg class="chart__bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                <rect class="chart__track" x="0" y="0" width="100" height="10" />
                <rect class="chart__fill" x="0" y="0" width={(100 * row.certificates) / max} height="10" />
              </svg>
              <span class="chart__number">{formatNumber(row.certificates)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Figure({ figure }) {
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
      {data && !data.rows.length ? <p class="empty">{t('figures.empty')}</p> : null}
      {data && data.rows.length ? <BarChart caption={title} rows={data.rows} label={figure.label} /> : null}
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
