// `pandafest book`, `bookings`, `booking accept|decline|revoke|cancel`, `shift add|join|leave|ask|answer` and `shifts`:
// events asking for their venue, resources and helpers, and owners answering (engine/core/bookings judges who counts).
import type * as A from "@automerge/automerge";
import type { Command } from "commander";
import {
  askForShift,
  authorshipOf,
  bookingsOf,
  confirmationsOf,
  confirmationText,
  decideBooking,
  requestBooking,
  resolveBookingId,
  resolveResourceId,
  type BookingStanding,
  type DecisionState,
} from "../../../engine/core/bookings/index.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { memberNames } from "../../../engine/core/provenance.js";
import { resolveEventId } from "../../../engine/core/references.js";
import type { Festival } from "../../../engine/core/schema.js";
import type { FestivalStore } from "../../../engine/node/store.js";
import { action } from "../context.js";
import { authorLabel, table } from "../output.js";
import { collect, parseCount } from "../parse.js";

type Handle = Awaited<ReturnType<FestivalStore["resolve"]>>;

function standingsOf(store: FestivalStore, handle: Handle) {
  const doc: A.Doc<Festival> = store.visible(handle);
  return { doc, ...bookingsOf(doc, authorshipOf(doc, handle.documentId)) };
}

/** A request as --json shows it. */
function bookingJson(b: BookingStanding) {
  return {
    id: b.id,
    kind: b.kind,
    eventId: b.eventId,
    eventTitle: b.eventTitle,
    targetId: b.targetId,
    targetName: b.targetName,
    ...(b.kind === "shift" ? { role: b.role, count: b.count, signedUp: b.signedUp, asked: b.asked ?? [] } : {}),
    start: b.start,
    end: b.end,
    state: b.state,
    reason: b.reason,
    askedBy: b.askedBy,
    decidedBy: b.decidedBy,
    outdated: b.outdated,
    owners: b.owners,
    proposals: b.proposals,
  };
}

function stateText(b: ReturnType<typeof bookingJson>, nameOf: (key: string) => string): string {
  const by = b.decidedBy ? ` by ${nameOf(b.decidedBy)}` : "";
  const moved = b.outdated ? " (the event moved since it was decided)" : "";
  return `${b.state}${b.state === "pending" ? "" : by}${b.reason ? `: ${b.reason}` : ""}${moved}`;
}

const DECISIONS: { name: string; state: DecisionState; description: string }[] = [
  { name: "accept", state: "accepted", description: "accept a request (counts when you own the venue or resource)" },
  { name: "decline", state: "declined", description: "decline a request, with --reason (counts when you own it)" },
  { name: "revoke", state: "revoked", description: "take back an accepted request (counts when you own it)" },
  { name: "cancel", state: "cancelled", description: "cancel your own request (counts when you asked)" },
];

