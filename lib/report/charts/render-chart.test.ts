import { describe, expect, test } from 'vitest';
import { downsample, renderChart, unsafeSvgTag } from './render-chart.ts';

describe('renderChart', () => {
  test('renders a Vega-Lite bar chart to a scalable SVG string, data text escaped', async () => {
    const chart = await renderChart('t', { data: { values: [{ a: '<b>x</b>', n: 3 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'n', type: 'quantitative' } } });
    expect(chart.svg.startsWith('<svg')).toBe(true);
    expect(chart.svg).toMatch(/style="max-width:\d+px;width:100%;height:auto"/);
    expect(chart.svg).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(unsafeSvgTag(chart.svg)).toBeUndefined();
  });

  test('the active-content guard flags script, handlers and links in tags, not in text', () => {
    expect(unsafeSvgTag('<svg><script>x</script></svg>')).toBe('<script>');
    expect(unsafeSvgTag('<svg><rect onload="x()"/></svg>')).toBe('<rect onload="x()"/>');
    expect(unsafeSvgTag('<svg><a href="https://e.x">t</a></svg>')).toBe('<a href="https://e.x">');
    expect(unsafeSvgTag('<svg><rect fill="url(https://e.x/p)"/></svg>')).toBeDefined();
    expect(unsafeSvgTag('<svg><text>x onerror="y" &lt;script&gt;</text></svg>')).toBeUndefined();
    expect(unsafeSvgTag('<svg><g aria-label="a &quot;&gt;&lt;img onerror=x href=y url(https://z)"></g></svg>')).toBeUndefined();
  });

  test('downsample keeps first and last and at most max points', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => i);
    const d = downsample(pts, 50);
    expect(d).toHaveLength(50);
    expect(d[0]).toBe(0);
    expect(d.at(-1)).toBe(999);
    expect(downsample([1, 2], 50)).toEqual([1, 2]);
  });
});
