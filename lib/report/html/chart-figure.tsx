// Embeds one pre-rendered chart. This is the page's only raw-markup insertion: the SVG comes from
// vega's serializer, which escapes all data text, and renderChart() refuses SVG with active content.
import type { ChartSvg } from '../charts/render-chart.ts';

export function ChartFigure({ chart }: { chart: ChartSvg }) {
  return (
    <figure class={`chart${chart.wide ? ' wide' : ''}`} role="group" aria-label={chart.title}>
      <figcaption>{chart.title}</figcaption>
      <div class="chart-svg" dangerouslySetInnerHTML={{ __html: chart.svg }} />
    </figure>
  );
}
