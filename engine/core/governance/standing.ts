// Which changes of a festival count: the rule every replica applies to the same signed history, so all that
// hold the same changes show the same festival, whatever order and transport brought them.
import * as A from "@automerge/automerge";
import { holdsChanges } from "../../internals/automerge-backend.js";
import { actorCoverages, type ActorCoverage } from "../provenance.js";
import type { Festival } from "../schema.js";
import {
  foundedFestivalId,
  hasFoundedMarker,
  parseGovernanceMessage,
  roleIncludes,
  roleNeeded,
  type GovernanceRecord,
  type Mode,
  type Role,
} from "./records.js";

/*
 * The rule (docs/DESIGN.md, "Who may change a festival"):
 * - A festival whose id has no founded marker was made before governance: every change counts.
 * - Otherwise its founding change is the one whose hash makes the id. It and everything before it count; its
 *   verified author (the founder) manages, and its record says whether the festival starts organised or open.
 * - Any other change counts when it descends from the founding change, every change it depends on counts, and
 *   at its dependencies (its causal past, nothing else) its author may make it: in an open festival anyone may
 *   edit, signed or not; otherwise its verified author needs `edit`, or `manage` for a grant, a withdrawal or a
 *   mode switch. Accepting or rejecting a proposal needs `edit` (`manage` when the proposal is a governance record).
 * - Roles at a point are the counting grants and withdrawals in its past: per key the latest ones; when several
 *   are concurrent, the lowest role wins (a withdrawal beats a grant, edit beats manage). The mode likewise, where
 *   organised beats open. A grant or withdrawal that would leave no manager does not count.
 * - A change that does not count is a proposal (verified author), pending (no attestation yet: it counts once its
 *   attestation arrives, if the rest holds), rejected, or outside (not descended from the founding change). A
 *   proposal counts once an acceptance that counts names it, unless a counting rejection came after that
 *   acceptance. Its author stays its author.
 */

export type ChangeStatus = "counts" | "proposal" | "pending" | "rejected" | "outside";

/** Where one change stands. */
export interface ChangeStanding {
  hash: string;
  index: number;
  status: ChangeStatus;
  /** its verified author's key, when it is verified */
  author: string | null;
  record: GovernanceRecord | null;
  /** the key whose acceptance made it count */
  acceptedBy?: string;
  /** the key whose rejection keeps it out */
  rejectedBy?: string;
  /** why it does not count */
  reason?: string;
}

/**
 * How a change stands, in words, for history: "proposed", "proposed, accepted by Ada", "proposed, rejected by Ada",
 * "not signed yet" or "not part of this festival"; "" when it simply counts.
 */
export function standingText(standing: ChangeStanding | undefined, nameOf: (key: string) => string): string {
  if (standing === undefined) return "";
  if (standing.status === "counts") return standing.acceptedBy ? `proposed, accepted by ${nameOf(standing.acceptedBy)}` : "";
  if (standing.status === "rejected") return `proposed, rejected${standing.rejectedBy ? ` by ${nameOf(standing.rejectedBy)}` : ""}`;
  if (standing.status === "pending") return "not signed yet";
  return standing.status === "outside" ? "not part of this festival" : "proposed";
}

export interface FestivalGovernance {
  /** made with a founding change (false: made before governance, always open) */
  founded: boolean;
  founder: string | null;
  /** the mode and roles at the visible heads */
  mode: Mode;
  roles: ReadonlyMap<string, Role>;
  /** every change counts: the visible festival is the document itself */
  allCount: boolean;
  /** the heads of the changes that count */
  visibleHeads: string[];
  /** every change, in the document's causal order, with its standing */
  changes: readonly ChangeStanding[];
  /** the document's change metadata (empty for a festival made before governance) */
  metadata: readonly A.ChangeMetadata[];
  /** each change's index in `metadata` by hash, when the decision keeps one (it may hold later changes too) */
  indexOf?: ReadonlyMap<string, number>;
}

