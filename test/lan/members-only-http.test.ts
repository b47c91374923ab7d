// Plain HTTP proves no member key: a members-only festival does not exist for another machine's requests (its
// schedule files, heads and waiting report), while this machine, public festivals and epoch-0 ones are served.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { newEpoch } from "../../engine/core/membership/index.js";
import * as A from "@automerge/automerge";
import { hiddenOverHttp } from "../../apps/server/members-only.js";
import { edit, founded, person, record } from "../governance/governance-helpers.js";
import { festivalAudience, type Festival } from "../../engine/core/index.js";

const from = (remoteAddress: string) => ({ socket: { remoteAddress } }) as unknown as IncomingMessage;
const ada = person("Ada");

function festival(visibility: "public" | "private", epoch: boolean): { doc: A.Doc<Festival>; id: string } {
  const { doc, id } = founded(ada);
  let next = record(doc, id, ada, { kind: "mode", mode: "organised" });
  next = edit(next, id, ada, "visibility", (draft) => {
    draft.visibility = new A.ImmutableString(visibility);
  });
  next = record(next, id, ada, { kind: "grant", key: person("Bo").publicKey, role: "edit" });
  if (epoch) next = record(next, id, ada, newEpoch([ada.publicKey], 1).record);
  return { doc: next, id };
}

describe("members-only festivals over plain HTTP", () => {
  it("hides them from other machines only", () => {
    const membersOnly = festival("private", true);
    expect(hiddenOverHttp(from("192.168.1.20"), membersOnly.doc, membersOnly.id)).toBe(true);
    expect(hiddenOverHttp(from("::ffff:10.0.0.7"), membersOnly.doc, membersOnly.id)).toBe(true);
    expect(hiddenOverHttp(from("127.0.0.1"), membersOnly.doc, membersOnly.id), "this machine's CLI and web app").toBe(false);
    expect(hiddenOverHttp(from("::1"), membersOnly.doc, membersOnly.id)).toBe(false);
    const knowsId = festival("private", false);
    expect(hiddenOverHttp(from("192.168.1.20"), knowsId.doc, knowsId.id), "epoch 0: the id is still the key").toBe(false);
    expect([festivalAudience(membersOnly.doc, membersOnly.id), festivalAudience(knowsId.doc, knowsId.id)]).toEqual(["members", "knows-id"]);
    const open = festival("public", true);
    expect(festivalAudience(open.doc, open.id)).toBe("public");
    expect(hiddenOverHttp(from("192.168.1.20"), open.doc, open.id)).toBe(false);
    expect(hiddenOverHttp(from("192.168.1.20"), undefined, "unknown")).toBe(false);
  });
});
