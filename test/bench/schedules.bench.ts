// Schedule import and export of the generated festival (5,000 events at size large) as a frab schedule.json,
// each against a plain JSON.parse / JSON.stringify of the same file in the same run, taking turns.
import * as A from "@automerge/automerge";
import { parseSchedule, toFrabJsonString, toFrabXml } from "../../engine/core/interop/index.js";
import { festivalFromSchedule } from "../../engine/core/schedule-seed.js";
import type { Festival } from "../../engine/core/schema.js";
import { festivalView } from "../../engine/core/views.js";
import { comparisonRow, type BenchRow, type BenchSuite } from "./harness.js";
import { interleave, median, time } from "./stats.js";

interface JsonEvent {
  description: string;
  abstract: string;
  type: string;
  links: { title: string; url: string }[];
  attachments: { title: string; url: string }[];
}

/**
 * The generated festival's schedule.json with the fields a real frab/pretalx file carries filled in (an abstract,
 * a type, a link and an attachment per event), so the import keeps as much as it does on real files.
 */
function realisticSchedule(json: string): string {
  const schedule = JSON.parse(json) as { schedule: { conference: { days: { rooms: Record<string, JsonEvent[]> }[] } } };
  let count = 0;
  for (const day of schedule.schedule.conference.days) {
    for (const events of Object.values(day.rooms)) {
      for (const event of events) {
        count += 1;
        event.abstract = event.description.slice(0, 200);
        event.type = count % 3 === 0 ? "workshop" : "talk";
        event.links = [{ title: "Recording", url: `https://media.example.org/v/${count}` }];
        event.attachments = [{ title: "Slides", url: `https://files.example.org/${count}/slides.pdf` }];
      }
    }
  }
  return JSON.stringify(schedule);
}

export const schedulesSuite: BenchSuite = {
  name: "schedules",
  description: "frab/pretalx schedule import and export against JSON.parse/JSON.stringify of the same file",
  async run(ctx) {
    const festival = await ctx.festival();
    const doc = A.load<Festival>(festival.bytes);
    const text = realisticSchedule(toFrabJsonString(festivalView(doc), festival.festivalId));
    const parsedOnce = JSON.parse(text) as unknown;
    const imported = festivalFromSchedule(parseSchedule(text, "schedule.json"), { source: "schedule.json" });
    const view = festivalView(imported.doc);
    const events = imported.events;
    const megabytes = (new TextEncoder().encode(text).length / (1024 * 1024)).toFixed(1);
    ctx.log(`schedules: ${events} events, schedule.json ${megabytes} MB`);
    const size = `${events} events, ${ctx.size}`;
    const rows: BenchRow[] = [];

    const parse = await interleave(
      () => time(() => parseSchedule(text, "schedule.json")),
      () => time(() => JSON.parse(text)),
      ctx.runOptions,
    );
    rows.push(comparisonRow(`schedules: read schedule.json (${size})`, median(parse.subject), median(parse.baseline), "ms"));

    const seed = await interleave(
      () => time(() => festivalFromSchedule(parseSchedule(text, "schedule.json"), { source: "schedule.json" })),
      () => time(() => JSON.parse(text)),
      ctx.runOptions,
    );
    rows.push(comparisonRow(`schedules: import schedule.json into a new festival (${size})`, median(seed.subject), median(seed.baseline), "ms"));

    const exportJson = await interleave(
      () => time(() => toFrabJsonString(view, festival.festivalId)),
      () => time(() => JSON.stringify(parsedOnce, null, 2)),
      ctx.runOptions,
    );
    rows.push(comparisonRow(`schedules: export schedule.json (${size})`, median(exportJson.subject), median(exportJson.baseline), "ms"));

    const exportXml = await interleave(
      () => time(() => toFrabXml(view, festival.festivalId)),
      () => time(() => JSON.stringify(parsedOnce, null, 2)),
      ctx.runOptions,
    );
    rows.push(comparisonRow(`schedules: export schedule.xml (${size})`, median(exportXml.subject), median(exportXml.baseline), "ms"));

    const baselineNote = "baseline: JSON.parse (import rows) or JSON.stringify(…, null, 2) (export rows) of the same schedule.json, taking turns in the same process";
    for (const row of rows) ctx.note(row.name, baselineNote);
    ctx.note(rows[1].name, `${baselineNote}; the import is parseSchedule + festivalFromSchedule: every venue, person and event validated and written into one Automerge change`);
    ctx.note(rows[2].name, `${baselineNote}; the export is buildScheduleModel (days, rooms, zone-correct times, ids) + rendering, from the imported festival's view`);
    return rows;
  },
};
