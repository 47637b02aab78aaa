// The fast path for big ss / netstat / lsof outputs (wasm/sockets.ts) gives exactly what the TypeScript
// parser gives, values and key order alike, or declines: on every captured fixture, on generated outputs
// of real row shapes with the odd spellings the scanner must read (brackets, `%lo`, `*`, tabs, CRLF,
// overflowing listeners, non-ASCII unix paths), and on byte-level mutations of them, read in chunks as
// small as 7 bytes. Each case also says whether the fast path must take it, so a scanner that declined
// everything would fail here. Seeded: a failure names its seed and case.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getParser } from '../../src/checks/parsers/index';
import type { ParserOptions } from '../../src/checks/parsers/types';
import { parseFast, parseSpilledOutput } from '../../src/engine/parseFull';
import { fastSocketScan } from '../../src/checks/parsers/fast/sockets';
import { allFixtures } from './fixtures';
import { prng } from '../support/prng';

const SEED = 20261202;

const ssHeader = 'State      Recv-Q Send-Q Local Address:Port  Peer Address:Port Process';
const ssRows = (rand: () => number, n: number): string[] => {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const peer = pick([
      `10.0.${i % 7}.${i % 250}:${30000 + (i % 900)}`,
      `[::ffff:10.1.0.${i % 90}]:${40000 + i}`,
      '[::1]:22',
      '0.0.0.0:*',
      '*:*',
      `fe80::1%eth0:${i % 5}`,
      '[fe80::2%lo]:80',
    ]);
    const local = pick([
      '127.0.0.1:8080',
      '[::]:22',
      '*:443',
      '127.0.0.53%lo:53',
      '10.0.0.5:08080',
      '10.0.0.5:70000',
      '[::ffff:127.0.0.1]:5432',
      '0.0.0.0:9',
      '1234:80',
    ]);
    const state = pick(['ESTAB', 'TIME-WAIT', 'CLOSE-WAIT', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'LAST-ACK', 'LISTEN', 'UNCONN', 'CLOSING', 'WEIRD']);
    const queues = state === 'LISTEN' ? pick(['0      128', '129    128', '5      4', '0      0']) : pick(['0      0', '12     0', '0      3']);
    const gap = pick([' ', '   ', '\t', '  \t ']);
    rows.push(`${state}${gap}${queues}${gap}${local}${gap}${peer}${pick(['', '   ', ' \r'])}`);
  }
  return rows;
};

const netstatRows = (rand: () => number, n: number): string[] => {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const rows = ['Active Internet connections (servers and established)', 'Proto Recv-Q Send-Q Local Address           Foreign Address         State      '];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.1)
      rows.push(
        `unix  2      [ ACC ]     STREAM     LISTENING     ${20000 + i}    ${pick(['/run/systemd/private', '/tmp/socké日本', '@/tmp/.X11-unix/X0\u0001'])}`,
      );
    else if (r < 0.15) rows.push(`udp        0      0 0.0.0.0:${5000 + i}            0.0.0.0:*`);
    else if (r < 0.17) rows.push('Active UNIX domain sockets (servers and established)');
    else {
      const proto = pick(['tcp', 'tcp6', 'tcp4']);
      const local = pick(['127.0.0.1:18080', ':::22', '0.0.0.0:443', '::1:5432', '127.0.0.53%lo:53']);
      const peer = pick([`127.1.0.${i % 200}:${32768 + i}`, '0.0.0.0:*', ':::*', `::ffff:10.0.0.${i % 9}:${i % 70000}`]);
      const state = pick(['ESTABLISHED', 'TIME_WAIT', 'CLOSE_WAIT', 'LISTEN', 'SYN_SENT', 'FIN_WAIT2', 'LAST_ACK']);
      rows.push(
        `${proto}        ${pick(['0', '3', '1024'])}      ${pick(['0', '0', '7'])} ${local}         ${peer}         ${state}${pick(['', '     ', '\t'])}`,
      );
    }
  }
  return rows;
};