interface Pass {
  /** 1 where the change counts (typed arrays: a later version copies them cheaply) */
  counts: Uint8Array;
  standings: ChangeStanding[];
  stateBefore: Int32Array;
  /** the indices of the changes that are pending (kept so a later version need not look at every change) */
  pending: number[];
  /** the indices of the counting changes no other counting change depends on (the visible heads) */
  heads: number[];
}

const results = new WeakMap<object, { festivalId: string; governance: FestivalGovernance }>();

/**
 * The last decision made per festival, so the next version of the document (a few changes later: an edit, a sync
 * message) is decided from the new changes alone. Bounded, oldest dropped first.
 */
const latest = new Map<string, Decision>();
const LATEST_LIMIT = 8;

/** What a full decision leaves behind to be extended. */
interface Decision {
  heads: string[];
  metadata: A.ChangeMetadata[];
  records: (GovernanceRecord | null)[];
  founder: string | null;
  /** absent while every change counts in an open festival with no record but its founding */
  graph?: Graph;
  pass?: Pass;
  accepted?: Map<number, string>;
  coverages: Map<string, ActorCoverage>;
  governance: FestivalGovernance;
}

/** The standing of every change of `doc` decided from nothing, without the memo (tests compare it with governanceOf). */
export function decideAfresh(doc: A.Doc<Festival>, festivalId: string): FestivalGovernance {
  return hasFoundedMarker(festivalId) ? decide(doc, festivalId).governance : openToAll(doc, false, null, []);
}

/** The standing of every change of `doc`, the festival `festivalId` (remembered per document version). */
export function governanceOf(doc: A.Doc<Festival>, festivalId: string): FestivalGovernance {
  const known = results.get(doc);
  if (known !== undefined && known.festivalId === festivalId) return known.governance;
  let governance: FestivalGovernance;
  if (!hasFoundedMarker(festivalId)) governance = openToAll(doc, false, null, []);
  else {
    const previous = latest.get(festivalId);
    const decision = (previous === undefined ? undefined : extended(previous, doc, festivalId)) ?? decide(doc, festivalId);
    latest.delete(festivalId);
    latest.set(festivalId, decision);
    if (latest.size > LATEST_LIMIT) latest.delete(latest.keys().next().value as string);
    governance = decision.governance;
  }
  results.set(doc, { festivalId, governance });
  return governance;
}

function openToAll(doc: A.Doc<Festival>, founded: boolean, founder: string | null, metadata: readonly A.ChangeMetadata[]): FestivalGovernance {
  return {
    founded,
    founder,
    mode: "open",
    roles: founder === null ? new Map() : new Map([[founder, "manage"]]),
    allCount: true,
    visibleHeads: A.getHeads(doc),
    changes: [],
    metadata,
  };
}

/**
 * The changes whose actors the decision verifies: changes up to the founding one count whoever wrote them, so only
 * the actors writing after it (and the founder's) need their attestations checked (a fork with history holds its
 * origin's changes, attested for another festival id).
 */
function actorsVerified(metadata: readonly A.ChangeMetadata[], founding: number): A.ChangeMetadata[] {
  const past = pastOf(metadata, founding);
  const actors = new Set(metadata.filter((_, index) => !past.has(index)).map((change) => change.actor));
  actors.add(metadata[founding].actor);
  return metadata.filter((change) => actors.has(change.actor));
}

/**
 * Of a festival's change metadata, those whose attestations deciding `festivalId` checks (none before it is
 * founded here): for pendingSignatureCheckSteps, so a page can check them in the background before it decides.
 */
export function governanceSignatureScope(festivalId: string): (metadata: readonly A.ChangeMetadata[]) => A.ChangeMetadata[] {
  return (unordered) => {
    const metadata = causalOrder([...unordered]);
    const founding = metadata.findIndex((change) => {
      const record = parseGovernanceMessage(change.message);
      return record?.kind === "found" && foundedFestivalId(change.hash) === festivalId;
    });
    return founding < 0 ? [] : actorsVerified(metadata, founding);
  };
}

