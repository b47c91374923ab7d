// The web app's QR encoder (ui/src/state/qr-code.ts) without a browser: module for module the same as a reference
// encoder (Kazuhiko Arase's qrcode-generator 2.0.4, with the mask fixed) across levels, masks and versions 1 to 40.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { alignmentPositions, encodeQr, maskPenalty, qrSvgPath, type QrLevel } from "../../ui/src/state/qr-code.js";

const LINK = "http://127.0.0.1:4321/#/join/2xJ8sQ3mVcFh7o9aTfWkYbLpRz.0123456789abcdef0123456789abcdef";

/** SHA-256 of the matrix as lines of 0 and 1 (dark), each ending in a line feed: the reference's digests below. */
function digest(modules: boolean[][]): string {
  return createHash("sha256")
    .update(modules.map((row) => `${row.map((dark) => (dark ? "1" : "0")).join("")}\n`).join(""))
    .digest("hex");
}

/** Digests of the reference encoder's matrices (byte mode, mask fixed). */
const REFERENCE: ReadonlyArray<{ text: string; level: QrLevel; version: number; mask: number; sha256: string }> = [
  { text: "pandafest", level: "M", version: 1, mask: 0, sha256: "e1f9bb01130646c05d56e33f96267ca10bb512b8dd5a63272ab3f43a85e9f837" },
  { text: "pandafest", level: "M", version: 1, mask: 5, sha256: "ef8944834255a7173c40d7edf5ed79871f8e7051de4587448aff0f26d3d4f273" },
  { text: "HELLO WORLD", level: "Q", version: 1, mask: 6, sha256: "bb51277866f9857a6ab12e1fb1a6a06c4a3831b78b4fb26fbc1b0f25f55372e8" },
  { text: LINK, level: "M", version: 6, mask: 3, sha256: "b12e6be01e79b6080f194b6298403dcdf2ba52f86de8f7363996d4534bc4163a" },
  { text: LINK, level: "L", version: 7, mask: 1, sha256: "e67bf2dc7b95d535be6979668d59e71059fc799152ec98efea7a4d9290cde745" },
  { text: LINK, level: "H", version: 10, mask: 4, sha256: "ea158a35f706cea757f86ce0a09673534c8c78b6a70e4f1aa5e511c825c73c5b" },
  { text: "pandafest", level: "M", version: 32, mask: 7, sha256: "2f0db867b6a1635ea842bb471d51bf3a4c3223f8ae671794d8c0cf3f94ae41c5" },
  { text: "pandafest", level: "H", version: 40, mask: 2, sha256: "3374cd91de1e0ce6d4fd5b93647198ae0405f157298fb225d081ca0afe980485" },
];

/** The reference's version 1-M matrix of "pandafest" with mask 0 (# dark). */
const PANDAFEST_1M_MASK0 = `
#######...#...#######
#.....#.##..#.#.....#
#.###.#..#....#.###.#
#.###.#...###.#.###.#
#.###.#.#...#.#.###.#
#.....#..#..#.#.....#
#######.#.#.#.#######
.........####........
#.#.#.#..###....#..#.
#...#..#.#...#..##.##
##..###...#.##.######
######...##........#.
#.....##.#..##.##...#
........##.#...##.#.#
#######..###..###..##
#.....#...####.##....
#.###.#.####..###....
#.###.#.......###..#.
#.###.#.#...#..##.#.#
#.....#..##...#....#.
#######.#...#.#.#..##`;

describe("QR codes for invitation links", () => {
  it("draws the reference encoder's matrix of a small code", () => {
    const code = encodeQr("pandafest", { level: "M", mask: 0 });
    expect(code.version).toBe(1);
    expect(code.size).toBe(21);
    expect(code.modules.map((row) => row.map((dark) => (dark ? "#" : ".")).join("")).join("\n")).toBe(PANDAFEST_1M_MASK0.trim());
  });

  it.each(REFERENCE)("matches the reference: $level, version $version, mask $mask", ({ text, level, version, mask, sha256 }) => {
    const code = encodeQr(text, { level, mask, minVersion: version });
    expect(code.version).toBe(version);
    expect(code.size).toBe(version * 4 + 17);
    expect(digest(code.modules)).toBe(sha256);
  });

  it("picks the smallest version that holds the text, and the mask with the lowest penalty", () => {
    expect(encodeQr(LINK).version).toBe(6); // 88 bytes at level M
    expect(encodeQr("x".repeat(2953), { level: "L" }).version).toBe(40);
    const code = encodeQr(LINK);
    const penalties = [0, 1, 2, 3, 4, 5, 6, 7].map((mask) => maskPenalty(encodeQr(LINK, { mask }).modules));
    expect(penalties[code.mask]).toBe(Math.min(...penalties));
  });

  it("places alignment patterns where the standard's table puts them", () => {
    expect(alignmentPositions(1)).toEqual([]);
    expect(alignmentPositions(2)).toEqual([6, 18]);
    expect(alignmentPositions(7)).toEqual([6, 22, 38]);
    expect(alignmentPositions(32)).toEqual([6, 34, 60, 86, 112, 138]);
    expect(alignmentPositions(40)).toEqual([6, 30, 58, 86, 114, 142, 170]);
  });

  it("refuses what no QR code holds, and bad options, with a clear error", () => {
    expect(() => encodeQr("x".repeat(2954), { level: "L" })).toThrow(/2954 bytes long: a QR code \(version 40, level L\) holds at most 2953/);
    expect(() => encodeQr("x", { mask: 8 })).toThrow(/mask must be 0 to 7/);
    expect(() => encodeQr("x", { minVersion: 41 })).toThrow(/minVersion must be 1 to 40/);
  });

  it("draws the dark modules as unit squares inside a quiet zone", () => {
    const code = encodeQr("pandafest", { mask: 0 });
    const path = qrSvgPath(code);
    const squares = path.match(/M\d+ \d+h1v1h-1z/g) ?? [];
    expect(squares.length).toBe(code.modules.flat().filter(Boolean).length);
    expect(path.startsWith("M4 4h1v1h-1z")).toBe(true); // the top-left finder's corner, 4 modules in
  });
});