const lsofRows = (rand: () => number, n: number): string[] => {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const rows = ['COMMAND    PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME'];
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.03) rows.push("lsof: WARNING: can't stat() fuse.gvfsd-fuse file system /run/user/1000/gvfs");
    else {
      const command = pick(['nginx', 'java', 'npm\\x20in', 'sshd', 'postgres']);
      const pid = pick([812, 813, 4100, 9, 123456789]);
      const type = pick(['IPv4', 'IPv6', 'REG', 'sock', 'FIFO']);
      const node = pick(['TCP', 'UDP', '0t0', '1234']);
      const name = pick([
        `10.0.0.5:8080->10.0.1.${i % 200}:${40000 + i} (ESTABLISHED)`,
        `*:443 (LISTEN)`,
        `127.0.0.1:5432->127.0.0.1:${50000 + (i % 100)} (CLOSE_WAIT)`,
        '/var/log/nginx/access.log',
        i % 97 === 5 ? '/srv/données/日本.txt' : '/srv/data/app.jar',
        'a->b (SYN_SENT)  ',
        '10.0.0.5:22->10.0.0.9:5000 (TIME_WAIT)\t',
        '*:53',
      ]);
      rows.push(
        `${command} ${pid} ${pick(['root', 'www-data'])}   ${pick(['6u', '85u', 'cwd', 'mem'])}  ${type} ${pick(['14472', '0x1', ''])}      0t0  ${node} ${name}`,
      );
    }
  }
  return rows;
};

const generators: Record<string, (rand: () => number, n: number) => string[]> = {
  'ss-tan': (rand, n) => [ssHeader, ...ssRows(rand, n)],
  netstat: netstatRows,
  lsof: lsofRows,
};

/** One byte changed, inserted or deleted somewhere, from the bytes that matter to a row's fields. */
function mutate(rand: () => number, text: string): string {
  const at = Math.floor(rand() * text.length);
  const bytes = [' ', '\t', ':', '%', '[', ']', '*', '0', '9', 'x', '\u000b', '\u00e9', '\r', '\n', '(', ')', '-', 'Z'];
  const insert = bytes[Math.floor(rand() * bytes.length)];
  const r = rand();
  if (r < 0.4) return text.slice(0, at) + insert + text.slice(at);
  if (r < 0.7) return text.slice(0, at) + insert + text.slice(at + 1);
  return text.slice(0, at) + text.slice(at + 1);
}

