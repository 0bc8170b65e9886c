/**
 * The page's one style block: system fonts, readable on a phone (below 40rem) and on paper. Inline on the
 * app's page (allowed there by its hash), a file of the static site.
 */
export const PAGE_STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--pass:#1a7f37;--partial:#8a5a00;--fail:#c62828;--other:#59636e;--accent:#0b5cad}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:60rem;margin:0 auto;padding:1.5rem 1rem 3rem;overflow-wrap:anywhere}
a{color:var(--accent)}
a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
h1{font-size:1.6rem;margin:.2rem 0 1rem;word-break:break-word}
h2{font-size:1.25rem;margin:2rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:1.5rem 0 .5rem;display:flex;justify-content:space-between;gap:1rem}
.eyebrow{margin:0;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;font-size:.8rem}
.headline{display:flex;flex-wrap:wrap;align-items:baseline;gap:.5rem 1.5rem}
.score{font-size:3.5rem;font-weight:700;line-height:1}
.score small{font-size:1.25rem;color:var(--muted);font-weight:400}
.grade{font-size:1.5rem;font-weight:700;border:2px solid currentColor;border-radius:.4rem;padding:0 .5rem}
.grade-A,.grade-B{color:var(--pass)}.grade-C{color:var(--partial)}.grade-D,.grade-E{color:var(--fail)}
.level{font-size:1.1rem}
.level-note{color:var(--muted);margin:.5rem 0 0}
ul.plain{list-style:none;padding:0;margin:0}
.checklist li{display:flex;gap:.75rem;align-items:baseline;padding:.45rem 0;border-bottom:1px solid var(--line)}
.status{display:inline-block;min-width:7.5rem;font-weight:600;white-space:nowrap}
.st-pass{color:var(--pass)}.st-partial{color:var(--partial)}.st-fail{color:var(--fail)}.st-inconclusive,.st-exempt{color:var(--other)}
.phases li{display:grid;grid-template-columns:minmax(12rem,18rem) 1fr 3rem;gap:.75rem;align-items:center;padding:.3rem 0}
.phases meter{width:100%;height:1.1rem}
.phases .value{text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.steps li{margin:.5rem 0}
.gain{font-weight:600}
.why{margin:.25rem 0 0;color:var(--muted)}
.meta{margin:.75rem 0 0;color:var(--muted)}
.definition{margin:.25rem 0 0;color:var(--muted);font-size:.9rem}
details.decided{margin-left:auto}
details.decided summary{cursor:pointer;color:var(--accent)}
details.decided ul{margin:.25rem 0 0;padding-left:1rem}
.rule{padding:.6rem 0;border-bottom:1px solid var(--line)}
.rule-head{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:baseline}
.records{font-size:.85rem;color:var(--muted)}.records-verified,.records-verified a{color:var(--pass)}.records-failing,.records-failing a{color:var(--fail)}
.rule-title{font-weight:600}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:.1rem .3rem;border-radius:.25rem;word-break:break-word}
.evidence{margin:.35rem 0 0 1rem;padding:0}
.evidence li{margin:.2rem 0}
.message{margin:.35rem 0 0}
.fix{margin:.35rem 0 0}
.note{background:var(--soft);border-left:4px solid var(--partial);padding:.5rem .75rem;margin:1rem 0}
pre{background:var(--soft);padding:.75rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{margin-top:2.5rem;color:var(--muted);font-size:.9rem}
@media (max-width:40rem){.score{font-size:2.75rem}.status{min-width:0}.checklist li{flex-direction:column;gap:0}details.decided{margin-left:0}.phases li{grid-template-columns:1fr 3rem;gap:.1rem .75rem}.phases .name{grid-column:1/-1}}
@media print{body{font-size:11pt}main{max-width:none;padding:0}a{color:inherit;text-decoration:none}.rule{break-inside:avoid}}
`.trim();
