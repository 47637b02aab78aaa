// AssemblyScript, compiled to WebAssembly by `npm run build:wasm` (scripts/build-wasm.mjs) into
// src/checks/parsers/fast/socketsWasm.ts. The fast path for big `ss -tan`, `netstat -an` and `lsof`
// outputs (spill files of millions of rows): it counts exactly what the TypeScript parsers in
// src/checks/parsers/ count, for the rows of the usual shape, and declines the whole output at the first
// line of any other shape (a header it does not know, a bad row, `-p` columns, a control byte or a
// non-ASCII byte, too many keys). A declined output is parsed by the TypeScript parser, which stays the
// definition; test/checks/fastScan.test.ts checks both give the same result, warnings included.

/** Distinct keys per table, as MAX_KEYS in src/checks/parsers/bytes.ts: past it the output is declined. */
const MAX_KEYS: i32 = 250000;
/** The longest line a parser reads (MAX_LINE_BYTES): a longer one is declined (the TypeScript path cuts and warns). */
const MAX_LINE_BYTES: i32 = 65536;

const OK: i32 = 0;
const DECLINE: i32 = 1;

// Imported from the JS side (module "sockets", this file's name: no decorator, so prettier reads the file).
// It answers, once per distinct state spelling, whether it is LISTEN (canonicalState's rules).
declare function isListen(ptr: usize, length: i32): i32;

// And is told each listener whose accept queue is at or over its backlog (ss's listenOverflow).
declare function listenOverflow(addressPtr: usize, addressLength: i32, portPtr: usize, portLength: i32, recvQ: f64, backlog: f64, line: f64): void;

let seed: u32 = 0;
/** Lines read so far, blank ones included, numbered as LineSplitter numbers them. */
let lineNumber: f64 = 0;

/** `n` bytes at `a` and at `b` are the same: eight at a time (keys are addresses: 9-40 bytes). */
function sameBytes(a: usize, b: usize, n: usize): bool {
  while (n >= 8) {
    if (load<u64>(a) != load<u64>(b)) return false;
    a += 8;
    b += 8;
    n -= 8;
  }
  while (n > 0) {
    if (load<u8>(a) != load<u8>(b)) return false;
    a++;
    b++;
    n--;
  }
  return true;
}

/**
 * Counts per byte key, in the order first seen: an open-addressing table over entries (start, length,
 * hash, count), key bytes in one growing buffer. Read out by the JS side through the `table*` exports.
 */
class KeyTable {
  slots: usize = 0;
  mask: i32 = 0;
  starts: usize = 0;
  lengths: usize = 0;
  hashes: usize = 0;
  counts: usize = 0;
  capacity: i32 = 0;
  size: i32 = 0;
  keys: usize = 0;
  keysCapacity: i32 = 0;
  used: i32 = 0;

  constructor() {
    this.mask = 255;
    this.slots = heap.alloc(256 << 2);
    memory.fill(this.slots, 0, 256 << 2);
    this.capacity = 128;
    this.starts = heap.alloc(128 << 2);
    this.lengths = heap.alloc(128 << 2);
    this.hashes = heap.alloc(128 << 2);
    this.counts = heap.alloc(128 << 2);
    this.keysCapacity = 4096;
    this.keys = heap.alloc(4096);
  }

  /** The key counted last: rows repeat a command, a type, a local address more often than not. */
  last: i32 = -1;

  /** Counts `[p, p + length)` once; returns its index, or -1 when the table is full (decline). */
  add(p: usize, length: i32): i32 {
    const last = this.last;
    if (last >= 0) {
      const at = (<usize>last) << 2;
      if (load<i32>(this.lengths + at) == length && sameBytes(this.keys + <usize>load<i32>(this.starts + at), p, <usize>length)) {
        store<i32>(this.counts + at, load<i32>(this.counts + at) + 1);
        return last;
      }
    }
    const index = this.find(p, length, hashOf(p, p + <usize>length));
    this.last = index;
    return index;
  }

