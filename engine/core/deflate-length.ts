// How many bytes raw deflate data (RFC 1951) inflates to, counted without producing them and abandoned as soon as
// the count passes a bound: the guard against decompression bombs. Browser-safe, synchronous, no output buffer.

const MAX_BITS = 15;
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

export type InflatedLength = { ok: true; length: number } | { ok: false; reason: string };

class Invalid extends Error {}
class OverBound extends Error {}

/** A canonical Huffman code: how many codes of each length, and the symbols in code order. */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
}

function buildHuffman(lengths: ArrayLike<number>, from: number, n: number): Huffman {
  const count = new Uint16Array(MAX_BITS + 1);
  for (let index = 0; index < n; index++) count[lengths[from + index]] += 1;
  let left = 1;
  for (let length = 1; length <= MAX_BITS; length++) {
    left = left * 2 - count[length];
    if (left < 0) throw new Invalid("an over-subscribed Huffman code");
  }
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let length = 1; length <= MAX_BITS; length++) offsets[length + 1] = offsets[length] + count[length];
  const symbol = new Uint16Array(n);
  for (let index = 0; index < n; index++) {
    const length = lengths[from + index];
    if (length !== 0) symbol[offsets[length]++] = index;
  }
  return { count, symbol };
}

const FIXED_LITERALS = buildHuffman(
  Array.from({ length: 288 }, (_, symbol) => (symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8)),
  0,
  288,
);
const FIXED_DISTANCES = buildHuffman(new Array<number>(30).fill(5), 0, 30);

class Counter {
  private position = 0;
  private bitBuffer = 0;
  private bitCount = 0;
  length = 0;

  constructor(
    private readonly input: Uint8Array,
    private readonly bound: number,
  ) {}

  private bits(need: number): number {
    let value = this.bitBuffer;
    while (this.bitCount < need) {
      if (this.position >= this.input.length) throw new Invalid("the data ends too soon");
      value |= this.input[this.position++] << this.bitCount;
      this.bitCount += 8;
    }
    this.bitBuffer = value >>> need;
    this.bitCount -= need;
    return value & ((1 << need) - 1);
  }

  private add(bytes: number): void {
    this.length += bytes;
    if (this.length > this.bound) throw new OverBound();
  }

  private decode(code: Huffman): number {
    let value = 0;
    let first = 0;
    let index = 0;
    for (let length = 1; length <= MAX_BITS; length++) {
      value |= this.bits(1);
      const count = code.count[length];
      if (value - count < first) return code.symbol[index + (value - first)];
      index += count;
      first = (first + count) << 1;
      value <<= 1;
    }
    throw new Invalid("a code that is not in its Huffman table");
  }

  private stored(): void {
    this.bitBuffer = 0;
    this.bitCount = 0;
    if (this.position + 4 > this.input.length) throw new Invalid("the data ends too soon");
    const length = this.input[this.position] | (this.input[this.position + 1] << 8);
    const complement = this.input[this.position + 2] | (this.input[this.position + 3] << 8);
    if (length !== (~complement & 0xffff)) throw new Invalid("a stored block with a damaged length");
    this.position += 4;
    if (this.position + length > this.input.length) throw new Invalid("the data ends too soon");
    this.position += length;
    this.add(length);
  }

  private codes(literals: Huffman, distances: Huffman): void {
    for (;;) {
      const symbol = this.decode(literals);
      if (symbol < 256) this.add(1);
      else if (symbol === 256) return;
      else {
        const index = symbol - 257;
        if (index >= LENGTH_BASE.length) throw new Invalid("an invalid length code");
        const length = LENGTH_BASE[index] + this.bits(LENGTH_EXTRA[index]);
        const distanceSymbol = this.decode(distances);
        if (distanceSymbol >= DISTANCE_BASE.length) throw new Invalid("an invalid distance code");
        const distance = DISTANCE_BASE[distanceSymbol] + this.bits(DISTANCE_EXTRA[distanceSymbol]);
        if (distance > this.length) throw new Invalid("a distance back before the start");
        this.add(length);
      }
    }
  }

  private dynamic(): void {
    const literalCount = this.bits(5) + 257;
    const distanceCount = this.bits(5) + 1;
    const codeLengthCount = this.bits(4) + 4;
    if (literalCount > 286 || distanceCount > 30) throw new Invalid("too many codes in a block");
    const codeLengths = new Array<number>(19).fill(0);
    for (let index = 0; index < codeLengthCount; index++) codeLengths[CODE_LENGTH_ORDER[index]] = this.bits(3);
    const lengthCode = buildHuffman(codeLengths, 0, 19);
    const lengths = new Array<number>(literalCount + distanceCount).fill(0);
    for (let index = 0; index < lengths.length; ) {
      const symbol = this.decode(lengthCode);
      if (symbol < 16) {
        lengths[index++] = symbol;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (symbol === 16) {
        if (index === 0) throw new Invalid("a repeat with nothing before it");
        value = lengths[index - 1];
        repeat = 3 + this.bits(2);
      } else repeat = symbol === 17 ? 3 + this.bits(3) : 11 + this.bits(7);
      if (index + repeat > lengths.length) throw new Invalid("too many code lengths");
      while (repeat-- > 0) lengths[index++] = value;
    }
    if (lengths[256] === 0) throw new Invalid("a block without an end code");
    this.codes(buildHuffman(lengths, 0, literalCount), buildHuffman(lengths, literalCount, distanceCount));
  }

  run(): void {
    for (let last = 0; last === 0; ) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(FIXED_LITERALS, FIXED_DISTANCES);
      else if (type === 2) this.dynamic();
      else throw new Invalid("an invalid block type");
    }
  }
}

/** The inflated length of raw deflate data, or why it cannot be had: not deflate data, or more than `bound` bytes. */
export function inflatedLength(compressed: Uint8Array, bound: number): InflatedLength {
  const counter = new Counter(compressed, bound);
  try {
    counter.run();
    return { ok: true, length: counter.length };
  } catch (error) {
    if (error instanceof OverBound) return { ok: false, reason: `it inflates to more than ${bound} bytes` };
    if (error instanceof Invalid) return { ok: false, reason: `it is not valid deflate data (${error.message})` };
    throw error;
  }
}
