// A horizontal bar chart in SVG. d3-scale computes the geometry and the axis ticks, Preact draws
// the elements, so no inline style is needed and the Content-Security-Policy holds.
import { scaleLinear } from 'd3-scale';

import { FONT_SIZE, LINE_HEIGHT, textWidth, useWidth, wrapText } from './layout.js';

/** Below this chart width in CSS pixels, each label goes above its bar instead of beside it. */
const NARROW_WIDTH = 520;

/** Smallest distance in CSS pixels between two value ticks, so their labels do not touch. */
const TICK_SPACING = 72;

/** Room below the bars for the tick labels, in CSS pixels. */
const AXIS_HEIGHT = 24;

/** Computes where the label, the bar and the value of each row go in a chart `width` pixels wide. */
function rowLayout(width, items) {
  const valueRoom = Math.ceil(Math.max(24, ...items.map((item) => textWidth(item.valueText)))) + 8;
  if (width < NARROW_WIDTH) {
    // One line of label above each bar.
    return {
      labelWidth: width - 4,
      labelLines: 1,
      plotLeft: 0,
      plotWidth: Math.max(40, width - valueRoom),
      rowHeight: LINE_HEIGHT + 30,
      barTop: LINE_HEIGHT + 4,
      barHeight: 18,
    };
  }
  const labelWidth = Math.min(240, Math.round(width * 0.3));
  return {
    labelWidth,
    labelLines: 2,
    plotLeft: labelWidth + 12,
    plotWidth: Math.max(40, width - labelWidth - 12 - valueRoom),
    rowHeight: 2 * LINE_HEIGHT + 10,
    barTop: 9,
    barHeight: 24,
  };
}

function RowLabel({ label, lines, x, y }) {
  return (
    <text class="chart-svg__label" x={x} y={y}>
      {lines.length === 1 && lines[0] === label ? null : <title>{label}</title>}
      {lines.map((line, i) => <tspan key={i} x={x} dy={i ? LINE_HEIGHT : 0}>{line}</tspan>)}
    </text>
  );
}

function BarChartSvg({ width, label, items, max, tickText, integerTicks }) {
  const layout = rowLayout(width, items);
  const wide = layout.labelLines > 1;
  const largest = Math.max(0, ...items.map((item) => item.value));
  const x = scaleLinear().domain([0, max ?? (largest || 1)]).range([0, layout.plotWidth]);
  if (max == null) x.nice();
  const ticks = x.ticks(Math.max(2, Math.floor(layout.plotWidth / TICK_SPACING)))
    .filter((tick) => !integerTicks || Number.isInteger(tick));

  const plotHeight = items.length * layout.rowHeight;
  const height = plotHeight + AXIS_HEIGHT + 4;

  return (
    <svg class="chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`}
      role="img" aria-label={label} font-size={FONT_SIZE}>
      <g class="chart-svg__grid">
        {ticks.map((tick) => (
          <line key={tick} x1={layout.plotLeft + x(tick)} x2={layout.plotLeft + x(tick)} y1={0} y2={plotHeight} />
        ))}
      </g>
      {items.map((item, i) => {
        const top = i * layout.rowHeight;
        const length = x(item.value);
        const lines = wrapText(item.label, layout.labelWidth, layout.labelLines);
        // A label beside its bar is centred on it. A label above its bar starts at the row's top.
        const labelY = wide
          ? top + layout.barTop + layout.barHeight / 2 - ((lines.length - 1) * LINE_HEIGHT) / 2 + FONT_SIZE / 3
          : top + FONT_SIZE;
        return (
          <g key={item.key} class="chart-svg__row">
            <RowLabel label={item.label} lines={lines} x={0} y={labelY} />
            <rect class="chart-svg__bar" x={layout.plotLeft} y={top + layout.barTop} width={length}
              height={layout.barHeight}>
              <title>{item.title}</title>
            </rect>
            <text class="chart-svg__value" x={layout.plotLeft + length + 4}
              y={top + layout.barTop + layout.barHeight / 2 + FONT_SIZE / 3}>
              {item.valueText}
            </text>
          </g>
        );
      })}
      <g class="chart-svg__axis">
        <line x1={layout.plotLeft} x2={layout.plotLeft + layout.plotWidth} y1={plotHeight} y2={plotHeight} />
        {ticks.map((tick) => {
          // A tick label is centred on its tick unless that would put it past an edge of the chart.
          const half = textWidth(tickText(tick)) / 2;
          const tickX = Math.min(Math.max(layout.plotLeft + x(tick), half), width - half);
          return (
            <text key={tick} class="chart-svg__tick" x={tickX} y={plotHeight + LINE_HEIGHT + 2} text-anchor="middle">
              {tickText(tick)}
            </text>
          );
        })}
      </g>
    </svg>
  );
}

/**
 * Draws items as horizontal bars on a value axis that starts at 0, at the width of the container.
 *
 * items: [{key, label, value, valueText, title}], where valueText is written after the bar and
 * title is the bar's tooltip. max is the end of the axis, or null to round the largest value up.
 * tickText(n) writes an axis tick; integerTicks leaves out fractional ticks, for counts.
 */
export function BarChart({ label, items, max = null, tickText, integerTicks = false }) {
  const [ref, width] = useWidth();
  return (
    <div class="chart-frame" ref={ref}>
      {width > 0 ? (
        <BarChartSvg width={width} label={label} items={items} max={max} tickText={tickText}
          integerTicks={integerTicks} />
      ) : null}
    </div>
  );
}
