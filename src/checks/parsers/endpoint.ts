// An address:port field of a socket row, read from the bytes of the line in one pass.
import { HASH_MASK, HASH_PRIME, HASH_SEED, hashBytes } from './bytes';

/** The end of a field: a space, tab or CR (ss, netstat), and `\v` / `\f` too where `formFeedBlank` (netstat's `\s`). */
export function isFieldEnd(c: number, formFeedBlank: boolean): boolean {
  return c === 32 || c === 9 || c === 13 || (formFeedBlank && (c === 11 || c === 12));
}

/**
 * `127.0.0.1:22`, `[::1]:22`, `*:22`, `::1:22` (netstat), `127.0.0.53%lo:53` in `bytes[start, end)` ->
 * address, port and interface ranges. The port follows the last `:` (or `]:` after a bracket); the
 * interface follows the first `%` of the address.
 */
export class Endpoint {
  addressStart = 0;
  addressEnd = 0;
  portStart = 0;
  portEnd = 0;
  /** -1 when the address has no `%`. */
  interfaceStart = -1;
  interfaceEnd = -1;
  /** `hashBytes` of the address range, for `ByteCounts.addHashed`. */
  hash = 0;

  /**
   * Reads the endpoint field that starts at `p` (up to the first blank; `\v` and `\f` are blanks when
   * `formFeedBlank`) and returns where it ends. One pass finds the last `:`, the first `%` and the
   * address hash: this runs twice per row of a million-row output.
   */
  scan(bytes: Buffer, p: number, end: number, formFeedBlank: boolean): number {
    const start = p;
    if (bytes[p] === 91) {
      while (p < end && !isFieldEnd(bytes[p], formFeedBlank)) p++;
      this.read(bytes, start, p);
      this.hash = hashBytes(bytes, this.addressStart, this.addressEnd);
      return p;
    }
    let h = HASH_SEED;
    let colon = -1;
    let hColon = 0;
    let percent = -1;
    let hPercent = 0;
    let c = 0;
    while (p < end && ((c = bytes[p]) > 32 || !isFieldEnd(c, formFeedBlank))) {
      if (c === 58) {
        colon = p;
        hColon = h;
      } else if (c === 37 && percent < 0) {
        percent = p;
        hPercent = h;
      }
      h = Math.imul(h ^ c, HASH_PRIME) & HASH_MASK;
      p++;
    }
    const addressEnd = colon >= 0 ? colon : p;
    this.addressStart = start;
    this.portStart = colon >= 0 ? colon + 1 : p;
    this.portEnd = p;
    if (percent >= 0 && percent < addressEnd) {
      this.addressEnd = percent;
      this.interfaceStart = percent + 1;
      this.interfaceEnd = addressEnd;
      this.hash = hPercent & HASH_MASK;
    } else {
      this.addressEnd = addressEnd;
      this.interfaceStart = -1;
      this.hash = (colon >= 0 ? hColon : h) & HASH_MASK;
    }
    return p;
  }

  read(bytes: Buffer, start: number, end: number): void {
    let addressStart = start;
    let addressEnd = end;
    let portStart = end;
    let close = -1;
    if (bytes[start] === 91) {
      for (let i = start + 1; i + 1 < end; i++) {
        if (bytes[i] === 93 && bytes[i + 1] === 58) {
          close = i;
          break;
        }
      }
    }
    if (close > 0) {
      addressStart = start + 1;
      addressEnd = close;
      portStart = close + 2;
    } else {
      // Back from the end: the port is a few bytes.
      let colon = end - 1;
      while (colon >= start && bytes[colon] !== 58) colon--;
      if (colon >= start) {
        addressEnd = colon;
        portStart = colon + 1;
      }
    }
    this.portStart = portStart;
    this.portEnd = end;
    this.interfaceStart = -1;
    for (let i = addressStart; i < addressEnd; i++) {
      if (bytes[i] === 37) {
        this.interfaceStart = i + 1;
        this.interfaceEnd = addressEnd;
        addressEnd = i;
        break;
      }
    }
    this.addressStart = addressStart;
    this.addressEnd = addressEnd;
  }
}
