/**
 * The HTML report's stylesheet and script, inlined into the page: the file must open anywhere (a
 * mail attachment, an artifact download, an air-gapped laptop) with no network at view time.
 */

export const HTML_STYLE = `
:root {
  --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --paper: #ffffff; --bg: #f1f5f9;
  --critical: #b91c1c; --high: #ea580c; --medium: #ca8a04; --low: #2563eb;
  --pass: #15803d; --partial: #d97706; --fail: #b91c1c; --na: #94a3b8;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 0 24px 48px; }
h1, h2, h3 { line-height: 1.2; margin: 0; }
h2 { font-size: 20px; margin: 40px 0 14px; display: flex; align-items: baseline; gap: 10px; }
h2 small { font-size: 13px; font-weight: 500; color: var(--muted); }
code, pre { font-family: var(--mono); font-size: 12.5px; }
a { color: inherit; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 12px; box-shadow: 0 1px 2px rgba(15,23,42,.04); }

/* verdict banner */
.banner { color: #fff; padding: 28px 0 30px; margin-bottom: 8px; }
.banner.r-NOT_READY { background: linear-gradient(120deg, #7f1d1d, #b91c1c 60%, #dc2626); }
.banner.r-CONDITIONALLY_READY { background: linear-gradient(120deg, #78350f, #b45309 60%, #d97706); }
.banner.r-PRODUCTION_READY { background: linear-gradient(120deg, #14532d, #15803d 60%, #16a34a); }
.banner .inner { max-width: 1180px; margin: 0 auto; padding: 0 24px; display: grid; grid-template-columns: 1fr auto; gap: 24px; align-items: center; }
.eyebrow { text-transform: uppercase; letter-spacing: .12em; font-size: 12px; opacity: .85; margin-bottom: 6px; }
.rating { font-size: 40px; font-weight: 800; letter-spacing: -.01em; }
.incomplete { margin: 6px 0 10px; padding: 6px 10px; border-radius: 6px; background: rgba(0,0,0,.25); font-weight: 600; }
.reasons { margin: 10px 0 0; padding: 0; list-style: none; opacity: .95; }
.reasons li::before { content: "— "; opacity: .7; }
.meta { margin-top: 14px; font-size: 13px; opacity: .85; }
.meta code { font-size: 12px; background: rgba(255,255,255,.15); padding: 1px 6px; border-radius: 4px; }
.gauge { --score: 0; width: 132px; height: 132px; border-radius: 50%; display: grid; place-items: center;
  background: conic-gradient(#fff calc(var(--score) * 1%), rgba(255,255,255,.22) 0); }
.gauge > div { width: 104px; height: 104px; border-radius: 50%; display: grid; place-items: center; text-align: center;
  background: rgba(0,0,0,.28); }
.gauge b { display: block; font-size: 34px; line-height: 1; }
.gauge span { display: block; font-size: 10px; text-transform: uppercase; letter-spacing: .08em; opacity: .85; margin-top: 4px; }
.chips { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 16px; }
.chip { background: rgba(255,255,255,.16); border-radius: 999px; padding: 3px 12px; font-size: 13px; font-weight: 600; }
.chip i { font-style: normal; opacity: .8; font-weight: 500; }

/* summary row */
.summary { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-top: 20px; }
.stat { padding: 14px 16px; }
.stat b { display: block; font-size: 26px; }
.stat span { color: var(--muted); font-size: 13px; }
.stat.sev-CRITICAL b { color: var(--critical); } .stat.sev-HIGH b { color: var(--high); }
.stat.sev-MEDIUM b { color: var(--medium); } .stat.sev-LOW b { color: var(--low); }
.recommend { margin-top: 12px; padding: 14px 18px; border-left: 4px solid var(--ink); }

/* scorecard */
.scorecard { width: 100%; border-collapse: separate; border-spacing: 4px; }
.scorecard th { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; text-align: center; padding: 4px; }
.scorecard th.cat { text-align: left; }
.scorecard td { border-radius: 8px; text-align: center; padding: 9px 6px; font-weight: 700; font-variant-numeric: tabular-nums; }
.scorecard td.cat { text-align: left; font-weight: 600; background: var(--paper); border: 1px solid var(--line); }
.scorecard td.cat small { display: block; font-weight: 400; color: var(--muted); font-size: 12px; }
.scorecard td.rank { color: var(--muted); font-weight: 500; width: 28px; }
.status { color: #fff; letter-spacing: .04em; font-size: 12px; width: 128px; }
.status.s-PASS { background: var(--pass); } .status.s-PARTIAL { background: var(--partial); } .status.s-FAIL { background: var(--fail); }
.status.s-NOT_APPLICABLE { background: var(--na); }
.status.s-NOT_AUDITED { background: repeating-linear-gradient(135deg, #94a3b8 0 8px, #a8b4c4 8px 16px); }
.heat { width: 96px; background: #f8fafc; color: #cbd5e1; border: 1px solid var(--line); cursor: default; }
.heat.h1, .heat.h2, .heat.h3 { color: #fff; border-color: transparent; cursor: pointer; }
.heat.h1.sev-CRITICAL { background: #ef4444; } .heat.h2.sev-CRITICAL { background: #dc2626; } .heat.h3.sev-CRITICAL { background: #991b1b; }
.heat.h1.sev-HIGH { background: #fb923c; } .heat.h2.sev-HIGH { background: #f97316; } .heat.h3.sev-HIGH { background: #c2410c; }
.heat.h1.sev-MEDIUM { background: #facc15; color: #422006; } .heat.h2.sev-MEDIUM { background: #eab308; color: #422006; } .heat.h3.sev-MEDIUM { background: #a16207; }
.heat.h1.sev-LOW { background: #60a5fa; } .heat.h2.sev-LOW { background: #3b82f6; } .heat.h3.sev-LOW { background: #1d4ed8; }
.heat:is(.h1, .h2, .h3):hover { outline: 3px solid rgba(15,23,42,.25); }
.scorecard tfoot td { background: var(--ink); color: #fff; }
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12px; color: var(--muted); margin-top: 10px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; background: var(--c); }

/* stop-ship */
.stopship { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; }
.stopship li { padding: 14px 18px 14px 64px; position: relative; border-left: 4px solid var(--critical); }
.stopship li::before { counter-increment: stop; content: counter(stop); position: absolute; left: 18px; top: 14px; width: 30px; height: 30px;
  border-radius: 50%; background: #fee2e2; color: var(--critical); display: grid; place-items: center; font-weight: 800; }
.stopship { counter-reset: stop; }
.stopship h3 { font-size: 16px; }
.stopship p { margin: 4px 0 0; color: #334155; font-size: 14px; }
.loc { font-family: var(--mono); font-size: 12.5px; color: var(--muted); }
.none { padding: 18px; color: var(--muted); }

/* findings */
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; padding: 12px 14px; position: sticky; top: 0; z-index: 2; }
.filters label { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .06em; display: flex; align-items: center; gap: 6px; }
.filters select, .filters input { font: inherit; font-size: 14px; padding: 6px 10px; border: 1px solid #cbd5e1; border-radius: 8px; background: #fff; color: var(--ink); }
.filters input { min-width: 260px; }
.filters output { margin-left: auto; color: var(--muted); font-size: 13px; }
.filters button { font: inherit; font-size: 13px; border: 0; background: none; color: var(--low); cursor: pointer; }
.table-wrap { overflow-x: auto; }
table.findings { width: 100%; min-width: 860px; border-collapse: collapse; margin-top: 10px; table-layout: fixed; }
table.findings col.c-sev { width: 104px; } table.findings col.c-cat { width: 130px; } table.findings col.c-loc { width: 250px; } table.findings col.c-class { width: 104px; }
td.loc { overflow-wrap: anywhere; }
table.agents { width: 100%; border-collapse: collapse; margin-top: 12px; font-size: 13px; }
table.agents th, table.agents td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); }
table.agents tr.total td { font-weight: 700; }
table.findings > thead th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); padding: 8px 12px; border-bottom: 1px solid var(--line); }
tr.finding > td { padding: 12px; border-bottom: 1px solid var(--line); vertical-align: top; background: var(--paper); }
tr.finding:target > td { background: #fff7ed; }
.sev { display: inline-block; min-width: 78px; text-align: center; color: #fff; font-size: 11px; font-weight: 700; letter-spacing: .06em; padding: 3px 8px; border-radius: 6px; }
.sev.sev-CRITICAL { background: var(--critical); } .sev.sev-HIGH { background: var(--high); }
.sev.sev-MEDIUM { background: var(--medium); } .sev.sev-LOW { background: var(--low); }
.class { font-size: 12px; white-space: nowrap; color: var(--muted); }
.class.c-stop-ship { color: var(--critical); font-weight: 700; }
details summary { cursor: pointer; font-weight: 600; list-style: none; }
details summary::-webkit-details-marker { display: none; }
details summary::before { content: "▸"; display: inline-block; width: 16px; color: var(--muted); transition: transform .15s; }
details[open] summary::before { transform: rotate(90deg); }
.detail { margin: 10px 0 0 16px; display: grid; gap: 8px; font-size: 14px; color: #334155; }
.detail p { margin: 0; }
.detail .k { font-weight: 700; color: var(--ink); }
.tags { font-size: 12px; color: var(--muted); }
pre.code { margin: 0; background: #0f172a; color: #e2e8f0; border-radius: 8px; padding: 10px 0; overflow-x: auto; }
pre.code .file { display: block; color: #94a3b8; padding: 0 14px 6px; }
pre.code .ln { display: inline-block; width: 52px; padding-right: 12px; text-align: right; color: #64748b; user-select: none; }
.empty { padding: 24px; text-align: center; color: var(--muted); }

/* roadmap */
.roadmap { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 12px; }
.week { padding: 16px; }
.week h3 { font-size: 15px; }
.week .hours { color: var(--muted); font-size: 13px; margin: 2px 0 10px; }
.week ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; font-size: 13px; }
.week li { display: grid; grid-template-columns: 10px minmax(0, 1fr); gap: 8px; }
.week li > span { overflow-wrap: anywhere; }
.week li::before { content: ""; width: 8px; height: 8px; border-radius: 50%; margin-top: 6px; background: var(--dot); }
.week .more { color: var(--muted); }

/* coverage */
.coverage { padding: 16px 20px; font-size: 14px; color: #334155; }
.coverage ul { margin: 6px 0 0; padding-left: 18px; }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 32px; }
@media (max-width: 760px) { .banner .inner { grid-template-columns: 1fr; } .summary { grid-template-columns: repeat(2, 1fr); } .heat { width: auto; } .filters { position: static; } .filters input { min-width: 0; } }
@media print { .filters { display: none; } tr.finding[hidden] { display: table-row; } .banner { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
`;

