import { useEffect, useState } from 'preact/hooks';

import { t } from '../../i18n/index.js';
import { useApi } from '../../hooks.js';
import { ErrorAlert, Loading } from '../../components/common.jsx';
import { countryName, formatMonth, formatNumber } from '../../format.js';
import { DashboardFrame } from './Frame.jsx';

/** Certificates counted in a row, on an axis from 0 to the largest count rounded up. */
const certificateCount = {
  value: (row) => row.certificates,
  valueText: (row) => formatNumber(row.certificates),
  describe: (row) => t('figures.certificateCount', { count: row.certificates }),
  axisMax: null,
  integerTicks: true,
  tickText: (n) => formatNumber(n),
  columns: [{ heading: () => t('figures.certificates'), cell: (row) => formatNumber(row.certificates) }],
  empty: () => t('figures.empty'),
};

/** A pass rate in a row, on an axis from 0 to 100 %, with the attempts behind it. */
const passRate = {
  value: (row) => row.pass_rate_percent,
  valueText: (row) => t('figures.percent', { value: row.pass_rate_percent }),
  describe: (row) => t('figures.passRate', { rate: row.pass_rate_percent, passed: row.passed, count: row.attempts }),
  axisMax: 100,
  integerTicks: false,
  tickText: (n) => t('figures.percent', { value: n }),
  columns: [
    { heading: () => t('figures.attempts'), cell: (row) => formatNumber(row.attempts) },
    { heading: () => t('figures.passed'), cell: (row) => formatNumber(row.passed) },
    { heading: () => t('figures.passRateHeading'), cell: (row) => t('figures.percent', { value: row.pass_rate_percent }) },
  ],
  empty: () => t('figures.noAttempts'),
};

function microcredentialLabel(row) {
  return row.title || t('figures.microcredentialId', { id: row.microcredential_id });
}

/** Rows per calendar month, drawn on a time axis. */
const byMonth = {
  rowHeading: () => t('figures.rowHeadings.month'),
  label: (row) => formatMonth(row.month, 'long'),
  rowKey: (row) => row.month,
};

/**
 * Each figure of GET /api/v1/figures/{name}: its chart (columns or a line over the months, else
 * horizontal bars), the heading of the column that names a row, and its measure.
 */
const FIGURES = [
  { name: 'certificates-per-month', chart: 'columns', ...byMonth, ...certificateCount },
  {
    name: 'certificates-per-microcredential',
    chart: 'bars',
    rowHeading: () => t('figures.rowHeadings.microcredential'),
    label: microcredentialLabel,
    rowKey: (row) => row.microcredential_id,
    ...certificateCount,
  },
  {
    name: 'certificates-per-organisation',
    chart: 'bars',
    rowHeading: () => t('figures.rowHeadings.organisation'),
    label: (row) => row.organisation,
    rowKey: (row) => row.organisation_id,
    ...certificateCount,
  },
  {
    name: 'certificates-per-country',
    chart: 'bars',
    rowHeading: () => t('figures.rowHeadings.country'),
    label: (row) => countryName(row.country) || row.country_name,
    rowKey: (row) => row.country,
    ...certificateCount,
  },
  {
    name: 'pass-rates-per-microcredential',
    chart: 'bars',
    rowHeading: () => t('figures.rowHeadings.microcredential'),
    label: microcredentialLabel,
    rowKey: (row) => row.microcredential_id,
    ...passRate,
  },
  { name: 'pass-rates-per-month', chart: 'line', ...byMonth, ...passRate },
];

let chartModule = null;

/**
 * Returns the chart components once their module has loaded, null before, or false when it failed
 * to load. The module is fetched on the first visit of the figures and kept for later ones.
 */
function useCharts() {
  const [charts, setCharts] = useState(chartModule);
  useEffect(() => {
    if (chartModule) return;
    import('../../components/charts/index.js').then(
      (module) => {
        chartModule = module;
        setCharts(module);
      },
      () => setCharts(false),
    );
  }, []);
  return charts;
}

/** Draws the figure's chart, its bars or points in the order of the API's rows. */
function FigureChart({ charts, figure, rows, title }) {
  const { BarChart, MonthChart } = charts;
  const items = rows.map((row) => {
    const label = figure.label(row);
    return {
      key: figure.rowKey(row),
      month: row.month,
      label,
      value: figure.value(row),
      valueText: figure.valueText(row),
      title: t('figures.barTitle', { label, value: figure.describe(row) }),
    };
  });
  const common = {
    label: t('figures.chartLabel', { title }),
    items,
    max: figure.axisMax,
    tickText: figure.tickText,
    integerTicks: figure.integerTicks,
  };
  return figure.chart === 'bars' ? <BarChart {...common} /> : <MonthChart type={figure.chart} {...common} />;
}

/**
 * The figures as a table, for screen readers always and on screen once the reader asks for it. The
 * hiding class is on a wrapper because a table grows to its content whatever width it is given.
 */
function FigureTable({ id, figure, rows, title, visible }) {
  return (
    <div id={id} class={visible ? 'figure__table' : 'visually-hidden'}>
      <table class="table">
        <caption class="visually-hidden">{title}</caption>
        <thead>
          <tr>
            <th scope="col">{figure.rowHeading()}</th>
            {figure.columns.map((column, i) => <th key={i} scope="col" class="figure__number">{column.heading()}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={figure.rowKey(row)}>
              <th scope="row">{row.month ? <time dateTime={row.month}>{figure.label(row)}</time> : figure.label(row)}</th>
              {figure.columns.map((column, i) => (
                <td key={i} class="figure__number" data-label={column.heading()}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Renders one figure as a panel: its title, a CSV download link, the chart and its table. */
function Figure({ figure }) {
  const { data, error, loading } = useApi(`/api/v1/figures/${figure.name}`);
  const charts = useCharts();
  const [tableShown, setTableShown] = useState(false);
  const title = t(`figures.titles.${figure.name}`);
  const tableId = `figure-${figure.name}-table`;
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
      {data && data.rows.length ? (
        <div class="chart">
          {charts ? <FigureChart charts={charts} figure={figure} rows={data.rows} title={title} /> : null}
          {charts === null ? <Loading /> : null}
          {charts ? (
            <button type="button" class="button button--quiet figure__toggle" aria-controls={tableId}
              aria-expanded={tableShown ? 'true' : 'false'} onClick={() => setTableShown(!tableShown)}>
              {tableShown ? t('figures.hideTable') : t('figures.showTable')}
            </button>
          ) : null}
          {/* Without a chart, because its module failed to load, the table is on screen. */}
          <FigureTable id={tableId} figure={figure} rows={data.rows} title={title}
            visible={tableShown || charts === false} />
        </div>
      ) : null}
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
