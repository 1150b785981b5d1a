// The page's stylesheet, inlined (the page opens from disk, with no network). System fonts only.
export const STYLES = `
:root { --fg:#111827; --muted:#6b7280; --line:#e5e7eb; --bg:#fff; --soft:#f9fafb;
  --pass:#047857; --pass-bg:#ecfdf5; --fail:#b91c1c; --fail-bg:#fef2f2; --known:#92400e; --known-bg:#fffbeb;
  --na:#4b5563; --na-bg:#f3f4f6; --skip:#6b7280; --skip-bg:#f9fafb; --err:#7c2d12; --err-bg:#ffedd5; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
header.top { background:#0f172a; color:#f8fafc; padding:14px 28px; display:flex; gap:24px; align-items:baseline; flex-wrap:wrap; }
header.top h1 { font-size:18px; margin:0; }
header.top nav a { color:#cbd5e1; margin-right:14px; text-decoration:none; }
header.top nav a:hover { color:#fff; text-decoration:underline; }
main { padding: 8px 28px 40px; max-width: 1500px; }
section { margin-top: 26px; }
h2 { font-size: 18px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
h4 { font-size: 13px; margin: 10px 0 4px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); padding: 1px 4px; border-radius: 3px; overflow-wrap:anywhere; }
pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--soft); border: 1px solid var(--line); padding: 8px; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; max-height: 360px; overflow: auto; }
.muted { color: var(--muted); }
.verdict { display:flex; gap:16px; align-items:center; padding:12px 16px; border-radius:6px; font-size:15px; }
.verdict.ok { background:var(--pass-bg); border:1px solid #a7f3d0; }
.verdict.bad { background:var(--fail-bg); border:1px solid #fecaca; }
.verdict-word { font-weight:700; font-size:18px; }
.verdict.ok .verdict-word { color:var(--pass); } .verdict.bad .verdict-word { color:var(--fail); }
.counts { display:flex; gap:8px; flex-wrap:wrap; margin:12px 0; }
.count { padding:4px 10px; border-radius:14px; border:1px solid var(--line); }
.count.zero, .chip.zero { opacity:.55; }
.facts { display:grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
.facts dt { color: var(--muted); } .facts dd { margin:0; }
table.grid { border-collapse: collapse; width: 100%; margin: 6px 0; }
table.grid th, table.grid td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
table.grid th { background: var(--soft); font-weight: 600; font-size: 12px; color: #374151; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.listeners div { white-space: nowrap; }
.st-passed { color:var(--pass); background:var(--pass-bg); }
.st-failed { color:var(--fail); background:var(--fail-bg); font-weight:600; }
.st-expected-failure { color:var(--known); background:var(--known-bg); }
.st-not-applicable { color:var(--na); background:var(--na-bg); }
.st-skipped { color:var(--skip); background:var(--skip-bg); }
.st-error { color:var(--err); background:var(--err-bg); font-weight:600; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; border:1px solid currentColor; font-size:12px; white-space:nowrap; }
.sev-high { color:#991b1b; } .sev-medium { color:#9a3412; } .sev-low { color:#854d0e; } .sev-info { color:#1e40af; }
.bad-text { color:var(--fail); } .ok-text { color:var(--pass); } .warn-text { color:#9a3412; }
.warn { background:#fff7ed; border:1px solid #fed7aa; padding:8px 12px; border-radius:6px; }
.coverage-row { display:grid; grid-template-columns: 200px 260px max-content 1fr; gap: 12px; align-items:center; margin: 4px 0; }
.coverage-label { font-weight:600; }
.meter { display:block; height:12px; background:#e5e7eb; border-radius:6px; overflow:hidden; }
.meter > span { display:block; height:100%; background:#2563eb; }
.spec-list { font: 12px ui-monospace, monospace; color: var(--muted); }
details summary { cursor:pointer; color:#1d4ed8; }
.filters { display:flex; gap:8px; align-items:center; flex-wrap:wrap; position:sticky; top:0; background:#fff; padding:8px 0; z-index:2; border-bottom:1px solid var(--line); }
.filter-label { color: var(--muted); }
.chip { border:1px solid var(--line); padding:3px 8px; border-radius:14px; cursor:pointer; user-select:none; font-size:13px; }
.chip input { margin:0 3px 0 0; vertical-align:-1px; }
#matrix-search { flex: 1 1 260px; min-width: 220px; padding:6px 10px; border:1px solid #d1d5db; border-radius:6px; font:inherit; }
.matrix-wrap { overflow-x:auto; }
table.matrix { border-collapse: collapse; width:100%; }
table.matrix th, table.matrix td { border-bottom:1px solid var(--line); padding:4px 8px; }
table.matrix thead th { position: sticky; top: 0; background:#fff; text-align:center; font-weight:normal; font-size:13px; vertical-align:bottom; }
table.matrix thead th.test-col { text-align:left; }
table.matrix thead th.target-col { white-space:nowrap; }
tr.group-row th { text-align:left; background:#eef2ff; color:#312e81; font-size:13px; padding:6px 8px; }
td.test-name { min-width: 360px; }
.spec-line { margin-top:2px; }
code.spec { font-size:11px; margin-right:4px; color:#3730a3; background:#eef2ff; }
td.cell-td, td.cell-none { text-align:center; white-space:nowrap; width: 1%; }
button.cell { font: 12px/1 system-ui, sans-serif; border:1px solid currentColor; border-radius:12px; padding:4px 9px; cursor:pointer; min-width:72px; }
button.cell:hover, button.cell:focus-visible { outline:2px solid #1d4ed8; outline-offset:1px; }
dialog.detail { width: min(900px, 94vw); max-height: 88vh; border:1px solid #d1d5db; border-radius:8px; padding: 18px 22px; box-shadow: 0 20px 60px rgba(0,0,0,.25); }
dialog.detail::backdrop { background: rgba(15,23,42,.45); }
dialog.detail h3 { margin-top: 0; padding-right: 80px; }
.close-form { float:right; margin:0; }
button.close { border:1px solid #d1d5db; background:#fff; border-radius:6px; padding:4px 10px; cursor:pointer; }
.reason { font-weight:600; }
.expect-actual { display:grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.known { background: var(--known-bg); padding:6px 10px; border-radius:4px; }
.stale { background: #fff7ed; padding:6px 10px; border-radius:4px; }
pre.log { background:#0f172a; color:#e2e8f0; border-color:#0f172a; }
.charts { display:grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 18px; margin-top: 14px; }
figure.chart { margin:0; border:1px solid var(--line); border-radius:6px; padding:10px; background:#fff; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart figcaption { font-weight:600; font-size:13px; margin-bottom:6px; }
tr.generator-bound td { background: #fffbeb; }
td.notes { font-size: 12px; min-width: 200px; }
.bench-deltas td.num { line-height: 1.3; }
.bench-deltas td.scenario { min-width: 170px; }
.ab { white-space:nowrap; }
.delta { white-space:nowrap; font-variant-numeric: tabular-nums; }
.delta em { font-style:normal; font-size:11px; padding:0 4px; border-radius:3px; }
.delta.better { color:var(--pass); } .delta.better em { background:var(--pass-bg); }
.delta.worse { color:var(--fail); } .delta.worse em { background:var(--fail-bg); }
.delta.same { color:var(--muted); }
.version-diff { margin-bottom: 18px; }
a.spec-link { text-decoration:none; white-space:nowrap; }
dl.statements { display:grid; grid-template-columns: max-content 1fr; gap: 2px 14px; }
dl.statements dt:target, dl.statements dt:target + dd { background: var(--known-bg); }
dl.statements dd { margin:0; }
footer { color: var(--muted); font-size: 12px; margin-top: 40px; border-top:1px solid var(--line); padding-top: 8px; }
@media print { .filters { position: static; } dialog { display:none; } }
`;
