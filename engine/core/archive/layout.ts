// The frame every archive page shares: document head (charset, viewport, the one style sheet), the header with
// the festival's name and days, and the footer. No script anywhere: the archive reads with JavaScript off.
import { html, type Fragment, type Markup } from "./html.js";
import type { ArchiveModel } from "./archive-model.js";
import { INDEX_PAGE, relativeHref, STYLE_SHEET } from "./file-names.js";
import { shortDayLabel } from "./when.js";

/** Past this many days the header links the index's list of days instead of each day. */
const MAX_DAYS_IN_HEADER = 14;

export interface PageFrame {
  /** this page's path in the archive: every link on it is made relative to it */
  path: string;
  /** the page's own heading and the first part of its <title> (the index has none) */
  title?: string;
  body: Fragment;
}

/** A link from the page at `from` to another page of the archive (relative) with festival text as its label. */
export function pageLink(from: string, to: string, label: Fragment, className?: string): Markup {
  return html`<a href="${relativeHref(from, to)}"${className ? html` class="${className}"` : ""}>${label}</a>`;
}

export function page(model: ArchiveModel, frame: PageFrame): Markup {
  const title = frame.title === undefined ? model.name : `${frame.title} · ${model.name}`;
  const days =
    model.days.length <= MAX_DAYS_IN_HEADER
      ? model.days.map((day) => html`<li>${day.path === frame.path ? html`<span aria-current="page">${shortDayLabel(day.date)}</span>` : pageLink(frame.path, day.path, shortDayLabel(day.date))}</li>`)
      : html`<li>${pageLink(frame.path, `${INDEX_PAGE}#days`, "Days")}</li>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${model.isPrivate ? html`<meta name="robots" content="noindex, nofollow">\n` : ""}<title>${title}</title>
<link rel="stylesheet" href="${relativeHref(frame.path, STYLE_SHEET)}">
</head>
<body>
<header class="site">
<p class="festival">${frame.path === INDEX_PAGE ? html`<bdi>${model.name}</bdi>` : pageLink(frame.path, INDEX_PAGE, html`<bdi>${model.name}</bdi>`)}</p>
<nav aria-label="Days"><ul class="days">${days}</ul></nav>
</header>
<main>
${frame.body}
</main>
<footer>
<p>Times are in ${model.timeZone}. ${pageLink(frame.path, INDEX_PAGE, "Programme")} · ${pageLink(frame.path, `${INDEX_PAGE}#venues`, "Venues")} · ${pageLink(frame.path, `${INDEX_PAGE}#people`, "People")} · ${pageLink(frame.path, `${INDEX_PAGE}#downloads`, "Downloads")}</p>
<p class="made">A static archive written by pandafest.</p>
</footer>
</body>
</html>
`;
}