/**
 * Filters and the scorecard's click-through. It only shows and hides rows the page already holds:
 * no data is parsed or inserted at view time, so no repository text ever reaches innerHTML.
 */
export const HTML_SCRIPT = `
(() => {
  const rows = Array.from(document.querySelectorAll('tr.finding'));
  const severity = document.getElementById('filter-severity');
  const category = document.getElementById('filter-category');
  const text = document.getElementById('filter-text');
  const count = document.getElementById('filter-count');
  const empty = document.getElementById('filter-empty');
  const apply = () => {
    const s = severity.value, c = category.value, t = text.value.trim().toLowerCase();
    let shown = 0;
    for (const row of rows) {
      const visible = (!s || row.dataset.severity === s) && (!c || row.dataset.category === c) && (!t || row.textContent.toLowerCase().includes(t));
      row.hidden = !visible;
      if (visible) shown++;
    }
    count.textContent = shown + ' of ' + rows.length + ' shown';
    empty.hidden = shown !== 0;
  };
  severity.addEventListener('change', apply);
  category.addEventListener('change', apply);
  text.addEventListener('input', apply);
  document.getElementById('filter-reset').addEventListener('click', () => { severity.value = ''; category.value = ''; text.value = ''; apply(); });
  for (const cell of document.querySelectorAll('td.heat[data-count]:not([data-count="0"])')) {
    cell.addEventListener('click', () => {
      severity.value = cell.dataset.severity; category.value = cell.dataset.category; text.value = '';
      apply();
      document.getElementById('findings').scrollIntoView({ behavior: 'smooth' });
    });
  }
  apply();
})();
`;