  private find(p: usize, length: i32, hash: u32): i32 {
    const h = hash * 0x01000193;
    const mask = this.mask;
    let slot = (<i32>h) & mask;
    for (;;) {
      const entry = load<i32>(this.slots + ((<usize>slot) << 2));
      if (entry == 0) break;
      const index = entry - 1;
      const at = (<usize>index) << 2;
      if (load<u32>(this.hashes + at) == h && load<i32>(this.lengths + at) == length) {
        if (sameBytes(this.keys + <usize>load<i32>(this.starts + at), p, <usize>length)) {
          store<i32>(this.counts + at, load<i32>(this.counts + at) + 1);
          return index;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (this.size >= MAX_KEYS) return -1;
    const index = this.insert(p, length, h);
    store<i32>(this.slots + ((<usize>slot) << 2), index + 1);
    if (this.size * 2 > mask + 1) this.rehash();
    return index;
  }

  private insert(p: usize, length: i32, h: u32): i32 {
    if (this.used + length > this.keysCapacity) {
      let bigger = this.keysCapacity * 2;
      while (bigger < this.used + length) bigger *= 2;
      this.keys = heap.realloc(this.keys, <usize>bigger);
      this.keysCapacity = bigger;
    }
    memory.copy(this.keys + <usize>this.used, p, <usize>length);
    const index = this.size++;
    if (index == this.capacity) {
      const bytes = (<usize>(this.capacity * 2)) << 2;
      this.starts = heap.realloc(this.starts, bytes);
      this.lengths = heap.realloc(this.lengths, bytes);
      this.hashes = heap.realloc(this.hashes, bytes);
      this.counts = heap.realloc(this.counts, bytes);
      this.capacity *= 2;
    }
    const at = (<usize>index) << 2;
    store<i32>(this.starts + at, this.used);
    store<i32>(this.lengths + at, length);
    store<u32>(this.hashes + at, h);
    store<i32>(this.counts + at, 1);
    this.used += length;
    return index;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const slots = heap.alloc((<usize>size) << 2);
    memory.fill(slots, 0, (<usize>size) << 2);
    const mask = size - 1;
    for (let index = 0; index < this.size; index++) {
      let slot = (<i32>load<u32>(this.hashes + ((<usize>index) << 2))) & mask;
      while (load<i32>(slots + ((<usize>slot) << 2)) != 0) slot = (slot + 1) & mask;
      store<i32>(slots + ((<usize>slot) << 2), index + 1);
    }
    heap.free(this.slots);
    this.slots = slots;
    this.mask = mask;
  }
}

// ---- the tables one output fills (one instance of this module per output) ----

// ss / netstat: state spellings, peer addresses, local addresses, local ports that are no number.
// lsof: commands and types (its state spellings use `states`). Numbered for the JS side by `table`.
let states: KeyTable = changetype<KeyTable>(0);
let peers: KeyTable = changetype<KeyTable>(0);
let locals: KeyTable = changetype<KeyTable>(0);
let otherPorts: KeyTable = changetype<KeyTable>(0);
let commands: KeyTable = changetype<KeyTable>(0);
let types: KeyTable = changetype<KeyTable>(0);

function table(n: i32): KeyTable {
  return n == 0 ? states : n == 1 ? peers : n == 2 ? locals : n == 3 ? otherPorts : n == 4 ? commands : types;
}

/** Sockets per numeric local port, indexed by port. */
let ports: usize = 0;
/** Per state spelling index: 1 LISTEN, 0 any other, -1 not asked yet. */
let listenKinds: usize = 0;
let listenKindsCapacity: i32 = 0;

let total: i32 = 0;
let sawHeader = false;
/** netstat: lines that are no tcp row and no header. lsof: counted rows (`count`), TCP rows. */
let otherLines: i32 = 0;
let tcpRows: i32 = 0;
/** lsof: PID -> files, as an int table kept in the order first seen. */
let pidSlots: usize = 0;
let pidMask: i32 = 0;
let pidKeys: usize = 0;
let pidCounts: usize = 0;
let pidCapacity: i32 = 0;
let pidSize: i32 = 0;
let lastPid: i32 = -1;
let lastPidIndex: i32 = -1;

/** Rows the JS side keeps in `rows`, and the file offset just after the line that counted the last of them. */
let headRows: i32 = 0;
let headEnd: f64 = -1;

function noteRow(counted: i32, base: f64, buffer: usize, next: usize): void {
  if (counted == headRows) headEnd = base + <f64>(next - buffer);
}

export function init(randomSeed: u32, keptRows: i32): void {
  seed = randomSeed;
  headRows = keptRows;
  states = new KeyTable();
  peers = new KeyTable();
  locals = new KeyTable();
  otherPorts = new KeyTable();
  commands = new KeyTable();
  types = new KeyTable();
  ports = heap.alloc(65536 << 2);
  memory.fill(ports, 0, 65536 << 2);
  listenKindsCapacity = 64;
  listenKinds = heap.alloc(64);
  memory.fill(listenKinds, 0xff, 64);
  pidMask = 1023;
  pidSlots = heap.alloc(1024 << 2);
  memory.fill(pidSlots, 0, 1024 << 2);
  pidCapacity = 512;
  pidKeys = heap.alloc(512 << 2);
  pidCounts = heap.alloc(512 << 2);
}

/** Room for the JS side to copy output bytes into. */
export function allocate(bytes: i32): usize {
  return heap.alloc(<usize>bytes);
}

// ---- byte helpers ----
//
// Every line is first checked by `lineEndOf`: a line with a byte under 32 other than tab and CR, or over
// 127, is "odd", and the socket scanners decline it. Inside a line that is not odd the only bytes up to
// 32 are the blanks (space, tab, CR: also `\v` / `\f` for netstat and lsof, which an odd line has), so a
// field ends at the first byte <= 32, found 16 bytes a step. Loads may read up to 15 bytes past a
// line's end (the input area has room after it); what they find there is never used.

/** The line `lineEndOf` just found is odd. */
let lineOdd = false;
/** Where that line starts, and a bit per byte of it (set for bytes <= 32), in u64 words. */
let lineBase: usize = 0;
const blankBits: usize = memory.data(MAX_LINE_BYTES / 8 + 64);

/**
 * The end of the line that starts at `p` (its `\n`, or `end`), whether it is odd, and its blank bits:
 * 16 bytes a step. Bytes past `end` are loaded (the input area has room) and never used.
 */
function lineEndOf(p: usize, end: usize): usize {
  const newline = i8x16.splat(10);
  const space = i8x16.splat(32);
  const tab = i8x16.splat(9);
  const cr = i8x16.splat(13);
  lineBase = p;
  let odd: i32 = 0;
  // The bits go out 64 at a time, stored as the u64 words blankAt reads: a load that spans several
  // smaller stores still in flight would wait for them (store forwarding fails), ~15 cycles a field.
  let bits = blankBits;
  const bitsEnd = blankBits + <usize>(MAX_LINE_BYTES / 8);
  let word: u64 = 0;
  let shift: u64 = 0;
  while (p < end) {
    const v = v128.load(p);
    const isNewline = i8x16.eq(v, newline);
    const control = v128.andnot(v128.andnot(v128.andnot(i8x16.lt_u(v, space), i8x16.eq(v, tab)), i8x16.eq(v, cr)), isNewline);
    // bitmask(v): the top bit of each byte, set for every byte over 127.
    let oddBits = i8x16.bitmask(control) | i8x16.bitmask(v);
    let newlines = i8x16.bitmask(isNewline);
    word |= (<u64>i8x16.bitmask(i8x16.le_u(v, space))) << shift;
    shift += 16;
    if (end - p < 16) {
      const inside = (1 << i32(end - p)) - 1;
      newlines &= inside;
      oddBits &= inside;
    }
    if (newlines != 0) {
      if (bits < bitsEnd) store<u64>(bits, word);
      const at = ctz(newlines);
      lineOdd = odd != 0 || (oddBits & ((1 << at) - 1)) != 0;
      return p + <usize>at;
    }
    odd |= oddBits;
    if (shift == 64) {
      // A line longer than MAX_LINE_BYTES is declined by its length: its bits past that are not kept.
      if (bits < bitsEnd) store<u64>(bits, word);
      bits += 8;
      word = 0;
      shift = 0;
    }
    p += 16;
  }
  if (bits < bitsEnd) store<u64>(bits, word);
  lineOdd = odd != 0;
  return end;
}

/** The first byte <= 32 (a blank) at or after `p` in the current line, or `end`. */
function blankAt(p: usize, end: usize): usize {
  while (p < end) {
    const at = p - lineBase;
    const word = load<u64>(blankBits + ((at >> 6) << 3)) >> (<u64>(at & 63));
    if (word != 0) {
      const found = p + <usize>ctz(word);
      return found < end ? found : end;
    }
    p += 64 - (at & 63);
  }
  return end;
}

/** The first byte over 32 (not a blank) at or after `p` in the current line, or `end`. */
function fieldAt(p: usize, end: usize): usize {
  while (p < end) {
    const at = p - lineBase;
    const word = ~load<u64>(blankBits + ((at >> 6) << 3)) >> (<u64>(at & 63));
    if (word != 0) {
      const found = p + <usize>ctz(word);
      return found < end ? found : end;
    }
    p += 64 - (at & 63);
  }
  return end;
}

/** Field boundaries of the current line (start, end, start, end...), as pointers; at most MAX_BOUNDS. */
const MAX_BOUNDS = 40;
const bounds: usize = memory.data(MAX_BOUNDS * 4);

/**
 * Fills `bounds` with the fields of the current line up to `end`, from its blank bits: a boundary is
 * where a blank meets a non-blank, taken 64 bytes at a time with one bit scan each (no byte loop, and no
 * chain of loads from one field to the next). Returns how many were filled; an even count unless capped.
 */
function fieldBounds(end: usize): i32 {
  const length = end - lineBase;
  let n = 0;
  // Before the line counts as a blank: a field at its first byte starts there.
  let carry: u64 = 1;
  for (let at: usize = 0; at < length; at += 64) {
    const blanks = load<u64>(blankBits + (at >> 3));
    let edges = blanks ^ ((blanks << 1) | carry);
    carry = blanks >> 63;
    while (edges != 0) {
      const position = at + <usize>ctz(edges);
      if (position >= length) break;
      store<usize>(bounds + ((<usize>n) << 2), lineBase + position);
      if (++n == MAX_BOUNDS) return n;
      edges &= edges - 1;
    }
  }
  // The last field runs to the end of the line.
  if (n & 1) {
    store<usize>(bounds + ((<usize>n) << 2), end);
    n++;
  }
  return n;
}

/** Boundary `i` of the current line. */
function bound(i: i32): usize {
  return load<usize>(bounds + ((<usize>i) << 2));
}

/** The first `byte` in `[p, end)`, or 0. */
function byteAt(p: usize, end: usize, byte: u8): usize {
  const wanted = i8x16.splat(byte);
  while (p < end) {
    const found = i8x16.bitmask(i8x16.eq(v128.load(p), wanted));
    if (found != 0) {
      const at = p + <usize>ctz(found);
      return at < end ? at : 0;
    }
    p += 16;
  }
  return 0;
}

/** `digits` of src/checks/parsers/bytes.ts: a count, or -1 when empty, not all digits or longer than 15. */
function digits(start: usize, end: usize): i64 {
  if (end == start || end - start > 15) return -1;
  let n: i64 = 0;
  for (let p = start; p < end; p++) {
    const d = <i32>load<u8>(p) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** A key's hash (murmur3's steps, four bytes at a time), seeded per output. */
function hashOf(start: usize, end: usize): u32 {
  let h = seed ^ (<u32>(end - start));
  let p = start;
  while (p + 4 <= end) {
    h ^= rotl<u32>(load<u32>(p) * 0xcc9e2d51, 15) * 0x1b873593;
    h = rotl<u32>(h, 13) * 5 + 0xe6546b64;
    p += 4;
  }
  while (p < end) {
    h = (h ^ (<u32>load<u8>(p))) * 0x01000193;
    p++;
  }
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  return h;
}

/** True when `[start, end)` spells the ASCII `word`. */
function isWordAt(start: usize, end: usize, word: string): bool {
  const length = word.length;
  if (<i32>(end - start) != length) return false;
  for (let i = 0; i < length; i++) if (<i32>load<u8>(start + <usize>i) != word.charCodeAt(i)) return false;
  return true;
}

// ---- an address:port field, as Endpoint in src/checks/parsers/endpoint.ts ----

let addressStart: usize = 0;
let addressEnd: usize = 0;
let portStart: usize = 0;
let portEnd: usize = 0;

/**
 * Reads the endpoint field `[start, fieldEnd)`. The port follows the last `:` (or `]:` after a bracket),
 * an interface the first `%` of the address.
 */
function endpoint(start: usize, fieldEnd: usize): void {
  let aStart = start;
  let aEnd = fieldEnd;
  let pStart = fieldEnd;
  let close: usize = 0;
  if (load<u8>(start) == 91) {
    for (let i = start + 1; i + 1 < fieldEnd; i++) {
      if (load<u8>(i) == 93 && load<u8>(i + 1) == 58) {
        close = i;
        break;
      }
    }
  }
  if (close > 0) {
    aStart = start + 1;
    aEnd = close;
    pStart = close + 2;
  } else {
    // Back from the end: the port is a few bytes.
    let colon = fieldEnd;
    while (colon > start) {
      colon--;
      if (load<u8>(colon) == 58) {
        aEnd = colon;
        pStart = colon + 1;
        break;
      }
    }
  }
  const percent = byteAt(aStart, aEnd, 37);
  if (percent > 0) aEnd = percent;
  addressStart = aStart;
  addressEnd = aEnd;
  portStart = pStart;
  portEnd = fieldEnd;
}

// ---- counting a socket row, as createSocketTally's add ----

function isListenState(index: i32, start: usize, end: usize): bool {
  if (index >= listenKindsCapacity) {
    const bigger = listenKindsCapacity * 2;
    listenKinds = heap.realloc(listenKinds, <usize>bigger);
    memory.fill(listenKinds + <usize>listenKindsCapacity, 0xff, <usize>(bigger - listenKindsCapacity));
    listenKindsCapacity = bigger;
  }
  let kind = load<i8>(listenKinds + <usize>index);
  if (kind < 0) {
    kind = <i8>isListen(start, <i32>(end - start));
    store<i8>(listenKinds + <usize>index, kind);
  }
  return kind == 1;
}

/** A local port as a number when it prints back the same (`portNumber`), else -1. */
function portNumber(start: usize, end: usize): i32 {
  const length = end - start;
  if (length == 0 || length > 5 || (length > 1 && load<u8>(start) == 48)) return -1;
  const n = digits(start, end);
  return n <= 65535 ? <i32>n : -1;
}

/** Counts one socket row; false to decline (a table full). */
function countSocket(
  stateStart: usize,
  stateEnd: usize,
  recvQ: i64,
  sendQ: i64,
  lStart: usize,
  lEnd: usize,
  lpStart: usize,
  lpEnd: usize,
  backlogKnown: bool,
): bool {
  const spelling = states.add(stateStart, <i32>(stateEnd - stateStart));
  if (spelling < 0) return false;
  const listening = isListenState(spelling, stateStart, stateEnd);
  if (listening && backlogKnown && recvQ > 0 && recvQ >= sendQ) {
    listenOverflow(lStart, <i32>(lEnd - lStart), lpStart, <i32>(lpEnd - lpStart), <f64>recvQ, <f64>sendQ, lineNumber);
  }
  // The peer is the endpoint read last (addressStart...): a listener's `0.0.0.0:*` is no peer.
  const starPort = portEnd - portStart == 1 && load<u8>(portStart) == 42;
  if (!listening && addressEnd > addressStart && !starPort) {
    if (peers.add(addressStart, <i32>(addressEnd - addressStart)) < 0) return false;
  }
  const port = portNumber(lpStart, lpEnd);
  if (port >= 0) store<i32>(ports + ((<usize>port) << 2), load<i32>(ports + ((<usize>port) << 2)) + 1);
  else if (otherPorts.add(lpStart, <i32>(lpEnd - lpStart)) < 0) return false;
  if (locals.add(lStart, <i32>(lEnd - lStart)) < 0) return false;
  total++;
  return true;
}

/**
 * Counts the row whose fields are in `bounds`: Recv-Q and Send-Q second and third, then the local and the
 * peer endpoint (ss and netstat alike; their state is first or last). False to decline: a queue that is
 * no plain count (netstat's readNumber reads more), or a table full.
 */
function countSocketRow(stateStart: usize, stateEnd: usize, backlogKnown: bool): bool {
  const recvQ = digits(bound(2), bound(3));
  const sendQ = digits(bound(4), bound(5));
  if (recvQ < 0 || sendQ < 0) return false;
  endpoint(bound(6), bound(7));
  const lStart = addressStart;
  const lEnd = addressEnd;
  const lpStart = portStart;
  const lpEnd = portEnd;
  endpoint(bound(8), bound(9));
  return countSocket(stateStart, stateEnd, recvQ, sendQ, lStart, lEnd, lpStart, lpEnd, backlogKnown);
}

/**
 * `ss -tan` lines in `[buffer, buffer + length)`, which ends just after a `\n` (or is the output's last
 * bytes) and starts at file offset `base`: OK, or DECLINE at the first line the TypeScript parser must read.
 */
export function scanSs(buffer: usize, length: i32, base: f64): i32 {
  let line = buffer;
  const last = buffer + <usize>length;
  while (line < last) {
    const nl = lineEndOf(line, last);
    const end = nl > line && load<u8>(nl - 1) == 13 ? nl - 1 : nl;
    if (<i32>(end - line) > MAX_LINE_BYTES) return DECLINE;
    lineNumber++;
    // Odd first: a line of control bytes only is no blank line to the parser (its warning).
    if (lineOdd) return DECLINE;
    const p = fieldAt(line, end);
    line = nl + 1;
    if (p == end) continue;
    const edges = fieldBounds(end);
    const stateStart = bound(0);
    const stateEnd = bound(1);
    const first = load<u8>(stateStart);
    if (first == 83 && isWordAt(stateStart, stateEnd, 'State')) {
      sawHeader = true;
      continue;
    }
    // No header yet (its warning), `Netid` / `Recv-Q` layouts, netids (lower case): the TypeScript parser.
    if (!sawHeader || (first >= 97 && first <= 122) || first == 78 || first == 82) return DECLINE;
    // State, Recv-Q, Send-Q, local, peer: fewer is a bad row, more are -p / -o columns (process, timer).
    if (edges != 10 || !countSocketRow(stateStart, stateEnd, true)) return DECLINE;
    noteRow(total, base, buffer, line);
  }
  return OK;
}

/** `tcp`, `tcp4`, `tcp6`. */
function isTcp(start: usize, end: usize): bool {
  const length = end - start;
  if (length < 3 || length > 4 || load<u8>(start) != 116 || load<u8>(start + 1) != 99 || load<u8>(start + 2) != 112) return false;
  return length == 3 || load<u8>(start + 3) == 52 || load<u8>(start + 3) == 54;
}

/** The netstat parser's blanks: `\s`'s ASCII ones. */
function isBlank(c: u32): bool {
  return c == 32 || c == 9 || c == 13 || c == 11 || c == 12;
}

/** `netstat -an` lines, as scanSs. Lines other than tcp rows (udp, unix sockets) count as other lines, odd or not. */
export function scanNetstat(buffer: usize, length: i32, base: f64): i32 {
  let line = buffer;
  const last = buffer + <usize>length;
  while (line < last) {
    const nl = lineEndOf(line, last);
    const end = nl > line && load<u8>(nl - 1) == 13 ? nl - 1 : nl;
    if (<i32>(end - line) > MAX_LINE_BYTES) return DECLINE;
    lineNumber++;
    let p = line;
    line = nl + 1;
    let protoStart: usize;
    if (lineOdd) {
      // Byte by byte, as the TypeScript parser: a unix socket's path may hold any byte.
      while (p < end && isBlank(load<u8>(p))) p++;
      if (p == end) continue;
      protoStart = p;
      while (p < end && !isBlank(load<u8>(p))) p++;
      if (isTcp(protoStart, p)) return DECLINE;
    } else {
      p = fieldAt(p, end);
      if (p == end) continue;
      protoStart = p;
      p = blankAt(p, end);
    }
    if (!isTcp(protoStart, p)) {
      if (load<u8>(protoStart) == 80 && isWordAt(protoStart, p, 'Proto')) sawHeader = true;
      else otherLines++;
      continue;
    }
    tcpRows++;
    // Proto, Recv-Q, Send-Q, local, foreign, state: fewer is a bad row, more are -p / -o columns.
    if (fieldBounds(end) != 12 || !countSocketRow(bound(10), bound(11), false)) return DECLINE;
    noteRow(total, base, buffer, line);
  }
  return OK;
}

// ---- lsof ----

function countPid(pid: i32): void {
  if (pid == lastPid) {
    store<i32>(pidCounts + ((<usize>lastPidIndex) << 2), load<i32>(pidCounts + ((<usize>lastPidIndex) << 2)) + 1);
    return;
  }
  let slot = (<i32>(((<u32>pid) ^ seed) * 0x01000193)) & pidMask;
  for (;;) {
    const entry = load<i32>(pidSlots + ((<usize>slot) << 2));
    if (entry == 0) break;
    if (load<i32>(pidKeys + ((<usize>(entry - 1)) << 2)) == pid) {
      lastPid = pid;
      lastPidIndex = entry - 1;
      store<i32>(pidCounts + ((<usize>lastPidIndex) << 2), load<i32>(pidCounts + ((<usize>lastPidIndex) << 2)) + 1);
      return;
    }
    slot = (slot + 1) & pidMask;
  }
  if (pidSize == pidCapacity) {
    pidCapacity *= 2;
    pidKeys = heap.realloc(pidKeys, (<usize>pidCapacity) << 2);
    pidCounts = heap.realloc(pidCounts, (<usize>pidCapacity) << 2);
  }
  const index = pidSize++;
  store<i32>(pidKeys + ((<usize>index) << 2), pid);
  store<i32>(pidCounts + ((<usize>index) << 2), 1);
  store<i32>(pidSlots + ((<usize>slot) << 2), index + 1);
  lastPid = pid;
  lastPidIndex = index;
  if (pidSize * 2 > pidMask + 1) {
    const size = (pidMask + 1) * 2;
    const slots = heap.alloc((<usize>size) << 2);
    memory.fill(slots, 0, (<usize>size) << 2);
    const mask = size - 1;
    for (let i = 0; i < pidSize; i++) {
      let s = (<i32>(((<u32>load<i32>(pidKeys + ((<usize>i) << 2))) ^ seed) * 0x01000193)) & mask;
      while (load<i32>(slots + ((<usize>s) << 2)) != 0) s = (s + 1) & mask;
      store<i32>(slots + ((<usize>s) << 2), i + 1);
    }
    heap.free(pidSlots);
    pidSlots = slots;
    pidMask = mask;
  }
}

/** The start of a row's `(STATE)` suffix (letters and `_`, blanks after it allowed), or 0; its end in `suffixEnd`. */
let suffixEnd: usize = 0;
function stateSuffix(start: usize, end: usize): usize {
  let p = end;
  while (p > start && isBlank(load<u8>(p - 1))) p--;
  if (p == start || load<u8>(p - 1) != 41) return 0;
  const close = p - 1;
  p = close;
  while (p > start) {
    const c = load<u8>(p - 1);
    if (!((c >= 65 && c <= 90) || c == 95)) break;
    p--;
  }
  if (p == start || load<u8>(p - 1) != 40 || p == close) return 0;
  suffixEnd = close;
  return p;
}

/** 1 for a `TCP` field, 2 for `UDP`, else 0. */
function nodeKind(start: usize, end: usize): i32 {
  if (end - start != 3 || load<u8>(start + 2) != 80) return 0;
  if (load<u8>(start) == 84 && load<u8>(start + 1) == 67) return 1;
  if (load<u8>(start) == 85 && load<u8>(start + 1) == 68) return 2;
  return 0;
}

/** `lsof` lines, as scanSs. `otherLines` counts rows (`count`), `tcpRows` TCP rows. */
export function scanLsof(buffer: usize, length: i32, base: f64): i32 {
  let line = buffer;
  const last = buffer + <usize>length;
  while (line < last) {
    const nl = lineEndOf(line, last);
    const next = nl + 1;
    const start = line;
    const end = nl > line && load<u8>(nl - 1) == 13 ? nl - 1 : nl;
    if (<i32>(end - line) > MAX_LINE_BYTES) return DECLINE;
    lineNumber++;
    line = next;
    // A NAME may hold any byte: such a line (rare with -n -P -i) is read by the TypeScript parser. Odd
    // before blank: a line of control bytes only is no blank line to the parser (its warning).
    if (lineOdd) return DECLINE;
    let p = fieldAt(start, end);
    if (p == end) continue;
    const head = end < start + 8 ? end : start + 8;
    if (load<u8>(start) == 67 && isWordAt(start, head, 'COMMAND ')) {
      sawHeader = true;
      continue;
    }
    const lsofEnd = end < start + 6 ? end : start + 6;
    if (load<u8>(start) == 108 && isWordAt(start, lsofEnd, 'lsof: ')) continue;
    const edges = fieldBounds(end);
    // A bad row (fewer than 5 fields: its warning), or a PID of 10 or more digits: the TypeScript parser.
    if (edges < 10) return DECLINE;
    const commandStart = bound(0);
    const commandEnd = bound(1);
    const pidStart = bound(2);
    const pidEnd = bound(3);
    const typeStart = bound(8);
    const typeEnd = bound(9);
    if (pidEnd - pidStart > 9) return DECLINE;
    const pid = digits(pidStart, pidEnd);
    if (pid < 0) return DECLINE;
    // NODE is the first `TCP` or `UDP` field from the sixth on (DEVICE and SIZE/OFF may be empty).
    let node = 0;
    let i = 10;
    for (; i + 1 < edges && node == 0; i += 2) node = nodeKind(bound(i), bound(i + 1));
    if (node == 0 && edges == MAX_BOUNDS) {
      // More fields than `bounds` holds (a NAME with many spaces): the rest field by field.
      p = fieldAt(bound(edges - 1), end);
      while (p < end && node == 0) {
        const fieldStart = p;
        p = blankAt(p, end);
        node = nodeKind(fieldStart, p);
        p = fieldAt(p, end);
      }
    }
    otherLines++;
    if (node == 1) {
      tcpRows++;
      const suffix = stateSuffix(start, end);
      if (suffix > 0 && states.add(suffix, <i32>(suffixEnd - suffix)) < 0) return DECLINE;
    }
    if (commands.add(commandStart, <i32>(commandEnd - commandStart)) < 0) return DECLINE;
    if (types.add(typeStart, <i32>(typeEnd - typeStart)) < 0) return DECLINE;
    if (pidSize >= MAX_KEYS && <i32>pid != lastPid) return DECLINE;
    countPid(<i32>pid);
    noteRow(otherLines, base, buffer, line);
  }
  return OK;
}

// ---- read-out for the JS side ----

/** -1 while fewer rows than the JS side keeps were counted. */
export function headEndOffset(): f64 {
  return headEnd;
}
export function rows(): i32 {
  return total;
}
export function headerSeen(): i32 {
  return sawHeader ? 1 : 0;
}
export function otherLineCount(): i32 {
  return otherLines;
}
export function tcpRowCount(): i32 {
  return tcpRows;
}
export function portCounts(): usize {
  return ports;
}
export function tableSize(n: i32): i32 {
  return table(n).size;
}
export function tableKeys(n: i32): usize {
  return table(n).keys;
}
export function tableStarts(n: i32): usize {
  return table(n).starts;
}
export function tableLengths(n: i32): usize {
  return table(n).lengths;
}
export function tableCounts(n: i32): usize {
  return table(n).counts;
}
export function pidCount(): i32 {
  return pidSize;
}
export function pidKeyList(): usize {
  return pidKeys;
}
export function pidCountList(): usize {
  return pidCounts;
}
