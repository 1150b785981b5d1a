// Vega-Lite spec → static SVG string, without a browser: vega-lite compiles the spec to Vega, and
// vega's headless View (renderer 'none') serialises the scenegraph with View.toSVG(). Vega escapes
// every text and attribute it writes, so broker- or user-supplied names in the data stay inert.
import * as vega from 'vega';
import { compile, type Config, type TopLevelSpec } from 'vega-lite';

/** Shared look: system fonts only (no web fonts, so no network), white background, quiet axes. */
const CONFIG: Config = {
  background: 'white',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#e5e7eb', domainColor: '#9ca3af', tickColor: '#9ca3af' },
  legend: { labelFontSize: 11, titleFontSize: 12, orient: 'bottom', direction: 'horizontal', labelLimit: 260 },
  title: { fontSize: 13, anchor: 'start', fontWeight: 600 },
  view: { stroke: null },
  range: { category: ['#2563eb', '#ea580c', '#059669', '#9333ea', '#dc2626', '#0891b2', '#ca8a04', '#db2777'] },
};

export interface ChartSvg {
  /** Title shown above the chart and used as its accessible name. */
  title: string;
  svg: string;
  /** Wide charts (bars over all scenarios) take a full row of the chart grid. */
  wide?: boolean;
}

/**
 * Anything that could execute or fetch has no place in a chart; vega never writes these, so finding
 * one is a bug. Only markup is inspected: data text (in text nodes and in quoted attribute values
 * such as aria-label, escaped by vega) may say "onerror=" freely.
 */
const UNSAFE_ELEMENT = /^<\/?(?:script|foreignObject|image|iframe|object|embed|use|a)\b/i;
const UNSAFE_ATTRIBUTE = /\s(?:on[a-z]+|href|xlink:href|src)\s*=/i;
const FETCHING_VALUE = /\s(?:fill|stroke|style|clip-path|filter|mask|marker-[a-z]+)="[^"]*url\(\s*['"]?(?:[a-z]+:|\/\/)/i;

export function unsafeSvgTag(svg: string): string | undefined {
  return svg.match(/<[^>]+>/g)?.find((tag) => {
    const names = tag.replace(/"[^"]*"/g, '""');
    return UNSAFE_ELEMENT.test(names) || UNSAFE_ATTRIBUTE.test(names) || FETCHING_VALUE.test(tag);
  });
}

export async function renderChart(title: string, spec: TopLevelSpec, wide = false): Promise<ChartSvg> {
  const full: TopLevelSpec = { ...spec, config: { ...CONFIG, ...spec.config } };
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const unsafe = unsafeSvgTag(svg);
    if (unsafe) throw new Error(`chart "${title}" produced SVG with active content (${unsafe.slice(0, 80)}); refusing to embed it`);
    // Drop the fixed pixel size so the chart scales with the page; the viewBox keeps its aspect ratio.
    return { title, wide, svg: svg.replace(/^<svg([^>]*?) width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/, '<svg$1 style="max-width:$2px;width:100%;height:auto"') };
  } finally {
    view.finalize();
  }
}

/** Keeps at most `max` points, evenly spread, always including the first and last (charts stay small). */
export function downsample<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const step = (points.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => points[Math.round(i * step)]!);
}
