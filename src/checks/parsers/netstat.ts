// `netstat -an` / `-tanp` / `-tanpo`: the same socket counts as `ss -tan`, from net-tools' layout
// (`tcp  0  0 127.0.0.1:22  10.0.0.5:51234  ESTABLISHED  812/sshd`). UDP and unix rows are skipped.
// Read from the bytes of each line: a big host's `netstat -an` is millions of rows.
import type { LineAccumulator, ParserOptions } from './types';
import { createSocketTally, RowBytes, socketTableValues } from './socketTally';
import { Endpoint } from './endpoint';
import { readNumber, Warnings } from './text';
import { clipBytes, digits, HASH_MASK, HASH_PRIME, HASH_SEED, isBlank, isWord } from './bytes';
import { lineParser } from './byteLines';

/** `tcp`, `tcp4`, `tcp6`. */
function isTcp(bytes: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length < 3 || length > 4 || bytes[start] !== 116 || bytes[start + 1] !== 99 || bytes[start + 2] !== 112) return false;
  return length === 3 || bytes[start + 3] === 52 || bytes[start + 3] === 54;
}

/** Recv-Q and Send-Q: digits almost always; anything else read as the whole-text parser always did. */
function queue(bytes: Buffer, start: number, end: number): number | undefined {
  if (end === start) return undefined;
  const n = digits(bytes, start, end);
  return n >= 0 ? n : readNumber(bytes.toString('utf8', start, end));
}

export function createNetstatAccumulator(options: ParserOptions = {}): LineAccumulator {
  const tally = createSocketTally({ maxRows: typeof options.maxRows === 'number' ? options.maxRows : undefined, listenBacklogKnown: false, pidFirst: true });
  const warnings = new Warnings();
  const local = new Endpoint();
  const peer = new Endpoint();
  const row = new RowBytes();
  let lineNumber = 0;
  let tcpRows = 0;
  let sawHeader = false;
  let otherLines = 0;

  // Outside pushBytes on purpose: a closure there over its parameters would cost a context object per line.
  const bad = (bytes: Buffer, start: number, end: number): void => {
    warnings.addWith(() => `line ${lineNumber}: not a netstat tcp row: ${clipBytes(bytes, start, end)}`);
  };

  const accumulator: LineAccumulator = {
    push(line: string): void {
      const bytes = Buffer.from(line, 'utf8');
      accumulator.pushBytes!(bytes, 0, bytes.length);
    },
    pushBytes(bytes, start, end): void {
      lineNumber++;
      let p = start;
      let c = 0;
      while (p < end && isBlank(bytes[p])) p++;
      if (p === end) return;
      const protoStart = p;
      while (p < end && ((c = bytes[p]) > 32 || !isBlank(c))) p++;
      // Only tcp rows are read further; `unix` and `udp` rows stop after their first field.
      if (!isTcp(bytes, protoStart, p)) {
        if (bytes[protoStart] === 80 && isWord(bytes, protoStart, p, 'Proto')) sawHeader = true;
        else otherLines++;
        return;
      }
      tcpRows++;
      while (p < end && isBlank(bytes[p])) p++;
      let fieldStart = p;
      while (p < end && ((c = bytes[p]) > 32 || !isBlank(c))) p++;
      const recvQ = queue(bytes, fieldStart, p);
      while (p < end && isBlank(bytes[p])) p++;
      fieldStart = p;
      while (p < end && ((c = bytes[p]) > 32 || !isBlank(c))) p++;
      const sendQ = queue(bytes, fieldStart, p);
      while (p < end && isBlank(bytes[p])) p++;
      let fields = p < end ? 4 : 3;
      p = local.scan(bytes, p, end, true);
      while (p < end && isBlank(bytes[p])) p++;
      if (p < end) fields++;
      p = peer.scan(bytes, p, end, true);
      while (p < end && isBlank(bytes[p])) p++;
      const stateStart = p;
      let h = HASH_SEED;
      while (p < end && ((c = bytes[p]) > 32 || !isBlank(c))) {
        h = Math.imul(h ^ c, HASH_PRIME) & HASH_MASK;
        p++;
      }
      if (p > stateStart) fields++;
      if (recvQ === undefined || sendQ === undefined || fields < 6) {
        bad(bytes, start, end);
        return;
      }
      row.bytes = bytes;
      row.recvQ = recvQ;
      row.sendQ = sendQ;
      row.line = lineNumber;
      row.clearExtras();
      row.localStart = local.addressStart;
      row.localEnd = local.addressEnd;
      row.localPortStart = local.portStart;
      row.localPortEnd = local.portEnd;
      row.localHash = local.hash;
      row.peerStart = peer.addressStart;
      row.peerEnd = peer.addressEnd;
      row.peerPortStart = peer.portStart;
      row.peerPortEnd = peer.portEnd;
      row.peerHash = peer.hash;
      row.stateBytes = bytes;
      row.stateStart = stateStart;
      row.stateEnd = p;
      row.stateHash = h & HASH_MASK;
      while (p < end && isBlank(bytes[p])) p++;
      if (p < end) readProgramAndTimer(bytes.toString('utf8', p, end).trim().split(/\s+/).join(' '), row);
      tally.add(row);
    },
    result() {
      const w = warnings.done();
      if (tcpRows === 0 && !sawHeader && otherLines > 0) w.unshift('unrecognised: no tcp rows and no `Proto` header found: is this `netstat -an` output?');
      else if (tcpRows === 0 && lineNumber > 0) w.unshift('no tcp rows found: is this `netstat -an` output?');
      w.push(...tally.notes());
      return { values: tally.values(), warnings: w };
    },
  };
  return accumulator;
}

/** `812/sshd` and `keepalive (7190.21/0/0)` after the State column (-p, -o). */
function readProgramAndTimer(rest: string, row: RowBytes): void {
  const program = /(\d+)\/(\S+)/.exec(rest);
  if (program) {
    row.pid = Number(program[1]);
    row.process = program[2];
  }
  const timer = /(keepalive|on|off|timewait|probe)\s*\(([^)]*)\)/.exec(rest);
  if (timer) row.timer = `${timer[1]},${timer[2]}`;
}

export const netstatParser = lineParser(
  {
    name: 'netstat',
    summary: 'TCP rows of `netstat -an` / `netstat -tanp` (net-tools): the same counts as `ss-tan`.',
    commands: ['netstat -an', 'netstat -tan', 'netstat -tanp', 'netstat -tanpo', 'netstat -ltn'],
    values: socketTableValues,
    options: [{ name: 'maxRows', type: 'number', description: 'How many rows to keep in `rows` (default 1000).' }],
  },
  createNetstatAccumulator,
);
