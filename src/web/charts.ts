/**
 * Charts drawn on the server: Apache ECharts' server-side rendering
 * (`ssr: true`, `renderToSVGString`) gives an SVG string without a browser or
 * a client script. ECharts' SVG carries inline `style` attributes and a
 * `<style>` element, which the page's CSP (`style-src 'self'`) would block
 * inline; as an image (`<img src="data:image/svg+xml;base64,…">`, allowed by
 * `img-src 'self' data:`) the SVG is its own document and draws as made. Every
 * chart has a table of the same numbers beneath it (the accessible form).
 */
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, LegendComponent, SVGRenderer]);

const FONT = "'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif";
/** One colour per compared term, in order (readable on white, distinct in grey print). */
export const SERIES_COLORS = ['#1f5fa8', '#c0392b', '#2e8b57', '#b8860b', '#6a3d9a'];

export interface ChartSeries {
  name: string;
  /** One value per category; null draws nothing (an empty bucket, not a zero). */
  values: Array<number | null>;
}

export interface BarChartSpec {
  categories: string[];
  series: ChartSeries[];
  /** Axis label formatter suffix, e.g. '%'. */
  unit: string;
  /** Horizontal bars (many categories, long names: regions). */
  horizontal?: boolean;
  width?: number;
}

/** An SVG bar chart (grouped by series), as a string. */
export function barChartSvg(spec: BarChartSpec): string {
  const width = spec.width ?? 760;
  const n = spec.categories.length;
  const height = spec.horizontal ? Math.max(160, 70 + n * Math.max(18, 10 * spec.series.length + 6)) : 300;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const valueAxis = { type: 'value' as const, axisLabel: { formatter: `{value}${spec.unit}`, fontFamily: FONT }, splitLine: { lineStyle: { color: '#e4e6ea' } } };
  const categoryAxis = {
    type: 'category' as const,
    data: spec.categories,
    inverse: !!spec.horizontal,
    axisLabel: { fontFamily: FONT, interval: 0, fontSize: 12 },
  };
  chart.setOption({
    animation: false,
    color: SERIES_COLORS,
    textStyle: { fontFamily: FONT },
    legend: spec.series.length > 1 ? { top: 4, textStyle: { fontFamily: FONT } } : { show: false },
    grid: { left: spec.horizontal ? 12 : 48, right: 24, top: spec.series.length > 1 ? 36 : 16, bottom: 8 },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? categoryAxis : valueAxis,
    series: spec.series.map((s) => ({ name: s.name, type: 'bar', data: s.values, barMaxWidth: 28 })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** The SVG as an image source that the page's CSP allows. */
export function svgDataUri(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}
