// Crawls a static archive (path -> text) from index.html the way a reader clicks: every href of every page it
// reaches, resolved relative to the page; reports links to files that are not there and fragments with no target.
// A link out of the archive is allowed only as an http(s) URL on a tag marked rel="external".
import path from "node:path";

export interface CrawlResult {
  /** pages reached from index.html by following links */
  reached: Set<string>;
  /** "from -> href" for each link whose file (or #fragment) does not exist */
  broken: string[];
  /** every href seen, as written */
  hrefs: string[];
}

/** The href and src attributes of a page (the archive writes them double-quoted), and whether their tag says rel="external". */
export function linksOf(text: string): { href: string; external: boolean }[] {
  const links: { href: string; external: boolean }[] = [];
  for (const tag of text.matchAll(/<[a-z][^>]*>/g)) {
    const href = /\s(?:href|src)="([^"]*)"/.exec(tag[0]);
    if (href) links.push({ href: href[1].replace(/&amp;/g, "&"), external: /\srel="[^"]*\bexternal\b[^"]*"/.test(tag[0]) });
  }
  return links;
}

export function crawlArchive(files: ReadonlyMap<string, string>, start = "index.html"): CrawlResult {
  const reached = new Set<string>([start]);
  const broken: string[] = [];
  const hrefs: string[] = [];
  const queue = [start];
  for (let steps = 0; queue.length > 0 && steps < 1_000_000; steps += 1) {
    const from = queue.shift() as string;
    const text = files.get(from) ?? "";
    for (const { href, external } of linksOf(text)) {
      hrefs.push(href);
      if (external && /^https?:\/\//.test(href)) continue;
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("/")) {
        broken.push(`${from} -> ${href} (not relative)`);
        continue;
      }
      const [file, fragment] = href.split("#");
      const target = file === "" ? from : path.posix.normalize(path.posix.join(path.posix.dirname(from), file));
      const targetText = files.get(target);
      if (targetText === undefined || target.startsWith("..")) {
        broken.push(`${from} -> ${href}`);
        continue;
      }
      if (fragment !== undefined && !targetText.includes(`id="${fragment}"`)) broken.push(`${from} -> ${href} (no such id)`);
      if (target.endsWith(".html") && !reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  return { reached, broken, hrefs };
}