export function registerBookingCommands(program: Command): void {
  program
    .command("book")
    .description("ask for an event's venue and/or resources for its time (the request is pending until an owner decides)")
    .argument("<festival>")
    .argument("<event>", "event id or unique title")
    .option("--resource <resource>", "a resource to ask for (id or unique name; repeat for more)", collect)
    .option("--venue", "ask for the event's venue too (the default when no --resource is given)")
    .action(
      action(async (ctx, festival: string, eventRef: string, options: { resource?: string[]; venue?: boolean }) => {
        const store = await ctx.openStore();
        const { editor } = await store.editorFor(festival);
        const doc = editor.read();
        const eventId = resolveEventId(doc, eventRef);
        const resources = (options.resource ?? []).map((reference) => resolveResourceId(doc, reference));
        const ids: string[] = [];
        if (options.venue === true || resources.length === 0) ids.push(requestBooking(editor, eventId, { kind: "venue" }));
        for (const resourceId of resources) ids.push(requestBooking(editor, eventId, { kind: "resource", resourceId }));
        await store.commit();
        ctx.out.result({ eventId, requests: ids }, (r) => [`Asked for ${r.requests.length} booking(s) for event ${r.eventId}: ${r.requests.join(", ")} (pending)`]);
      }),
    );

  program
    .command("bookings")
    .description("list booking requests with where they stand, and each event's confirmation")
    .argument("<festival>")
    .option("--event <event>", "only this event's requests")
    .option("--pending", "only requests waiting for a decision")
    .action(
      action(async (ctx, festival: string, options: { event?: string; pending?: boolean }) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const { doc, bookings, broken } = standingsOf(store, handle);
        const eventId = options.event === undefined ? undefined : resolveEventId(doc, options.event);
        const confirmations = confirmationsOf(bookings);
        const shown = bookings
          .filter((b) => b.kind !== "shift")
          .filter((b) => eventId === undefined || b.eventId === eventId)
          .filter((b) => !options.pending || b.state === "pending")
          .map(bookingJson);
        const events = [...new Set(shown.map((b) => b.eventId))].map((id) => ({ eventId: id, ...(confirmations.get(id) ?? { accepted: 0, requested: 0 }) }));
        const names = memberNames(handle.doc(), handle.documentId);
        const nameOf = (key: string) => authorLabel(names.get(key) ?? "", key);
        ctx.out.result({ bookings: shown, events, ignored: broken }, (r) => {
          if (r.bookings.length === 0) return ["No booking requests. Ask with `pandafest book FESTIVAL EVENT --resource NAME`."];
          const lines = table(
            ["REQUEST", "EVENT", "FOR", "WHEN", "STATE"],
            r.bookings.map((b) => [b.id, b.eventTitle, `${b.kind} ${b.targetName}`, b.start, stateText(b, nameOf)]),
          );
          for (const b of r.bookings) for (const p of b.proposals) lines.push(`  ${b.id}: ${p.by ? nameOf(p.by) : "an unverified writer"} proposes ${p.state}${p.reason ? ` (${p.reason})` : ""}; only an owner's decision counts`);
          for (const e of r.events) lines.push(`${e.eventId}: ${confirmationText(e) || "nothing asked"}`);
          if (r.ignored.length > 0) lines.push(`${r.ignored.length} request(s) or decision(s) ignored: see \`pandafest check FESTIVAL\``);
          return lines;
        });
      }),
    );

  const booking = program.command("booking").description("decide on a booking request: accept, decline, revoke (owners) or cancel (the asker)");
  for (const decision of DECISIONS) {
    booking
      .command(decision.name)
      .description(decision.description)
      .argument("<festival>")
      .argument("<request>", "request id (or its first characters), as `pandafest bookings` shows it")
      .option("--reason <text>", "why (shown to everyone)")
      .action(
        action(async (ctx, festival: string, reference: string, options: { reason?: string }) => {
          const store = await ctx.openStore();
          const { editor, handle, identity } = await store.editorFor(festival);
          const id = resolveBookingId(editor.read(), reference);
          decideBooking(editor, id, decision.state, options.reason ?? "");
          await store.commit();
          const after = standingsOf(store, handle).bookings.find((b) => b.id === id);
          const counted = after !== undefined && after.decidedBy === identity.publicKey && after.state === decision.state;
          const result = { id, decision: decision.state, counts: counted, state: after?.state ?? "unknown", owners: after?.owners ?? [] };
          ctx.out.result(result, (r) =>
            r.counts
              ? [`Request ${r.id} is now ${r.state}`]
              : [
                  `Recorded your ${r.decision} of request ${r.id} as a proposal: ${decision.state === "cancelled" ? "only the asker may cancel" : "only an owner's decision counts"}; it stays ${r.state}`,
                  ...(r.owners.length > 0 ? [`  owners: ${r.owners.map((key) => key.slice(0, 16)).join(", ")}`] : []),
                ],
          );
        }),
      );
  }

  const shift = program.command("shift").description("helpers' shifts: a request for people's time during an event");
  shift
    .command("add")
    .description("ask for people during an event: a role and how many")
    .argument("<festival>")
    .argument("<event>", "event id or unique title")
    .requiredOption("--role <role>", "what the helpers do, e.g. bar, door, sound")
    .option("--count <n>", "how many people", "1")
    .action(
      action(async (ctx, festival: string, eventRef: string, options: { role: string; count: string }) => {
        const store = await ctx.openStore();
        const { editor } = await store.editorFor(festival);
        const eventId = resolveEventId(editor.read(), eventRef);
        const id = requestBooking(editor, eventId, { kind: "shift", role: options.role, count: parseCount("--count", options.count) });
        await store.commit();
        ctx.out.result({ id, eventId }, (r) => [`Added shift ${r.id} for event ${r.eventId}`]);
      }),
    );
  for (const [name, state, description] of [
    ["join", "accepted", "sign yourself up for a shift"],
    ["leave", "revoked", "take yourself off a shift"],
  ] as const) {
    shift
      .command(name)
      .description(description)
      .argument("<festival>")
      .argument("<shift>", "shift id (or its first characters)")
      .action(
        action(async (ctx, festival: string, reference: string) => {
          const store = await ctx.openStore();
          const { editor, handle } = await store.editorFor(festival);
          const id = resolveBookingId(editor.read(), reference);
          decideBooking(editor, id, state);
          await store.commit();
          const after = standingsOf(store, handle).bookings.find((b) => b.id === id);
          ctx.out.result({ id, signedUp: after?.signedUp ?? [], count: after?.count ?? 0 }, (r) => [`Shift ${r.id}: ${r.signedUp.length} of ${r.count} signed up`]);
        }),
      );
  }

  shift
    .command("ask")
    .description("as an owner of the shift (of its event's venue), ask a named person to take it; they answer with `shift answer`")
    .argument("<festival>")
    .argument("<shift>", "shift id (or its first characters)")
    .argument("<person>", "the member's public key (`pandafest member list FESTIVAL` shows them)")
    .action(
      action(async (ctx, festival: string, reference: string, person: string) => {
        const store = await ctx.openStore();
        const { editor, handle } = await store.editorFor(festival);
        const id = resolveBookingId(editor.read(), reference);
        askForShift(editor, id, person);
        await store.commit();
        const after = standingsOf(store, handle).bookings.find((b) => b.id === id);
        const key = person.trim().toLowerCase();
        const ask = after?.asked?.find((a) => a.person === key);
        ctx.out.result({ id, person: key, counts: ask !== undefined, state: ask?.state ?? null }, (r) => [
          r.counts ? `Asked ${r.person} to take shift ${r.id} (${r.state})` : `Recorded the ask on shift ${r.id}, but it does not count: only an owner of the shift's venue may ask`,
        ]);
      }),
    );
  shift
    .command("answer")
    .description("answer being asked to take a shift: yes signs you up, no declines (only your own answer counts for you)")
    .argument("<festival>")
    .argument("<shift>", "shift id (or its first characters)")
    .argument("<answer>", "yes or no")
    .action(
      action(async (ctx, festival: string, reference: string, answer: string) => {
        const state: DecisionState | undefined = answer === "yes" ? "accepted" : answer === "no" ? "declined" : undefined;
        if (state === undefined) throw new PandafestError(`answer ${JSON.stringify(answer.slice(0, 40))} is neither yes nor no; say \`shift answer FESTIVAL SHIFT yes\` or \`no\``, { code: "usage" });
        const store = await ctx.openStore();
        const { editor, handle, identity } = await store.editorFor(festival);
        const id = resolveBookingId(editor.read(), reference);
        if (standingsOf(store, handle).bookings.find((b) => b.id === id)?.kind !== "shift") {
          throw new PandafestError(`request ${id} is not a shift; owners answer other requests with \`pandafest booking accept|decline\``, { code: "usage" });
        }
        decideBooking(editor, id, state);
        await store.commit();
        const after = standingsOf(store, handle).bookings.find((b) => b.id === id);
        const me = identity.publicKey;
        const ask = after?.asked?.find((a) => a.person === me);
        ctx.out.result({ id, answer: state, asked: ask !== undefined, signedUp: after?.signedUp ?? [], count: after?.count ?? 0 }, (r) => [
          `Shift ${r.id}: you said ${answer}${r.asked ? "" : " (nobody asked you; yes signs you up all the same)"}; ${r.signedUp.length} of ${r.count} signed up`,
        ]);
      }),
    );

  program
    .command("shifts")
    .description("list helpers' shifts: who is where, and what is unstaffed")
    .argument("<festival>")
    .action(
      action(async (ctx, festival: string) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const shifts = standingsOf(store, handle).bookings.filter((b) => b.kind === "shift" && b.state !== "cancelled").map(bookingJson);
        const names = memberNames(handle.doc(), handle.documentId);
        const unstaffed = shifts.filter((s) => (s.signedUp?.length ?? 0) < (s.count ?? 1)).length;
        ctx.out.result({ shifts, unstaffed }, (r) => {
          if (r.shifts.length === 0) return ["No shifts. Add one with `pandafest shift add FESTIVAL EVENT --role ROLE --count N`."];
          const lines = table(
            ["SHIFT", "EVENT", "WHERE", "WHEN", "ROLE", "STAFFED", "WHO", "ASKED"],
            r.shifts.map((s) => [
              s.id,
              s.eventTitle,
              s.targetName,
              s.start,
              s.role ?? "",
              `${s.signedUp?.length ?? 0}/${s.count ?? 1}${s.state === "declined" ? " (declined)" : ""}`,
              (s.signedUp ?? []).map((key) => authorLabel(names.get(key) ?? "", key)).join(", "),
              (s.asked ?? []).map((a) => `${authorLabel(names.get(a.person) ?? "", a.person)} (${a.state})`).join(", "),
            ]),
          );
          lines.push(r.unstaffed === 0 ? "Every shift is staffed." : `${r.unstaffed} shift(s) unstaffed.`);
          return lines;
        });
      }),
    );
}
