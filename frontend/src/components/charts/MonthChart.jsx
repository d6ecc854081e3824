// A chart of one value per calendar month in SVG: columns, or a line with a point per month. The
// time axis has every month from the first to the last, so a month without data leaves a gap.
// d3-scale and d3-shape compute the geometry, Preact draws the elements (no inline style).
import { scaleBand, scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';

import { formatMonth } from '../../format.js';
import { FONT_SIZE, LINE_HEIGHT, textWidth, useWidth } from './layout.js';

/** Height of the plot area in CSS pixels: PLOT_HEIGHT in charts narrower than NARROW_WIDTH, else WIDE_PLOT_HEIGHT. */
const PLOT_HEIGHT = 170;
const WIDE_PLOT_HEIGHT = 210;
const NARROW_WIDTH = 520;

/** Widest step in CSS pixels from one month to the next, so a few months do not make wide columns. */
const MAX_MONTH_STEP = 72;

const MARGIN_TOP = 10;
const MARGIN_RIGHT = 12;
const MARGIN_BOTTOM = LINE_HEIGHT + 10;

/** Radius in CSS pixels of the points of a line chart. */
const POINT_RADIUS = 4;

/** Lists every "YYYY-MM" from first to last, both included. */
function monthRange(first, last) {
  const months = [];
  let [year, month] = first.split('-').map(Number);
  const [lastYear, lastMonth] = last.split('-').map(Number);
  while (year < lastYear || (year === lastYear && month <= lastMonth)) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

/** Steps in months between two named ticks: a month, a quarter, half a year, a year or several. */
const MONTH_TICK_STEPS = [1, 2, 3, 6, 12, 24, 60, 120];

/**
 * Picks the months of the time axis that get their name, each with the x of its centre. Every month
 * is named when the names fit. Otherwise the months that start a step are named, with the shortest
 * step of MONTH_TICK_STEPS that leaves room for the names. A name stays between left and right and
 * never overlaps the name before it.
 */
function monthNameTicks(months, x, { left, right }) {
  const texts = months.map((month) => formatMonth(month, 'short'));
  const room = Math.max(...texts.map(textWidth)) + 10;
  const step = MONTH_TICK_STEPS.find((months) => months * x.step() >= room) ?? MONTH_TICK_STEPS.at(-1);
  const ticks = [];
  let previousRight = -Infinity;
  months.forEach((month, i) => {
    const [year, number] = month.split('-').map(Number);
    // A short axis may hold no month that starts a step, so then its last month has its name.
    const aligned = (year * 12 + number - 1) % step === 0;
    if (!aligned && !(i === months.length - 1 && !ticks.length)) return;
    const half = textWidth(texts[i]) / 2;
    const centre = Math.min(Math.max(x(month) + x.bandwidth() / 2, left + half), right - half);
    if (centre - half < previousRight + 6) return;
    ticks.push({ month, text: texts[i], x: centre });
    previousRight = centre + half;
  });
  return ticks;
}

function MonthChartSvg({ width, label, items, type, max, tickText, integerTicks }) {
  const sorted = [...items].sort((a, b) => a.month.localeCompare(b.month));
  const months = monthRange(sorted[0].month, sorted[sorted.length - 1].month);
  const plotHeight = width < NARROW_WIDTH ? PLOT_HEIGHT : WIDE_PLOT_HEIGHT;

  const largest = Math.max(0, ...items.map((item) => item.value));
  const y = scaleLinear().domain([0, max ?? (largest || 1)]).range([plotHeight, 0]);
  if (max == null) y.nice();
  const yTicks = y.ticks(5).filter((tick) => !integerTicks || Number.isInteger(tick));

  const marginLeft = Math.ceil(Math.max(...yTicks.map((tick) => textWidth(tickText(tick))))) + 10;
  const plotWidth = Math.max(40, width - marginLeft - MARGIN_RIGHT);
  const bandsWidth = Math.min(plotWidth, months.length * MAX_MONTH_STEP);
  const offset = (plotWidth - bandsWidth) / 2;
  const x = scaleBand().domain(months).range([offset, offset + bandsWidth]).paddingInner(0.3).paddingOuter(0.2);
  const centre = (month) => x(month) + x.bandwidth() / 2;

  const names = monthNameTicks(months, x, { left: -marginLeft, right: plotWidth + MARGIN_RIGHT });

  const height = MARGIN_TOP + plotHeight + MARGIN_BOTTOM;
  const byMonth = new Map(sorted.map((item) => [item.month, item]));
  const path = type === 'line'
    ? line()
      .defined((month) => byMonth.has(month))
      .x(centre)
      .y((month) => y(byMonth.get(month).value))(months)
    : null;

  return (
    <svg class="chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`}
      role="img" aria-label={label} font-size={FONT_SIZE}>
      <g transform={`translate(${marginLeft},${MARGIN_TOP})`}>
        <g class="chart-svg__grid">
          {yTicks.map((tick) => <line key={tick} x1={0} x2={plotWidth} y1={y(tick)} y2={y(tick)} />)}
        </g>
        <g class="chart-svg__axis">
          {yTicks.map((tick) => (
            <text key={tick} class="chart-svg__tick" x={-6} y={y(tick) + FONT_SIZE / 3} text-anchor="end">
              {tickText(tick)}
            </text>
          ))}
          <line x1={0} x2={plotWidth} y1={plotHeight} y2={plotHeight} />
          {names.map((name) => (
            <text key={name.month} class="chart-svg__tick chart-svg__month" x={name.x}
              y={plotHeight + LINE_HEIGHT + 2} text-anchor="middle">
              {name.text}
            </text>
          ))}
        </g>
        {type === 'line' ? <path class="chart-svg__line" d={path} /> : null}
        {sorted.map((item) => (type === 'line' ? (
          <circle key={item.month} class="chart-svg__point" cx={centre(item.month)} cy={y(item.value)}
            r={POINT_RADIUS}>
            <title>{item.title}</title>
          </circle>
        ) : (
          <rect key={item.month} class="chart-svg__bar" x={x(item.month)} y={y(item.value)}
            width={x.bandwidth()} height={plotHeight - y(item.value)}>
            <title>{item.title}</title>
          </rect>
        )))}
      </g>
    </svg>
  );
}

/**
 * Draws one value per month on a time axis whose ticks are month names in the reader's language,
 * at the width of the container.
 *
 * items: [{month: "YYYY-MM", value, title}], title being the tooltip of its column or point. type
 * is 'columns' or 'line'. max is the top of the value axis, or null to round the largest value up.
 * tickText(n) writes a value tick; integerTicks leaves out fractional ticks, for counts.
 */
export function MonthChart({ label, items, type = 'columns', max = null, tickText, integerTicks = false }) {
  const [ref, width] = useWidth();
  return (
    <div class="chart-frame" ref={ref}>
      {width > 0 && items.length ? (
        <MonthChartSvg width={width} label={label} items={items} type={type} max={max} tickText={tickText}
          integerTicks={integerTicks} />
      ) : null}
    </div>
  );
}