function decide(doc: A.Doc<Festival>, festivalId: string): Decision {
  const heads = A.getHeads(doc);
  const metadata = causalOrder(A.getChangesMetaSince(doc, []));
  const records = metadata.map((change) => parseGovernanceMessage(change.message));
  const founding = metadata.findIndex((change, index) => records[index]?.kind === "found" && foundedFestivalId(change.hash) === festivalId);
  if (founding < 0) {
    // the founding change is not here: nothing can be decided, nothing counts
    const changes = metadata.map((change, index): ChangeStanding => ({
      hash: change.hash,
      index,
      status: "outside",
      author: null,
      record: records[index],
      reason: "the festival's founding change is not here",
    }));
    const governance: FestivalGovernance = { founded: true, founder: null, mode: "organised", roles: new Map(), allCount: false, visibleHeads: [], changes, metadata };
    // never extended: a later version may bring the founding change
    return { heads: [], metadata, records, founder: null, coverages: new Map(), governance };
  }
  const coverages = actorCoverages(doc, festivalId, actorsVerified(metadata, founding));
  const founder = verifiedAuthor(coverages, metadata[founding]);
  const foundingRecord = records[founding] as { kind: "found"; mode: Mode };
  if (foundingRecord.mode === "open" && records.every((record, index) => record === null || index === founding)) {
    return { heads, metadata, records, founder, coverages, governance: openToAll(doc, true, founder, metadata) };
  }
  const graph = new Graph(metadata, records, founding, founder);
  const authorOf = (index: number): string | null => verifiedAuthor(coverages, metadata[index]);
  let accepted = new Map<number, string>();
  let pass = graph.run(authorOf, accepted);
  for (let round = 0; round < 4; round += 1) {
    const decided = graph.decisions(pass, authorOf);
    if (sameDecisions(decided.accepted, accepted)) {
      graph.markDecisions(pass, decided);
      break;
    }
    accepted = decided.accepted;
    pass = graph.run(authorOf, accepted);
    if (round === 3) graph.markDecisions(pass, graph.decisions(pass, authorOf));
  }
  return { heads, metadata, records, founder, graph, pass, accepted, coverages, governance: summary(doc, graph, pass, founder, metadata) };
}

function summary(doc: A.Doc<Festival>, graph: Graph, pass: Pass, founder: string | null, metadata: A.ChangeMetadata[]): FestivalGovernance {
  const visibleHeads = pass.heads.map((index) => metadata[index].hash).sort();
  const allCount = !pass.counts.includes(0);
  const atHeads = graph.derive(graph.stateAt(pass.heads, pass));
  return {
    founded: true,
    founder,
    mode: atHeads.mode,
    roles: atHeads.roles,
    allCount,
    visibleHeads: allCount ? A.getHeads(doc) : visibleHeads,
    changes: pass.standings,
    metadata,
    indexOf: graph.indexOf,
  };
}

/**
 * `previous` extended by the changes `doc` holds beyond it, or undefined when they could change how an earlier
 * change stands (then everything is decided again): a decision on a proposal, an attestation for an actor whose
 * earlier changes were pending or for the founder not verified yet, a founding record, or a version that is not a
 * successor of the previous one.
 */
