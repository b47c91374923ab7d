// The archive's one style sheet: readable from a 360 px phone to a desktop, light and dark, printable; nothing
// on a page depends on it (the pages read as plain HTML without it).
export const STYLE_SHEET_TEXT = `:root { color-scheme: light dark; --muted: #5b5b66; --line: #d8d8de; --accent: #7a3e00; --cancel: #a1001b; }
@media (prefers-color-scheme: dark) { :root { --muted: #a9a9b6; --line: #3a3a44; --accent: #ffb366; --cancel: #ff8a9a; } }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 52rem; padding: 0 1rem 2rem; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; overflow-wrap: anywhere; }
a { color: var(--accent); }
header.site { border-bottom: 1px solid var(--line); padding: .75rem 0 .5rem; }
header.site .festival { margin: 0; font-weight: 600; }
ul.days { display: flex; flex-wrap: wrap; gap: .25rem .9rem; list-style: none; margin: .4rem 0 0; padding: 0; font-size: .95rem; }
ul.days [aria-current] { font-weight: 600; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1.2rem 0 .4rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .5rem; }
.dates, .count, .where, .who, footer { color: var(--muted); }
.notice { border-left: 4px solid var(--accent); padding: .3rem .7rem; }
ul.index, ul.events { list-style: none; margin: 0; padding: 0; }
ul.index li { padding: .25rem 0; }
ul.events li { display: flex; flex-wrap: wrap; gap: 0 .8rem; padding: .45rem 0; border-top: 1px solid var(--line); }
ul.events .time { flex: 0 0 auto; min-width: 7.5rem; font-variant-numeric: tabular-nums; }
ul.events .what { flex: 1 1 16rem; min-width: 0; }
.title { font-weight: 600; }
li.cancelled .title, h1.cancelled { text-decoration: line-through; }
.status { display: inline-block; font-size: .8rem; font-weight: 600; padding: 0 .4rem; border: 1px solid currentColor; border-radius: .3rem; }
.status.cancelled { color: var(--cancel); }
dl.details { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; margin: 1rem 0; }
dl.details dt { font-weight: 600; }
dl.details dd { margin: 0; min-width: 0; }
@media (max-width: 30rem) { dl.details { grid-template-columns: 1fr; gap: 0; } dl.details dd { margin-bottom: .5rem; } }
.pager { display: flex; justify-content: space-between; flex-wrap: wrap; gap: .5rem; margin-top: 2rem; }
footer { border-top: 1px solid var(--line); margin-top: 2.5rem; font-size: .9rem; }
@media print { header.site nav, .pager { display: none; } a { color: inherit; text-decoration: none; } }
`;
