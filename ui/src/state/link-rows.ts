// The rows of a form's list of links (title and address), as the person types them, and the list they stand for:
// empty rows left out, an empty title read as the address (as the CLI's --link does), compared with the stored list.
import type { LinkInput } from "../../../engine/core/validate.js";

/** One row of the form; `key` stays with the row while others are added or removed. */
export interface LinkRow {
  key: number;
  title: string;
  url: string;
}

let nextKey = 0;

/** A new row, empty or holding a stored link. */
export function linkRow(link: LinkInput = { title: "", url: "" }): LinkRow {
  nextKey += 1;
  return { key: nextKey, title: link.title, url: link.url };
}

/** The rows that stand for a link (not both parts empty), with the links they write, in order. */
export function filledLinkRows(rows: readonly LinkRow[]): Array<{ row: LinkRow; link: LinkInput }> {
  return rows
    .map((row) => ({ row, title: row.title.trim(), url: row.url.trim() }))
    .filter(({ title, url }) => title !== "" || url !== "")
    .map(({ row, title, url }) => ({ row, link: { title: title === "" ? url : title, url } }));
}

/** True when two lists hold the same links in the same order. */
export function sameLinks(a: readonly LinkInput[], b: readonly LinkInput[]): boolean {
  return a.length === b.length && a.every((link, index) => link.title === b[index].title && link.url === b[index].url);
}
