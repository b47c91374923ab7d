// `pandafest programme`: the programme as a readable table, by festival day and venue.
// Times are shown in the festival's time zone, whatever the zone of this machine; events that asked for their venue
// or resources say how far they are confirmed (the view cache keeps that with the view).
import type { Command } from "commander";
import { confirmationText, isTentative, type Confirmation } from "../../../engine/core/bookings/state.js";
import { programme } from "../../../engine/core/programme.js";
import { effectiveLinksOf, isOnlineEvent } from "../../../engine/core/links.js";
import { formatLocalTime } from "../../../engine/core/time.js";
import { action } from "../context.js";

export function registerProgrammeCommand(program: Command): void {
  program
    .command("programme")
    .description("the programme by day and venue, in the festival's time zone, with each event's booking confirmation")
    .argument("<festival>")
    .option("--day <date>", "only this festival day, YYYY-MM-DD")
    .action(
      action(async (ctx, festival: string, options: { day?: string }) => {
        const store = await ctx.openStore();
        const { view, confirmations } = await store.readView(festival); // read only: the view cache when nothing changed
        const timeZone = view.timeZone;
        const confirmationOf = (eventId: string): Confirmation | undefined => (Object.hasOwn(confirmations, eventId) ? confirmations[eventId] : undefined);
        // --json: an event that asked for anything carries its confirmation
        const days = programme(view, { day: options.day }).map((day) => ({
          ...day,
          venues: day.venues.map((venue) => ({
            ...venue,
            events: venue.events.map((event) => {
              const confirmation = confirmationOf(event.id);
              return confirmation === undefined ? event : { ...event, confirmation };
            }),
          })),
        }));
        ctx.out.result(days, (list) => {
          if (list.length === 0) return [options.day ? `Nothing on ${options.day}.` : "No events yet."];
          const lines: string[] = [];
          for (const day of list) {
            lines.push(`== ${day.date} ==`);
            for (const venue of day.venues) {
              const place = Object.prototype.hasOwnProperty.call(view.venues, venue.venueId) ? view.venues[venue.venueId] : undefined;
              lines.push(`  ${venue.name}${isOnlineEvent(place) ? " (online)" : ""}`);
              for (const e of venue.events) {
                const confirmation = "confirmation" in e ? e.confirmation : undefined;
                const status = e.status === "confirmed" && isTentative(confirmation) ? "tentative" : e.status;
                const booked = confirmationText(confirmation);
                const flag = (status === "confirmed" ? "" : `  [${status}]`) + (booked ? `  [${booked}]` : "");
                lines.push(`    ${formatLocalTime(e.start, timeZone)}-${formatLocalTime(e.end, timeZone)}  ${e.title}${flag}`);
                for (const link of effectiveLinksOf(e, place)) lines.push(`                 ${link.title} <${link.url}>`);
              }
            }
            lines.push("");
          }
          if (lines[lines.length - 1] === "") lines.pop();
          return lines;
        });
      }),
    );
}