function extended(previous: Decision, doc: A.Doc<Festival>, festivalId: string): Decision | undefined {
  // no founder known yet (its attestation may be among the new changes): decided again
  if (previous.heads.length === 0 || previous.founder === null || !holdsChanges(doc, previous.heads)) return undefined;
  const added = A.getChangesMetaSince(doc, previous.heads);
  if (added.length === 0) return { ...previous, heads: A.getHeads(doc) };
  // the changes since the previous heads are new to it (Automerge lists none in their past); the graph's index
  // drops any it knows all the same
  const graphIndex = previous.graph?.indexOf;
  const fresh = causalOrderAfter(added, graphIndex === undefined || graphIndex.size !== previous.metadata.length ? () => false : (hash) => graphIndex.has(hash));
  const records = fresh.map((change) => parseGovernanceMessage(change.message));
  if (records.some((record) => record?.kind === "found" || record?.kind === "accept" || record?.kind === "reject")) return undefined;
  // a decision that arrived before the change it names
  const decided = decidedHashesOf(previous);
  if (fresh.some((change) => decided.has(change.hash))) return undefined;
  const actors = new Set(fresh.map((change) => change.actor));
  // a pending change whose actor wrote again (usually its attestation) may count now: the pass is run again from it
  let firstPending = previous.metadata.length;
  if (previous.pass !== undefined) {
    for (const index of previous.pass.pending) {
      const standing = previous.pass.standings[index];
      if (actors.has(previous.metadata[index].actor)) {
        // a pending decision or role change may change what else counts (acceptances are settled together): decided again
        if (standing.record !== null) return undefined;
        firstPending = Math.min(firstPending, standing.index);
      }
    }
  }
  const metadata = previous.metadata.concat(fresh);
  const coverages = new Map(previous.coverages);
  const byActor = changesByActorOf(previous);
  const nextByActor = new Map(byActor);
  for (const actor of actors) nextByActor.set(actor, [...(byActor.get(actor) ?? []), ...fresh.filter((change) => change.actor === actor)]);
  for (const [actor, coverage] of actorCoverages(doc, festivalId, [...actors].flatMap((actor) => nextByActor.get(actor) ?? []))) coverages.set(actor, coverage);
  /** the extended decision, with what this one remembered carried on */
  const carried = (decision: Decision): Decision => {
    changesByActor.set(decision, nextByActor);
    decidedHashes.set(decision, decided);
    return decision;
  };
  const allRecords = previous.records.concat(records);
  if (previous.graph === undefined || previous.pass === undefined || previous.accepted === undefined) {
    // open, with no record but the founding one: so it stays while no record arrives
    if (records.some((record) => record !== null) || firstPending < previous.metadata.length) return undefined;
    return carried({ ...previous, heads: A.getHeads(doc), metadata, records: allRecords, coverages, governance: openToAll(doc, true, previous.founder, metadata) });
  }
  const graph = previous.graph;
  const start = Math.min(graph.append(fresh, records), firstPending);
  const authorOf = (index: number): string | null => verifiedAuthor(coverages, metadata[index]);
  const pass = graph.run(authorOf, previous.accepted, { pass: previous.pass, start });
  return carried({
    heads: A.getHeads(doc),
    metadata,
    records: allRecords,
    founder: previous.founder,
    graph,
    pass,
    accepted: previous.accepted,
    coverages,
    governance: summary(doc, graph, pass, previous.founder, metadata),
  });
}

/** `decision`'s changes by actor (remembered per decision). */
const changesByActor = new WeakMap<Decision, Map<string, A.ChangeMetadata[]>>();
function changesByActorOf(decision: Decision): Map<string, A.ChangeMetadata[]> {
  let byActor = changesByActor.get(decision);
  if (byActor === undefined) {
    byActor = new Map();
    for (const change of decision.metadata) {
      const list = byActor.get(change.actor);
      if (list === undefined) byActor.set(change.actor, [change]);
      else list.push(change);
    }
    changesByActor.set(decision, byActor);
  }
  return byActor;
}

/** The hashes that an acceptance or rejection among `decision`'s records names (remembered per decision). */
const decidedHashes = new WeakMap<Decision, Set<string>>();
function decidedHashesOf(decision: Decision): Set<string> {
  let hashes = decidedHashes.get(decision);
  if (hashes === undefined) {
    hashes = new Set(decision.records.flatMap((record) => (record?.kind === "accept" || record?.kind === "reject" ? [record.hash] : [])));
    decidedHashes.set(decision, hashes);
  }
  return hashes;
}

/** Changes `isKnown` does not know, each after its dependencies among them. */
function causalOrderAfter(changes: A.ChangeMetadata[], isKnown: (hash: string) => boolean): A.ChangeMetadata[] {
  const seen = new Set<string>();
  const ordered = causalOrder(changes.filter((change) => !isKnown(change.hash)));
  return ordered.filter((change) => {
    if (seen.has(change.hash)) return false;
    seen.add(change.hash);
    return true;
  });
}

