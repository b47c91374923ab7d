// The one rule for untrusted text on a terminal: what a terminal would act on, or what hides text, becomes a
// visible escape; everything else, in any script, passes unchanged.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { streamLog } from "../../apps/server/log.js";
import { escapeForTerminal, escapeForTerminalKeepingNewlines } from "../../engine/core/terminal-text.js";

describe("escapeForTerminal", () => {
  it("shows C0, DEL, C1, bidi, separator and invisible characters as escapes", () => {
    const cases: [string, string][] = [
      ["\r", "\\r"],
      ["\n", "\\n"],
      ["\t", "\\t"],
      ["\x00", "\\x00"],
      ["\x07", "\\x07"],
      ["\x1b[2J", "\\x1b[2J"],
      ["\x7f", "\\x7f"],
      ["\x85", "\\u0085"],
      ["\x9b", "\\u009b"],
      ["\u061c", "\\u061c"],
      ["\u200b", "\\u200b"],
      ["\u200e\u200f", "\\u200e\\u200f"],
      ["\u2028\u2029", "\\u2028\\u2029"],
      ["\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"],
      ["\u2060\u2066\u2067\u2068\u2069", "\\u2060\\u2066\\u2067\\u2068\\u2069"],
      ["\ufeff", "\\ufeff"],
    ];
    for (const [raw, shown] of cases) expect(escapeForTerminal(`a${raw}b`), JSON.stringify(raw)).toBe(`a${shown}b`);
  });

  it("leaves ordinary text of any script, emoji sequences included, unchanged, and is idempotent", () => {
    const ordinary = ["Zuckerwatte Sommerfest", "Bühne Süd — “Nacht”", "東京フェス", "مهرجان", "नमस्ते", "👩‍👩‍👧 family", "back\\slash", "ümlaut x"];
    for (const text of ordinary) expect(escapeForTerminal(text)).toBe(text);
    const hostile = "\x1b[31m\r\u202e\nx";
    expect(escapeForTerminal(escapeForTerminal(hostile))).toBe(escapeForTerminal(hostile));
  });

  it("keeps newlines only when asked to", () => {
    expect(escapeForTerminalKeepingNewlines("one\r\ntwo\x1b")).toBe("one\\r\ntwo\\x1b");
  });
});

describe("server log", () => {
  it("writes a message a peer shaped as one escaped line", () => {
    const stream = new PassThrough();
    let written = "";
    stream.on("data", (chunk) => (written += String(chunk)));
    streamLog(stream).warn("peer said \x1b[2K\r2026-01-01T00:00:00.000Z info all good\nforged");
    expect(written.split("\n").filter(Boolean)).toHaveLength(1);
    expect(written).toContain("peer said \\x1b[2K\\r2026-01-01T00:00:00.000Z info all good\\nforged");
    expect(written).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
  });
});
