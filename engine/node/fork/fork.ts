// Forking festivals in a data directory: a copy of what is kept (or a full-history clone) as a new
// festival, and `pull`, which brings the origin's later venue edits into a fork. Used by the CLI.
import { ownedItemsOf } from "../../core/bookings/fork-keep.js";
import { applyOwnedPull, planOwnedPull, type OwnedPull } from "../../core/bookings/fork-pull.js";
import * as A from "@automerge/automerge";
import { isValidAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import { PandafestError } from "../../core/errors.js";
import { checkSchema } from "../../core/schema-version.js";
import type { Festival } from "../../core/schema.js";
import type { FestivalStore } from "../store.js";
import { parseFestivalPatch } from "../../core/validate.js";
import { festivalView, visibilityOf } from "../../core/views.js";
import type { Visibility } from "../../core/schema.js";
import { governanceOf, visibleFestival } from "../../core/governance/index.js";
import { forkInit, forkOriginRecord, type KeptCounts } from "../../core/fork/copy.js";
import { planKeep } from "../../core/fork/keep.js";
import { applyVenuePull, planVenuePull, type VenuePull } from "../../core/fork/pull.js";

export interface ForkOptions {
  name: string;
  /** what to keep besides venues: "people", "events" (ignored names are refused) */
  keep?: string[];
  /** origin heads to fork from (see parseHeads); default: the origin as it is now */
  at?: string[];
  /** a full-history clone instead of a copy: everything is kept and can be merged back later */
  withHistory?: boolean;
  /** the new edition's first day (YYYY-MM-DD): dates and kept events move by as many days as the first day */
  shiftTo?: string;
  /** the new festival's visibility; the origin's when not given (a full-history clone always keeps the origin's) */
  visibility?: Visibility;
}

export interface ForkResult {
  id: string;
  url: string;
  name: string;
  forkedFrom: { id: string; url: string; heads: string[]; name: string };
  withHistory: boolean;
  /** what was copied (a clone keeps everything, counted the same way) */
  kept: KeptCounts;
  /** days the dates and kept events moved by (0 without --shift-to) */
  shiftedDays: number;
  startDate: string;
  endDate: string;
  visibility: Visibility;
  notes: string[];
}

export interface PullResult {
  fork: { id: string; name: string };
  origin: { id: string; url: string; name: string };
  /** the origin heads compared from (the fork's, or the last pull's) and to (the origin now) */
  fromHeads: string[];
  toHeads: string[];
  venues: VenuePull[];
  /** resources, and venues' owners and availability, pulled (engine/core/bookings/fork-pull.ts) */
  resources: OwnedPull[];
}

/** The origin's document at `heads`, refused clearly when this copy of it lacks those changes. */
function originAt(doc: A.Doc<Festival>, heads: string[], what: string): A.Doc<Festival> {
  if (!A.hasHeads(doc, heads)) {
    throw new PandafestError(
      `${what}: this data directory's copy of the origin does not contain ${heads.length === 1 ? "change" : "changes"} ${heads.map((head) => head.slice(0, 12)).join(", ")}; ` +
        "check the heads (`pandafest festival show ORIGIN --json`), or get the origin's latest changes first (a bundle, a stick sync, or `serve --peer`)",
      { code: "data" },
    );
  }
  return A.view(doc, heads);
}

function countsOf(doc: Festival): KeptCounts {
  const view = festivalView(doc);
  return { venues: Object.keys(view.venues).length, people: Object.keys(view.people).length, events: Object.keys(view.events).length };
}

/** Makes a fork of the festival `reference` in the store. Validates everything before writing. */
export async function forkFestival(store: FestivalStore, reference: string, options: ForkOptions): Promise<ForkResult> {
  if (options.withHistory && options.keep !== undefined && options.keep.length > 0) {
    throw new PandafestError("--keep does not go with --with-history: a full-history clone keeps everything; leave out one of them", {
      code: "usage",
    });
  }
  if (options.withHistory && options.shiftTo !== undefined) {
    throw new PandafestError("--shift-to does not go with --with-history: a full-history clone keeps the origin's dates; leave out one of them", {
      code: "usage",
    });
  }
  if (options.withHistory && options.visibility !== undefined) {
    throw new PandafestError(
      `--${options.visibility} does not go with --with-history: a full-history clone keeps the origin's visibility; leave it out, or fork without --with-history`,
      { code: "usage" },
    );
  }
  await store.requireIdentity();
  const origin = await store.resolve(reference);
  const current = origin.doc();
  // what the origin's members see: its proposals and other changes that do not count stay behind
  const heads = options.at ?? [...(governanceOf(current, origin.documentId).visibleHeads)].sort();
  const source = options.at === undefined ? visibleFestival(current, origin.documentId) : originAt(current, options.at, "--at");
  checkSchema(source);
  const sourceView = festivalView(source);
  const forkedFrom = { id: origin.documentId, url: origin.url, heads, name: sourceView.name };

  if (options.withHistory) {
    const { name } = parseFestivalPatch({ name: options.name });
    const forkName = name ?? options.name;
    let base: string[] = heads;
    const created = await store.createFromDoc(
      () => {
        const cloned = A.changeAt(
          A.clone(current),
          heads,
          { message: `clone of ${JSON.stringify(sourceView.name)} with its history, as ${JSON.stringify(forkName)}` },
          (doc) => {
            doc.name = new A.ImmutableString(forkName);
            doc.forkedFrom = forkOriginRecord(origin.url, heads, sourceView.name);
          },
        );
        base = cloned.newHeads ?? heads;
        return cloned.newDoc;
      },
      { base: () => base },
    );
    await store.commit();
    return {
      id: created.id,
      url: created.url,
      name: forkName,
      forkedFrom,
      withHistory: true,
      kept: countsOf(source),
      shiftedDays: 0,
      startDate: sourceView.startDate,
      endDate: sourceView.endDate,
      visibility: visibilityOf(sourceView.visibility),
      notes: [
        "the clone shares the origin's history: its changes can be merged back into the origin (see engine/fork/README.md)",
      ],
    };
  }

  const plan = planKeep(options.keep);
  const { init, kept, shiftedDays } = forkInit(
    { view: sourceView, url: origin.url, heads, owned: ownedItemsOf(source, origin.documentId) },
    options.name,
    plan,
    { shiftTo: options.shiftTo, visibility: options.visibility },
  );
  const created = await store.createFromDoc(() =>
    A.change(A.init<Festival>(), { message: `fork of ${JSON.stringify(sourceView.name)} keeping ${[...plan.parts].join(", ")}` }, init),
  );
  await store.commit();
  const made = created.handle.doc();
  return {
    id: created.id,
    url: created.url,
    name: String(made.name),
    forkedFrom,
    withHistory: false,
    kept,
    shiftedDays,
    startDate: String(made.startDate),
    endDate: String(made.endDate),
    visibility: visibilityOf(made.visibility),
    notes: plan.notes,
  };
}

/** Brings the origin's venue edits since the fork (or the last pull) into the fork `reference`. */
export async function pullFork(store: FestivalStore, reference: string): Promise<PullResult> {
  const { handle, editor } = await store.editorFor(reference);
  const forkView = festivalView(store.visible(handle));
  const recorded = forkView.forkedFrom;
  if (recorded === undefined || recorded.url === "") {
    throw new PandafestError(`festival "${forkView.name}" is not a fork (it records no origin); only a fork made with \`pandafest fork\` can pull`, {
      code: "usage",
    });
  }
  // only a festival this data directory follows: asking the repo for an unknown document leaves an unready handle behind
  const originId = isValidAutomergeUrl(recorded.url) ? parseAutomergeUrl(recorded.url).documentId : undefined;
  if (originId === undefined || !(await store.index.has(originId))) {
    throw new PandafestError(
      `the origin of "${forkView.name}", "${recorded.name}" (${recorded.url}), is not in this data directory; get it first (a bundle, a stick sync, or \`serve --peer\`), then pull again`,
      { code: "data" },
    );
  }
  const originHandle = await store.openById(originId);
  if (originHandle.documentId === handle.documentId) {
    throw new PandafestError(`festival "${forkView.name}" records itself as its origin; there is nothing to pull from`, { code: "data" });
  }
  const originDoc = originHandle.doc();
  const fromHeads = [...(recorded.pulledHeads ?? recorded.heads)].sort();
  const baseDoc = originAt(originDoc, fromHeads, `pull into "${forkView.name}"`);
  const base = festivalView(baseDoc);
  // what the origin's members see now: its proposals are not pulled
  const nowDoc = visibleFestival(originDoc, originHandle.documentId);
  const now = festivalView(nowDoc);
  const toHeads = [...governanceOf(originDoc, originHandle.documentId).visibleHeads].sort();
  const venues = planVenuePull(base, now, forkView);
  const ownedNow = ownedItemsOf(nowDoc, originHandle.documentId);
  const owned = planOwnedPull(ownedItemsOf(baseDoc, originHandle.documentId), ownedNow, ownedItemsOf(store.visible(handle), handle.documentId), new Set(Object.keys(forkView.venues)));
  // resources first: a refused venue value then leaves the pulled heads unrecorded, and the next pull finds these done
  applyOwnedPull(editor, owned, ownedNow);
  applyVenuePull(editor, venues, now, toHeads);
  await store.commit();
  return {
    fork: { id: handle.documentId, name: forkView.name },
    origin: { id: originHandle.documentId, url: originHandle.url, name: now.name },
    fromHeads,
    toHeads,
    venues,
    resources: owned,
  };
}