/** The indices of the change at `index` and of every change it depends on (`metadata` in causal order). */
function pastOf(metadata: readonly A.ChangeMetadata[], index: number): Set<number> {
  const indexOf = new Map(metadata.map((change, position) => [change.hash, position]));
  const past = new Set<number>();
  const stack = [index];
  while (stack.length > 0) {
    const next = stack.pop() as number;
    if (past.has(next)) continue;
    past.add(next);
    for (const dep of metadata[next].deps) {
      const position = indexOf.get(dep);
      if (position !== undefined) stack.push(position);
    }
  }
  return past;
}

function sameDecisions(left: ReadonlyMap<number, string>, right: ReadonlyMap<number, string>): boolean {
  if (left.size !== right.size) return false;
  for (const [index, key] of left) if (right.get(index) !== key) return false;
  return true;
}

function verifiedAuthor(coverages: ReadonlyMap<string, ActorCoverage>, change: A.ChangeMetadata): string | null {
  const coverage = coverages.get(change.actor);
  if (coverage === undefined || "reason" in coverage) return null;
  return change.seq <= coverage.throughSeq ? coverage.key : null;
}

/** The changes with every change's dependencies before it (Automerge lists them so; sorted again only if not). */
function causalOrder(metadata: A.ChangeMetadata[]): A.ChangeMetadata[] {
  const seen = new Set<string>();
  let ordered = true;
  for (const change of metadata) {
    if (!change.deps.every((dep) => seen.has(dep))) {
      ordered = false;
      break;
    }
    seen.add(change.hash);
  }
  if (ordered) return metadata;
  const byHash = new Map(metadata.map((change) => [change.hash, change]));
  const result: A.ChangeMetadata[] = [];
  const done = new Set<string>();
  const visit = (change: A.ChangeMetadata) => {
    const stack: Array<{ change: A.ChangeMetadata; next: number }> = [{ change, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (done.has(top.change.hash)) {
        stack.pop();
        continue;
      }
      const dep = top.change.deps[top.next++];
      if (dep === undefined) {
        done.add(top.change.hash);
        result.push(top.change);
        stack.pop();
      } else if (!done.has(dep) && byHash.has(dep)) stack.push({ change: byHash.get(dep) as A.ChangeMetadata, next: 0 });
    }
  };
  for (const change of metadata) visit(change);
  return result;
}

interface Derived {
  mode: Mode;
  roles: Map<string, Role>;
}

/** The change graph of one festival and the governance states along it (interned sets of counting records). */
class Graph {
  readonly indexOf = new Map<string, number>();
  private readonly metadata: A.ChangeMetadata[];
  private readonly records: (GovernanceRecord | null)[];
  private readonly deps: number[][];
  private readonly beforeFounding: boolean[];
  private readonly descends: boolean[];
  /** interned states: sorted indices of the counting governance records in a change's past */
  private readonly states: number[][] = [[]];
  private readonly stateIds = new Map<string, number>([["", 0]]);
  private readonly stateSets = new Map<number, Set<number>>();
  private readonly derived = new Map<number, Derived>();
  private readonly recordPast = new Map<number, number>();

  constructor(
    metadata: readonly A.ChangeMetadata[],
    records: readonly (GovernanceRecord | null)[],
    private readonly founding: number,
    private readonly founder: string | null,
  ) {
    this.metadata = [...metadata];
    this.records = [...records];
    metadata.forEach((change, index) => this.indexOf.set(change.hash, index));
    this.deps = metadata.map((change) => change.deps.map((dep) => this.indexOf.get(dep)).filter((dep): dep is number => dep !== undefined));
    this.beforeFounding = metadata.map(() => false);
    const stack = [founding];
    while (stack.length > 0) {
      const index = stack.pop() as number;
      if (this.beforeFounding[index]) continue;
      this.beforeFounding[index] = true;
      stack.push(...this.deps[index]);
    }
    this.descends = metadata.map(() => false);
    metadata.forEach((_, index) => {
      this.descends[index] = index === founding || this.deps[index].some((dep) => this.descends[dep]);
    });
    // room for the changes appended later: an array built at its exact length is copied whole by its first push
    // (0.1-0.2 ms each on the large festival, paid by the next edit); grown once here, it keeps the room it was
    // given when it shrinks back by one
    for (const list of [this.metadata, this.records, this.deps, this.beforeFounding, this.descends] as unknown[][]) {
      list.push(undefined);
      list.pop();
    }
  }

  /** Adds changes made since (none of them before the founding change); returns the index of the first. */
  append(changes: readonly A.ChangeMetadata[], records: readonly (GovernanceRecord | null)[]): number {
    const start = this.metadata.length;
    changes.forEach((change, offset) => {
      const index = start + offset;
      this.metadata.push(change);
      this.records.push(records[offset]);
      this.indexOf.set(change.hash, index);
      const deps = change.deps.map((dep) => this.indexOf.get(dep)).filter((dep): dep is number => dep !== undefined);
      this.deps.push(deps);
      this.beforeFounding.push(false);
      this.descends.push(deps.some((dep) => this.descends[dep]));
    });
    return start;
  }

  private intern(records: number[]): number {
    const key = records.join(",");
    let id = this.stateIds.get(key);
    if (id === undefined) {
      id = this.states.length;
      this.states.push(records);
      this.stateIds.set(key, id);
    }
    return id;
  }

  private merge(stateIds: readonly number[]): number {
    const distinct = [...new Set(stateIds)];
    if (distinct.length === 0) return 0;
    if (distinct.length === 1) return distinct[0];
    const union = new Set<number>();
    for (const id of distinct) for (const record of this.states[id]) union.add(record);
    return this.intern([...union].sort((left, right) => left - right));
  }

  private setOf(stateId: number): Set<number> {
    let set = this.stateSets.get(stateId);
    if (set === undefined) {
      set = new Set(this.states[stateId]);
      this.stateSets.set(stateId, set);
    }
    return set;
  }

  /** The governance state after the changes `indices` (a set of heads). */
  stateAt(indices: readonly number[], pass: Pass): number {
    return this.merge(indices.filter((index) => index >= 0).map((index) => this.after(index, pass)));
  }

  private after(index: number, pass: Pass): number {
    const before = pass.stateBefore[index];
    if (!pass.counts[index] || this.records[index] === null) return before;
    return this.intern([...this.states[before], index].sort((left, right) => left - right));
  }

  /** Mode and roles in a state. */
  derive(stateId: number): Derived {
    const known = this.derived.get(stateId);
    if (known !== undefined) return known;
    const records = this.states[stateId];
    const maximal = (indices: number[]) =>
      indices.filter((index) => !indices.some((other) => other !== index && this.setOf(this.recordPast.get(other) ?? 0).has(index)));
    const modes = maximal(records.filter((index) => this.records[index]?.kind === "found" || this.records[index]?.kind === "mode"));
    const mode: Mode = modes.length === 0 ? "open" : modes.some((index) => (this.records[index] as { mode: Mode }).mode === "organised") ? "organised" : "open";
    const bySubject = new Map<string, number[]>();
    for (const index of records) {
      const record = this.records[index];
      const subject = record?.kind === "grant" || record?.kind === "withdraw" ? record.key : index === this.founding ? this.founder : null;
      if (subject === null || subject === undefined) continue;
      const list = bySubject.get(subject);
      if (list === undefined) bySubject.set(subject, [index]);
      else list.push(index);
    }
    const roles = new Map<string, Role>();
    for (const [subject, indices] of bySubject) {
      let lowest: Role | "none" = "manage";
      for (const index of maximal(indices)) {
        const record = this.records[index];
        const role: Role | "none" = record?.kind === "grant" ? record.role : record?.kind === "withdraw" ? "none" : "manage";
        if (role === "none" || (role === "edit" && lowest === "manage")) lowest = role;
      }
      if (lowest !== "none") roles.set(subject, lowest);
    }
    // each withdrawal left a manager at its own past, but concurrent ones can together leave none: the founder
    // manages again, so a festival always has someone who can grant roles
    if (this.founder !== null && ![...roles.values()].includes("manage")) roles.set(this.founder, "manage");
    const result = { mode, roles };
    this.derived.set(stateId, result);
    return result;
  }

  /** One pass over the history in causal order, with the given acceptances (proposal index → acceptor key). */
  run(authorOf: (index: number) => string | null, accepted: ReadonlyMap<number, string>, continuing?: { pass: Pass; start: number }): Pass {
    const count = this.metadata.length;
    let pass: Pass;
    let first = 0;
    if (continuing === undefined) {
      this.derived.clear(); // a record's past may differ from the last pass's
      pass = { counts: new Uint8Array(count), standings: [], stateBefore: new Int32Array(count), pending: [], heads: [] };
    } else {
      // earlier changes stand as they stood; the pass goes on with the new ones
      // copies: the earlier version's decision stays as it was
      first = continuing.start;
      const counts = new Uint8Array(count);
      counts.set(continuing.pass.counts.subarray(0, first));
      const stateBefore = new Int32Array(count);
      stateBefore.set(continuing.pass.stateBefore.subarray(0, first));
      pass = { counts, standings: continuing.pass.standings.slice(0, first), stateBefore, pending: continuing.pass.pending.filter((index) => index < first), heads: [] };
    }
    for (let index = first; index < count; index += 1) {
      const change = this.metadata[index];
      pass.stateBefore[index] = this.merge(this.deps[index].map((dep) => this.after(dep, pass)));
      const record = this.records[index];
      if (record !== null) this.recordPast.set(index, pass.stateBefore[index]);
      const standing: ChangeStanding = { hash: change.hash, index, status: "counts", author: authorOf(index), record };
      pass.standings.push(standing);
      const refuse = (status: ChangeStatus, reason: string) => {
        standing.status = status;
        standing.reason = reason;
      };
      if (this.beforeFounding[index]) {
        pass.counts[index] = 1;
        continue;
      }
      if (!this.descends[index]) {
        refuse("outside", "it does not build on the festival's founding change");
        continue;
      }
      const notCounting = this.deps[index].find((dep) => !pass.counts[dep]);
      if (notCounting !== undefined) {
        refuse(standing.author === null ? "pending" : "proposal", `it builds on ${this.metadata[notCounting].hash.slice(0, 8)}, which does not count`);
        continue;
      }
      const state = this.derive(pass.stateBefore[index]);
      if (record === null && state.mode === "open") {
        pass.counts[index] = 1;
        continue;
      }
      if (standing.author === null) {
        refuse("pending", "its author is not verified yet (no attestation covers it)");
        continue;
      }
      const needed = roleNeeded(record);
      const allowed = record?.kind !== "found" && roleIncludes(state.roles.get(standing.author), needed) && leavesAManager(record, state);
      if (allowed) {
        pass.counts[index] = 1;
        continue;
      }
      const acceptor = accepted.get(index);
      if (acceptor !== undefined && record?.kind !== "found" && leavesAManager(record, state)) {
        pass.counts[index] = 1;
        standing.acceptedBy = acceptor;
        continue;
      }
      refuse(
        "proposal",
        record?.kind === "found"
          ? "only the festival's founding change founds it"
          : !leavesAManager(record, state)
            ? "it would leave the festival without a manager"
            : `its author has no ${needed === "manage" ? "manage" : "edit"} role here`,
      );
    }
    for (let index = first; index < count; index += 1) if (pass.standings[index].status === "pending") pass.pending.push(index);
    // a pass that went on from the previous version's last change leaves that version's counting changes as they were
    pass.heads = continuing !== undefined && first === continuing.pass.counts.length ? this.extendHeads(continuing.pass.heads, pass, first) : this.headsOf(pass.counts);
    return pass;
  }

  /** The acceptances and rejections that count in a pass: per proposal, who accepted it (or who rejected it). */
  decisions(pass: Pass, authorOf: (index: number) => string | null): { accepted: Map<number, string>; rejected: Map<number, string> } {
    const accepts = new Map<number, number[]>();
    const rejects = new Map<number, number[]>();
    this.records.forEach((record, index) => {
      if (!pass.counts[index] || (record?.kind !== "accept" && record?.kind !== "reject")) return;
      const target = this.indexOf.get(record.hash);
      if (target === undefined) return;
      const into = record.kind === "accept" ? accepts : rejects;
      const list = into.get(target);
      if (list === undefined) into.set(target, [index]);
      else list.push(index);
    });
    const accepted = new Map<number, string>();
    const rejected = new Map<number, string>();
    for (const [target, acceptIndices] of accepts) {
      const needed = roleNeeded(this.records[target]);
      const rejecters = rejects.get(target) ?? [];
      const standing = acceptIndices.find(
        (accept) =>
          roleIncludes(this.derive(pass.stateBefore[accept]).roles.get(authorOf(accept) ?? ""), needed) &&
          !rejecters.some((reject) => this.setOf(pass.stateBefore[reject]).has(accept) || this.isAncestor(accept, reject)),
      );
      if (standing !== undefined) accepted.set(target, authorOf(standing) ?? "");
    }
    for (const [target, rejectIndices] of rejects) {
      if (!accepted.has(target)) rejected.set(target, authorOf(rejectIndices[rejectIndices.length - 1]) ?? "");
    }
    return { accepted, rejected };
  }

  markDecisions(pass: Pass, decided: { rejected: Map<number, string> }): void {
    for (const [target, key] of decided.rejected) {
      const standing = pass.standings[target];
      if (standing.status !== "proposal") continue;
      standing.status = "rejected";
      standing.rejectedBy = key;
    }
  }

  /** Whether change `ancestor` is in the past of change `index`. */
  private isAncestor(ancestor: number, index: number): boolean {
    if (ancestor >= index) return false;
    const seen = new Set<number>();
    const stack = [index];
    while (stack.length > 0) {
      const current = stack.pop() as number;
      for (const dep of this.deps[current]) {
        if (dep === ancestor) return true;
        if (dep > ancestor && !seen.has(dep)) {
          seen.add(dep);
          stack.push(dep);
        }
      }
    }
    return false;
  }

  /** The heads of a set of changes closed under dependencies. */
  private headsOf(counts: Uint8Array): number[] {
    const covered = new Uint8Array(counts.length);
    for (let index = 0; index < counts.length; index += 1) {
      if (counts[index] === 1) for (const dep of this.deps[index]) covered[dep] = 1;
    }
    const heads: number[] = [];
    for (let index = 0; index < counts.length; index += 1) if (counts[index] === 1 && covered[index] === 0) heads.push(index);
    return heads;
  }

  /** The visible heads after changes from `first` on were added to a pass whose earlier changes kept their standing. */
  private extendHeads(previousHeads: readonly number[], pass: Pass, first: number): number[] {
    const covered = new Set<number>();
    for (let index = first; index < pass.counts.length; index += 1) if (pass.counts[index] === 1) for (const dep of this.deps[index]) covered.add(dep);
    const heads = previousHeads.filter((index) => !covered.has(index));
    for (let index = first; index < pass.counts.length; index += 1) if (pass.counts[index] === 1 && !covered.has(index)) heads.push(index);
    return heads;
  }
}

/** A grant or withdrawal counts only when some key still manages after it. */
function leavesAManager(record: GovernanceRecord | null, state: Derived): boolean {
  if (record?.kind !== "withdraw" && !(record?.kind === "grant" && record.role !== "manage")) return true;
  for (const [key, role] of state.roles) if (role === "manage" && key !== record.key) return true;
  return false;
}
