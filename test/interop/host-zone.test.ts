// Exports and imports must not depend on the host's time zone: the same festival gives byte-identical
// schedule.json, schedule.xml and .ics (and the same import) whatever TZ the process runs in.
import { afterAll, describe, expect, it, vi } from "vitest";
import { AUCKLAND_ID, aucklandFestival, LOS_ANGELES_ID, losAngelesFestival } from "./fixtures.js";

const originalZone = process.env.TZ;
const stamp = new Date("2026-12-01T00:00:00Z");
const hostZones = ["UTC", "Pacific/Chatham", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Kiritimati"];

afterAll(() => {
  if (originalZone === undefined) delete process.env.TZ;
  else process.env.TZ = originalZone;
});

/** Every export and import of both fixtures, from freshly loaded modules (no cache survives a zone change). */
async function everything(): Promise<string[]> {
  vi.resetModules();
  const { toFrabJsonString } = await import("../../engine/core/interop/frab-json.js");
  const { toFrabXml } = await import("../../engine/core/interop/frab-xml.js");
  const { toICalendar } = await import("../../engine/core/interop/ical.js");
  const { parseSchedule } = await import("../../engine/core/interop/schedule-import.js");
  const outputs: string[] = [];
  for (const [view, id] of [
    [aucklandFestival(), AUCKLAND_ID],
    [losAngelesFestival(), LOS_ANGELES_ID],
  ] as const) {
    const json = toFrabJsonString(view, id);
    const xml = toFrabXml(view, id);
    outputs.push(json, xml, toICalendar(view, id, { stamp }));
    outputs.push(JSON.stringify(parseSchedule(json)), JSON.stringify(parseSchedule(xml)));
  }
  return outputs;
}

describe("host time zone independence", () => {
  it("gives identical exports and imports under five host zones", async () => {
    const hostOffsets = new Set<number>();
    let reference: string[] | undefined;
    for (const zone of hostZones) {
      process.env.TZ = zone;
      hostOffsets.add(new Date(2027, 0, 8, 12).getTimezoneOffset());
      const outputs = await everything();
      if (reference === undefined) reference = outputs;
      else expect(outputs).toEqual(reference);
    }
    // The host zone really changed between runs (otherwise this test would prove nothing).
    expect(hostOffsets.size).toBe(hostZones.length);
  });
});
