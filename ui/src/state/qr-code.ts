// QR codes (ISO/IEC 18004, model 2) for invitation links: text in byte mode (UTF-8), versions 1 to 40, levels L/M/Q/H,
// as a matrix of modules and as an SVG path. Self-contained; checked module for module against a reference encoder.

export type QrLevel = "L" | "M" | "Q" | "H";

export interface QrCode {
  /** 1 to 40 */
  version: number;
  level: QrLevel;
  /** the mask pattern used, 0 to 7 */
  mask: number;
  /** modules per side: 4 × version + 17 */
  size: number;
  /** modules[row][column]: true is dark */
  modules: boolean[][];
}

export interface QrOptions {
  /** error correction level; M (recovers about 15 % of the code) unless said */
  level?: QrLevel;
  /** a fixed mask pattern (0 to 7) instead of the one with the lowest penalty */
  mask?: number;
  /** the smallest version to use */
  minVersion?: number;
}

const MIN_VERSION = 1;
const MAX_VERSION = 40;
/** The four format-information bits of each level. */
const LEVEL_BITS: Record<QrLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };
/** Error correction codewords in each block, by level and version (index 0 is version 1). */
const EC_PER_BLOCK: Record<QrLevel, readonly number[]> = {
  L: [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  M: [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  Q: [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  H: [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
};
/** Error correction blocks, by level and version. */
const BLOCKS: Record<QrLevel, readonly number[]> = {
  L: [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  M: [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  Q: [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  H: [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
};

/** Modules that carry data and error correction (all but the function patterns, format and version information). */
function rawDataModules(version: number): number {
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const alignments = Math.floor(version / 7) + 2;
    modules -= (25 * alignments - 10) * alignments - 55;
    if (version >= 7) modules -= 36;
  }
  return modules;
}

function dataCodewords(version: number, level: QrLevel): number {
  return Math.floor(rawDataModules(version) / 8) - EC_PER_BLOCK[level][version - 1] * BLOCKS[level][version - 1];
}

/** Centres of the alignment patterns along each axis (their crossings, but the three finder corners, hold one). */
export function alignmentPositions(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const size = version * 4 + 17;
  const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
  const positions = [6];
  for (let position = size - 7; positions.length < count; position -= step) positions.splice(1, 0, position);
  return positions;
}

// --- Reed-Solomon over GF(256) with the polynomial x^8 + x^4 + x^3 + x^2 + 1 ---

function gfMultiply(x: number, y: number): number {
  let product = 0;
  for (let bit = 7; bit >= 0; bit--) {
    product = (product << 1) ^ ((product >>> 7) * 0x11d);
    product ^= ((y >>> bit) & 1) * x;
  }
  return product & 0xff;
}

/** The generator polynomial of `degree` (coefficients from the highest power down, the leading 1 left out). */
function rsGenerator(degree: number): number[] {
  const coefficients = new Array<number>(degree).fill(0);
  coefficients[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      coefficients[j] = gfMultiply(coefficients[j], root);
      if (j + 1 < degree) coefficients[j] ^= coefficients[j + 1];
    }
    root = gfMultiply(root, 0x02);
  }
  return coefficients;
}

function rsRemainder(data: readonly number[], generator: readonly number[]): number[] {
  const remainder = new Array<number>(generator.length).fill(0);
  for (const byte of data) {
    const factor = byte ^ (remainder.shift() as number);
    remainder.push(0);
    generator.forEach((coefficient, i) => (remainder[i] ^= gfMultiply(coefficient, factor)));
  }
  return remainder;
}

// --- Data codewords ---

/** The smallest version (from `minVersion`) whose data codewords hold `byteCount` bytes in byte mode. */
function fittingVersion(byteCount: number, level: QrLevel, minVersion: number): number {
  for (let version = minVersion; version <= MAX_VERSION; version++) {
    const countBits = version <= 9 ? 8 : 16;
    if (byteCount < 2 ** countBits && 4 + countBits + byteCount * 8 <= dataCodewords(version, level) * 8) return version;
  }
  throw new RangeError(`the text is ${byteCount} bytes long: a QR code (version 40, level ${level}) holds at most ${dataCodewords(MAX_VERSION, level) - 3}`);
}

function dataBytes(bytes: Uint8Array, version: number, level: QrLevel): number[] {
  const bits: number[] = [];
  const push = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  push(0b0100, 4);
  push(bytes.length, version <= 9 ? 8 : 16);
  for (const byte of bytes) push(byte, 8);
  const capacity = dataCodewords(version, level) * 8;
  push(0, Math.min(4, capacity - bits.length));
  push(0, (8 - (bits.length % 8)) % 8);
  for (let pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) push(pad, 8);
  const result: number[] = [];
  for (let i = 0; i < bits.length; i += 8) result.push(bits.slice(i, i + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
  return result;
}

/** The data split into blocks, each followed by its error correction, interleaved as the code stores them. */
function interleaved(data: readonly number[], version: number, level: QrLevel): number[] {
  const blockCount = BLOCKS[level][version - 1];
  const ecLength = EC_PER_BLOCK[level][version - 1];
  const raw = Math.floor(rawDataModules(version) / 8);
  const shortBlocks = blockCount - (raw % blockCount);
  const shortLength = Math.floor(raw / blockCount);
  const generator = rsGenerator(ecLength);
  const blocks: Array<{ data: number[]; ec: number[] }> = [];
  for (let i = 0, at = 0; i < blockCount; i++) {
    const length = shortLength - ecLength + (i < shortBlocks ? 0 : 1);
    const part = data.slice(at, at + length);
    at += length;
    blocks.push({ data: part, ec: rsRemainder(part, generator) });
  }
  const result: number[] = [];
  for (let i = 0; i <= shortLength - ecLength; i++) for (const block of blocks) if (i < block.data.length) result.push(block.data[i]);
  for (let i = 0; i < ecLength; i++) for (const block of blocks) result.push(block.ec[i]);
  return result;
}

// --- The matrix ---

class Matrix {
  readonly modules: boolean[][];
  readonly reserved: boolean[][];

  constructor(readonly size: number) {
    this.modules = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
    this.reserved = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  }

  /** A module of a function pattern (not data): (column x, row y). */
  set(x: number, y: number, dark: boolean): void {
    this.modules[y][x] = dark;
    this.reserved[y][x] = true;
  }
}

function drawFinder(matrix: Matrix, centreX: number, centreY: number): void {
  for (let dy = -4; dy <= 4; dy++) {
    for (let dx = -4; dx <= 4; dx++) {
      const x = centreX + dx;
      const y = centreY + dy;
      if (x < 0 || y < 0 || x >= matrix.size || y >= matrix.size) continue;
      const distance = Math.max(Math.abs(dx), Math.abs(dy));
      matrix.set(x, y, distance !== 2 && distance !== 4);
    }
  }
}

function drawAlignment(matrix: Matrix, centreX: number, centreY: number): void {
  for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) matrix.set(centreX + dx, centreY + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
}

function drawFormat(matrix: Matrix, level: QrLevel, mask: number): void {
  const data = (LEVEL_BITS[level] << 3) | mask;
  let remainder = data;
  for (let i = 0; i < 10; i++) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  const bits = ((data << 10) | remainder) ^ 0x5412;
  const bit = (i: number) => ((bits >>> i) & 1) === 1;
  const size = matrix.size;
  for (let i = 0; i <= 5; i++) matrix.set(8, i, bit(i));
  matrix.set(8, 7, bit(6));
  matrix.set(8, 8, bit(7));
  matrix.set(7, 8, bit(8));
  for (let i = 9; i < 15; i++) matrix.set(14 - i, 8, bit(i));
  for (let i = 0; i < 8; i++) matrix.set(size - 1 - i, 8, bit(i));
  for (let i = 8; i < 15; i++) matrix.set(8, size - 15 + i, bit(i));
  matrix.set(8, size - 8, true);
}

function drawVersion(matrix: Matrix, version: number): void {
  if (version < 7) return;
  let remainder = version;
  for (let i = 0; i < 12; i++) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
  const bits = (version << 12) | remainder;
  for (let i = 0; i < 18; i++) {
    const dark = ((bits >>> i) & 1) === 1;
    const a = matrix.size - 11 + (i % 3);
    const b = Math.floor(i / 3);
    matrix.set(a, b, dark);
    matrix.set(b, a, dark);
  }
}

function drawFunctionPatterns(matrix: Matrix, version: number, level: QrLevel): void {
  const size = matrix.size;
  for (let i = 0; i < size; i++) {
    matrix.set(6, i, i % 2 === 0);
    matrix.set(i, 6, i % 2 === 0);
  }
  drawFinder(matrix, 3, 3);
  drawFinder(matrix, size - 4, 3);
  drawFinder(matrix, 3, size - 4);
  const positions = alignmentPositions(version);
  const last = positions.length - 1;
  positions.forEach((x, i) =>
    positions.forEach((y, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      drawAlignment(matrix, x, y);
    }),
  );
  drawFormat(matrix, level, 0); // reserves the format areas; drawn again with the chosen mask
  drawVersion(matrix, version);
}

function drawCodewords(matrix: Matrix, codewords: readonly number[]): void {
  const size = matrix.size;
  let index = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const y = upward ? size - 1 - step : step;
      for (let j = 0; j < 2; j++) {
        const x = right - j;
        if (matrix.reserved[y][x] || index >= codewords.length * 8) continue;
        matrix.modules[y][x] = ((codewords[index >>> 3] >>> (7 - (index & 7))) & 1) === 1;
        index++;
      }
    }
  }
}

const MASKS: ReadonlyArray<(x: number, y: number) => boolean> = [
  (x, y) => (x + y) % 2 === 0,
  (_x, y) => y % 2 === 0,
  (x) => x % 3 === 0,
  (x, y) => (x + y) % 3 === 0,
  (x, y) => (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0,
  (x, y) => ((x * y) % 2) + ((x * y) % 3) === 0,
  (x, y) => (((x * y) % 2) + ((x * y) % 3)) % 2 === 0,
  (x, y) => (((x + y) % 2) + ((x * y) % 3)) % 2 === 0,
];

function applyMask(matrix: Matrix, mask: number): void {
  const test = MASKS[mask];
  for (let y = 0; y < matrix.size; y++) {
    for (let x = 0; x < matrix.size; x++) if (!matrix.reserved[y][x] && test(x, y)) matrix.modules[y][x] = !matrix.modules[y][x];
  }
}

const FINDER_LIKE = [
  [true, false, true, true, true, false, true, false, false, false, false],
  [false, false, false, false, true, false, true, true, true, false, true],
];

/** The penalty of the standard's four rules (runs, 2×2 blocks, finder-like patterns, dark balance). */
export function maskPenalty(modules: readonly (readonly boolean[])[]): number {
  const size = modules.length;
  let penalty = 0;
  const lines: boolean[][] = [];
  for (let i = 0; i < size; i++) {
    lines.push([...modules[i]]);
    lines.push(modules.map((row) => row[i]));
  }
  for (const line of lines) {
    let run = 1;
    for (let i = 1; i <= size; i++) {
      if (i < size && line[i] === line[i - 1]) {
        run++;
        continue;
      }
      if (run >= 5) penalty += 3 + (run - 5);
      run = 1;
    }
    // a 1:1:3:1:1 pattern with four light modules on one side (outside the code counts as light)
    for (let start = -4; start + 11 <= size + 4; start++) {
      for (const pattern of FINDER_LIKE) {
        if (pattern.every((dark, k) => (start + k >= 0 && start + k < size ? line[start + k] : false) === dark)) penalty += 40;
      }
    }
  }
  let dark = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (modules[y][x]) dark++;
      if (x + 1 < size && y + 1 < size) {
        const colour = modules[y][x];
        if (modules[y][x + 1] === colour && modules[y + 1][x] === colour && modules[y + 1][x + 1] === colour) penalty += 3;
      }
    }
  }
  const total = size * size;
  penalty += (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10;
  return penalty;
}

/** The QR code of `text` (UTF-8, byte mode) in the smallest version that holds it. */
export function encodeQr(text: string, options: QrOptions = {}): QrCode {
  const level = options.level ?? "M";
  const minVersion = options.minVersion ?? MIN_VERSION;
  if (!Number.isInteger(minVersion) || minVersion < MIN_VERSION || minVersion > MAX_VERSION) throw new RangeError(`minVersion must be 1 to 40, not ${minVersion}`);
  if (options.mask !== undefined && !(Number.isInteger(options.mask) && options.mask >= 0 && options.mask <= 7)) throw new RangeError(`mask must be 0 to 7, not ${options.mask}`);
  const bytes = new TextEncoder().encode(text);
  const version = fittingVersion(bytes.length, level, minVersion);
  const codewords = interleaved(dataBytes(bytes, version, level), version, level);
  const build = (mask: number): Matrix => {
    const matrix = new Matrix(version * 4 + 17);
    drawFunctionPatterns(matrix, version, level);
    drawCodewords(matrix, codewords);
    applyMask(matrix, mask);
    drawFormat(matrix, level, mask);
    return matrix;
  };
  let mask = options.mask ?? 0;
  let best = build(mask);
  if (options.mask === undefined) {
    let lowest = maskPenalty(best.modules);
    for (let candidate = 1; candidate < 8; candidate++) {
      const matrix = build(candidate);
      const penalty = maskPenalty(matrix.modules);
      if (penalty < lowest) {
        lowest = penalty;
        best = matrix;
        mask = candidate;
      }
    }
  }
  return { version, level, mask, size: best.size, modules: best.modules };
}

/**
 * The dark modules as one SVG path (unit squares), offset by a quiet zone of `margin` modules: draw it in a
 * viewBox of `0 0 (size + 2 × margin) (size + 2 × margin)`.
 */
export function qrSvgPath(code: QrCode, margin = 4): string {
  const parts: string[] = [];
  code.modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) parts.push(`M${x + margin} ${y + margin}h1v1h-1z`);
    }),
  );
  return parts.join("");
}