describe('the fast path for big socket outputs agrees with the parsers', () => {
  let dir = '';
  let n = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'runbook-fast-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** The fast path's result (undefined when it declines) and the parser's, compared with key order; both read from a file. */
  /** `spilled`: also through parseSpilledOutput, the engine's entry (the fast path, or the parser when it declines). */
  async function check(parserName: string, text: string, options: ParserOptions, chunkBytes: number, label: string, spilled = true) {
    const parser = getParser(parserName)!;
    const file = join(dir, `${n++}.txt`);
    writeFileSync(file, text);
    const whole = parser.parse(text, options);
    const fast = await parseFast(parser, options, file, chunkBytes);
    if (fast) {
      assert.deepEqual(fast, whole, label);
      assert.equal(JSON.stringify(fast), JSON.stringify(whole), `${label}: key order`);
    }
    if (spilled) {
      const result = await parseSpilledOutput({ parse: parserName, options, findings: [], spans: {} }, file);
      assert.equal(JSON.stringify(result), JSON.stringify(whole), `${label}: parseSpilledOutput`);
    }
    return fast !== undefined;
  }

  it('the committed module is what wasm/sockets.ts builds now', function () {
    this.timeout(60_000);
    const root = join(__dirname, '..', '..');
    execFileSync(process.execPath, [join(root, 'scripts', 'build-wasm.mjs'), '--check'], { cwd: root, stdio: 'pipe' });
    assert.match(readFileSync(join(root, 'src', 'checks', 'parsers', 'fast', 'socketsWasm.ts'), 'utf8'), /SOCKETS_WASM_BASE64/);
  });

  it('every captured fixture: the same result, and the plain captures take the fast path', async () => {
    const taken: string[] = [];
    for (const f of allFixtures()) {
      if (!['ss-tan', 'netstat', 'lsof'].includes(f.parser)) continue;
      for (const chunk of [7, 64, 1 << 20])
        if (await check(f.parser, f.text, {}, chunk, `${f.parser}/${f.name} chunk ${chunk}`)) taken.push(`${f.parser}/${f.name}`);
    }
    // Captures of the usual shape are read by the fast path; -p, state-filtered and empty ones are not.
    for (const name of ['ss-tan/ss-tan-loopback.txt', 'ss-tan/ss-ltn-listen-overflow.txt', 'netstat/netstat-an-loopback.txt', 'lsof/lsof-i-loopback.txt']) {
      assert.ok(taken.includes(name), `${name} takes the fast path`);
    }
    for (const name of [
      'ss-tan/ss-tanpo-loopback.txt',
      'ss-tan/ss-tn-state-established.txt',
      'netstat/netstat-tanp-loopback.txt',
      'ss-tan/ss-tan-wrong-netns-empty.txt',
    ]) {
      assert.ok(!taken.includes(name), `${name} is declined`);
    }
  });

  for (const parserName of Object.keys(generators)) {
    it(`${parserName}: 40 generated outputs of real row shapes, in chunks of 7 bytes to 1 MiB, most on the fast path`, async function () {
      this.timeout(60_000);
      const rand = prng(SEED + parserName.length);
      let fast = 0;
      for (let i = 0; i < 40; i++) {
        const lines = generators[parserName](rand, 20 + Math.floor(rand() * 400));
        const crlf = i % 5 === 4;
        const text = lines.join(crlf ? '\r\n' : '\n') + (i % 3 === 0 ? '' : '\n');
        const options = [{}, { maxRows: 0 }, { maxRows: 3 }, { maxRows: 1000 }][i % 4];
        const chunk = [7, 33, 500, 4096, 1 << 20][i % 5];
        if (await check(parserName, text, options, chunk, `seed ${SEED} ${parserName} case ${i} chunk ${chunk} ${JSON.stringify(options)}`)) fast++;
      }
      // lsof's PID of 9 digits is read by the scanner; its 123456789 rows stay fast. ss's `1234:80` too.
      // A non-ASCII NAME (1 row in 97) sends an lsof output to the parser.
      assert.ok(fast >= (parserName === 'lsof' ? 12 : 33), `${parserName}: ${fast} of 40 took the fast path`);
    });

    it(`${parserName}: 120 outputs with bytes changed, inserted or removed: the same result whichever path`, async function () {
      this.timeout(120_000);
      const rand = prng(SEED * 3 + parserName.length);
      let fast = 0;
      let declined = 0;
      for (let i = 0; i < 120; i++) {
        const text = mutate(rand, mutate(rand, generators[parserName](rand, 5 + Math.floor(rand() * 40)).join('\n') + '\n'));
        const label = `seed ${SEED} ${parserName} mutation ${i} ${JSON.stringify(text.slice(0, 200))}`;
        // Through parseSpilledOutput as well one time in ten: the engine's entry, either path.
        if (await check(parserName, text, {}, [64, 1000, 1 << 20][i % 3], label, i % 10 === 0)) fast++;
        else declined++;
      }
      assert.ok(fast > 20 && declined > 5, `${parserName}: fast ${fast}, declined ${declined}`);
    });
  }

  it('declines what only the parser reads, which then gives its usual result', async () => {
    const cases: [string, string, ParserOptions][] = [
      ['ss-tan', `${ssHeader}\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000 users:(("sshd",pid=1,fd=3))\n`, {}],
      ['ss-tan', 'Netid State Recv-Q Send-Q Local Address:Port Peer Address:Port\ntcp ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n', {}],
      ['ss-tan', 'Recv-Q Send-Q Local Address:Port Peer Address:Port\n0 0 10.0.0.1:22 10.0.0.2:5000\n', { state: 'time-wait' }],
      ['ss-tan', 'ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n', {}],
      ['ss-tan', `${ssHeader}\nESTAB 0 0 10.0.0.1:22 10.0.0.é:5000\n`, {}],
      ['ss-tan', `${ssHeader}\nESTAB x 0 10.0.0.1:22 10.0.0.2:5000\n`, {}],
      ['ss-tan', `${ssHeader}\nESTAB 0 0 10.0.0.1:22 ${'9'.repeat(70_000)}\n`, {}],
      ['ss-tan', `${ssHeader}\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n`, { maxRows: 50_000 }],
      ['netstat', 'Proto Recv-Q Send-Q Local Address Foreign Address State PID/Program name\ntcp 0 0 10.0.0.1:22 10.0.0.2:5000 ESTABLISHED 812/sshd\n', {}],
      ['netstat', 'Proto Recv-Q Send-Q Local Address Foreign Address State\ntcp 1e3 0 10.0.0.1:22 10.0.0.2:5000 ESTABLISHED\n', {}],
      ['netstat', 'Proto Recv-Q Send-Q Local Address Foreign Address State\nudp 0 0 0.0.0.0:53 0.0.0.0:*\n', {}],
      ['lsof', 'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nnginx notapid root 6u IPv4 1 0t0 TCP *:80 (LISTEN)\n', {}],
      ['lsof', 'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nnginx 1234567890 root 6u IPv4 1 0t0 TCP *:80 (LISTEN)\n', {}],
      ['lsof', 'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nnginé 12 root 6u IPv4 1 0t0 TCP *:80 (LISTEN)\n', {}],
      // Lines of control bytes only: the parser warns about them (a review found the scanner took them for blank lines).
      ['ss-tan', `${ssHeader}\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n\v\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n`, {}],
      ['ss-tan', `${ssHeader}\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5000\n \u0001 \n`, {}],
      ['lsof', 'COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME\nsshd 812 root 3u IPv4 1 0t0 TCP *:22 (LISTEN)\n\u001b\n', {}],
    ];
    for (const [i, [parser, text, options]] of cases.entries())
      assert.equal(await check(parser, text, options, 1 << 20, `decline case ${i}`), false, `case ${i} is declined`);
  });

  it('a last line without a line break ends where the output ends, whatever the memory after it holds', () => {
    // One lsof row cut short of its `)`; the memory after it holds a `)` and a line break, as an earlier
    // longer read could have left there. Read as a whole, the row has no state.
    const text = 'nginx 812 www-data 6u IPv4 14472 0t0 TCP *:80 (LISTEN';
    const scan = fastSocketScan('lsof', {}, 4096)!;
    const view = scan.room();
    const room = Buffer.from(view.buffer, view.byteOffset, 4096);
    room.fill(')');
    room.write(text);
    room[text.length + 1] = 10;
    scan.scanned(text.length);
    scan.end();
    const whole = getParser('lsof')!.parse(text, {});
    assert.equal((whole.values.states as Record<string, number>).LISTEN, 0);
    assert.equal(JSON.stringify(scan.result(whole.values.rows as unknown[])), JSON.stringify(whole.values));
  });

  it('reads 3 MB of ss rows with an overflowing listener every 1,000 rows, crossing 1 MiB reads', async function () {
    this.timeout(30_000);
    const rows = [ssHeader];
    for (let i = 0; i < 40_000; i++) {
      rows.push(
        i % 1000 === 0
          ? `LISTEN 129 128 0.0.0.0:${8000 + i / 1000} 0.0.0.0:*`
          : `TIME-WAIT 0 0 10.0.${i % 7}.1:${1024 + (i % 60000)}   10.1.${(i >> 8) & 255}.${i & 255}:443`,
      );
    }
    const text = rows.join('\n') + '\n';
    assert.equal(await check('ss-tan', text, {}, 1 << 20, 'big'), true);
    const file = join(dir, 'big-again.txt');
    writeFileSync(file, text);
    const values = (await parseFast(getParser('ss-tan')!, {}, file))!.values as { listenOverflow: { count: number }; states: Record<string, number> };
    assert.equal(values.listenOverflow.count, 40);
    assert.equal(values.states.TIME_WAIT, 39_960);
  });
});
