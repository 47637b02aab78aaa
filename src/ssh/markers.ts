// Splits one output stream of the persistent shell into the step's own bytes and our framing lines
// (`\x1erb<token> <kind> <value>\n`), without holding back output that cannot be the start of one.

/** A framing line: P = the step's process group, X = its shell's exit code, E = the stream ended. */
export interface Marker {
  kind: string;
  value: string;
}

const RS = 0x1e;
const NL = 0x0a;
/** A marker line is short; a prefix followed by this many bytes without a newline is not ours. */
const MAX_MARKER_BODY = 64;

export class MarkerScanner {
  private prefix: Buffer | undefined;
  private held: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onData: (chunk: Buffer) => void,
    private readonly onMarker: (marker: Marker) => void,
  ) {}

  /** Looks for the markers of this token (the lane's); everything else is data. */
  expect(token: string): void {
    this.prefix = Buffer.from(`\x1erb${token} `, 'latin1');
    this.held = Buffer.alloc(0);
  }

  push(chunk: Buffer): void {
    let buf = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    this.held = Buffer.alloc(0);
    while (buf.length) {
      const prefix = this.prefix;
      if (!prefix) return this.onData(buf);
      const at = buf.indexOf(prefix);
      if (at < 0) {
        const keep = partialPrefixAtEnd(buf, prefix);
        if (buf.length > keep) this.onData(buf.subarray(0, buf.length - keep));
        // A copy, so the large chunk it came from can be freed.
        if (keep) this.held = Buffer.from(buf.subarray(buf.length - keep));
        return;
      }
      if (at > 0) this.onData(buf.subarray(0, at));
      const bodyStart = at + prefix.length;
      const nl = buf.indexOf(NL, bodyStart);
      if (nl < 0) {
        if (buf.length - bodyStart <= MAX_MARKER_BODY) {
          this.held = Buffer.from(buf.subarray(at));
          return;
        }
        this.onData(buf.subarray(at, bodyStart));
        buf = buf.subarray(bodyStart);
        continue;
      }
      const body = buf.toString('latin1', bodyStart, nl);
      const space = body.indexOf(' ');
      this.onMarker({ kind: space < 0 ? body : body.slice(0, space), value: space < 0 ? '' : body.slice(space + 1) });
      buf = buf.subarray(nl + 1);
    }
  }
}

/** How many bytes at the end of `buf` could begin `prefix` (the prefix starts with RS, which text rarely has). */
function partialPrefixAtEnd(buf: Buffer, prefix: Buffer): number {
  const from = Math.max(0, buf.length - prefix.length + 1);
  for (let i = buf.indexOf(RS, from); i >= 0 && i < buf.length; i = buf.indexOf(RS, i + 1)) {
    if (prefix.subarray(0, buf.length - i).equals(buf.subarray(i))) return buf.length - i;
  }
  return 0;
}
