// `netstat -an` / `-tanp` / `-tanpo`: the same socket counts as `ss -tan`, from net-tools' layout
// (`tcp  0  0 127.0.0.1:22  10.0.0.5:51234  ESTABLISHED  812/sshd`). UDP and unix rows are skipped.
import type { LineAccumulator, Parser, ParserOptions } from './types';
import { createSocketTally, socketTableValues, splitEndpoint, type SocketRow } from './socketTally';
import { clip, feedLines, readNumber, Warnings } from './text';

export function createNetstatAccumulator(options: ParserOptions = {}): LineAccumulator {
  const tally = createSocketTally({ maxRows: typeof options.maxRows === 'number' ? options.maxRows : undefined, listenBacklogKnown: false });
  const warnings = new Warnings();
  let lineNumber = 0;
  let tcpRows = 0;
  return {
    push(line) {
      lineNumber++;
      const tokens = line.trim().split(/\s+/);
      if (tokens[0] !== 'tcp' && tokens[0] !== 'tcp6' && tokens[0] !== 'tcp4') return;
      tcpRows++;
      const recvQ = readNumber(tokens[1]);
      const sendQ = readNumber(tokens[2]);
      if (recvQ === undefined || sendQ === undefined || tokens.length < 6) {
        warnings.add(`line ${lineNumber}: not a netstat tcp row: ${clip(line)}`);
        return;
      }
      const local = splitEndpoint(tokens[3]);
      const peer = splitEndpoint(tokens[4]);
      const row: SocketRow = {
        state: tokens[5],
        recvQ,
        sendQ,
        localAddress: local.address,
        localPort: local.port,
        peerAddress: peer.address,
        peerPort: peer.port,
        line: lineNumber,
      };
      const rest = tokens.slice(6).join(' ');
      const program = /(\d+)\/(\S+)/.exec(rest);
      if (program) {
        row.pid = Number(program[1]);
        row.process = program[2];
      }
      const timer = /(keepalive|on|off|timewait|probe)\s*\(([^)]*)\)/.exec(rest);
      if (timer) row.timer = `${timer[1]},${timer[2]}`;
      tally.add(row);
    },
    result() {
      const w = warnings.done();
      if (tcpRows === 0 && lineNumber > 0) w.unshift('no tcp rows found: is this `netstat -an` output?');
      return { values: tally.values(), warnings: w };
    },
  };
}

export const netstatParser: Parser = {
  info: {
    name: 'netstat',
    summary: 'TCP rows of `netstat -an` / `netstat -tanp` (net-tools): the same counts as `ss-tan`.',
    commands: ['netstat -an', 'netstat -tan', 'netstat -tanp', 'netstat -tanpo', 'netstat -ltn'],
    values: socketTableValues,
    options: [{ name: 'maxRows', type: 'number', description: 'How many rows to keep in `rows` (default 1000).' }],
  },
  parse(text, options) {
    const acc = createNetstatAccumulator(options);
    feedLines(text, (line) => acc.push(line));
    return acc.result();
  },
  stream: (options) => createNetstatAccumulator(options),
};
