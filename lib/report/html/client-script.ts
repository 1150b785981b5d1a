// The page's only script: status filter, search and click-to-detail over markup that is already
// rendered. It reads no data from the page into HTML (only toggles `hidden` and opens <dialog>s),
// so it cannot turn escaped text back into markup. Its hash goes into the page's CSP.
export const CLIENT_SCRIPT = `(() => {
  'use strict';
  const boxes = [...document.querySelectorAll('input[data-filter-status]')];
  const search = document.getElementById('matrix-search');
  const shown = document.getElementById('matrix-shown');
  const empty = document.getElementById('matrix-empty');
  const rows = [...document.querySelectorAll('tr.test-row')];
  const textOf = (el, sel) => { const x = el && el.querySelector(sel); return x ? x.textContent : ''; };
  const searchText = new Map(rows.map((r) => [r, ((r.dataset.id || '') + ' ' + textOf(r, '.title') + ' ' + (r.dataset.spec || '')).toLowerCase()]));
  function apply() {
    const allowed = new Set(boxes.filter((b) => b.checked).map((b) => b.dataset.filterStatus));
    const terms = (search ? search.value : '').toLowerCase().split(/\\s+/).filter(Boolean);
    let visible = 0;
    for (const row of rows) {
      const statuses = (row.dataset.statuses || '').split(' ');
      const text = searchText.get(row) || '';
      const show = statuses.some((s) => allowed.has(s)) && terms.every((t) => text.includes(t));
      row.hidden = !show;
      if (show) visible++;
    }
    for (const group of document.querySelectorAll('tbody.group')) {
      group.hidden = !group.querySelector('tr.test-row:not([hidden])');
    }
    if (shown) shown.textContent = visible + ' of ' + rows.length + ' tests';
    if (empty) empty.hidden = visible > 0;
  }
  for (const b of boxes) b.addEventListener('change', apply);
  if (search) search.addEventListener('input', apply);
  document.addEventListener('click', (e) => {
    const cell = e.target instanceof Element ? e.target.closest('[data-detail]') : null;
    if (!cell) return;
    let dialog = document.getElementById(cell.getAttribute('data-detail'));
    if (!dialog) {
      // A result without detail: fill the shared dialog from the cell and its row, as text only.
      dialog = document.getElementById('bare-detail');
      const row = cell.closest('tr');
      const slot = (name, text) => { const s = dialog.querySelector('[data-slot="' + name + '"]'); if (s) s.textContent = text; };
      slot('title', textOf(row, '.title'));
      slot('meta', cell.getAttribute('title') || '');
      slot('id', (row && row.dataset.id) || '');
      const spec = ((row && row.dataset.spec) || '').split(' ').filter(Boolean).join(', ');
      slot('spec', spec ? 'Statements: ' + spec : '');
    }
    for (const pre of dialog.querySelectorAll('pre[data-log]')) {
      const source = document.getElementById(pre.dataset.log);
      if (source && !pre.textContent) pre.textContent = source.textContent;
    }
    if (typeof dialog.showModal === 'function' && !dialog.open) dialog.showModal();
  });
  // A click on the dimmed backdrop (outside the dialog's box) closes it.
  for (const d of document.querySelectorAll('dialog')) {
    d.addEventListener('click', (e) => {
      const r = d.getBoundingClientRect();
      if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) d.close();
    });
  }
  apply();
})();`;
