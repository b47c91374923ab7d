// The version guard for the reaches into Automerge's internals: on the known versions they are on; any other
// version (or PANDAFEST_INTERNALS=off) switches every one off, and this installation is a known one.
import { describe, expect, it } from "vitest";
import { KNOWN_VERSIONS, internals, internalsStanding } from "../../engine/internals/node/internals-guard.js";

describe("the internals guard", () => {
  it("allows the reaches only on the versions they were written for", () => {
    expect(internalsStanding({ ...KNOWN_VERSIONS })).toEqual({ usable: true });
    expect(internalsStanding({ ...KNOWN_VERSIONS, "@automerge/automerge": "3.5.1" })).toEqual({
      usable: false,
      reason: "@automerge/automerge is 3.5.1, the reaches into its internals were written for 3.5.0",
    });
    expect(internalsStanding({ "@automerge/automerge": "3.5.0" })).toMatchObject({ usable: false, reason: /automerge-repo is not found/ });
    expect(internalsStanding({ ...KNOWN_VERSIONS }, { PANDAFEST_INTERNALS: "off" })).toEqual({ usable: false, reason: "PANDAFEST_INTERNALS=off" });
  });

  it("finds the pinned versions installed here (a dependency upgrade must update the guard and docs/INTERNALS.md)", () => {
    expect(internals()).toEqual(process.env.PANDAFEST_INTERNALS === "off" ? { usable: false, reason: "PANDAFEST_INTERNALS=off" } : { usable: true });
  });
});
