// Edit-to-diagnostics latency of the real language server on generated runbooks of 500, 2,000 and
// 10,000 steps: median and p95 of repeated `didChange` edits until `publishDiagnostics`, two kinds of
// edit (a finding's threshold; a new line near the top, which moves every step below). The peer, in
// the same run: a full re-analysis of the same text (parseRunbook + analyzeRunbook, what a server
// without incremental analysis does per edit). Run: npx tsx bench/lsp-diagnostics.ts [sizes...]
// Builds dist/server.js first and talks LSP to `node dist/server.js --stdio`, as the editor does.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-languageserver-protocol/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

const EDITS = 20;
const root = path.resolve(__dirname, '..');

/** A runbook like the bundled ones, `steps` steps long: heading, step, check with a finding that branches on. */
export function generateRunbook(steps: number): string {
  const out = ['---', 'title: Generated', 'params:', '  port: 8080', '---', '', '# Generated runbook', ''];
  for (let i = 0; i < steps; i++) {
    const next = i + 1 < steps ? `s${i + 1}` : 'end';
    out.push(
      `## Step ${i}`,
      '',
      `\`\`\`sh {id=s${i} title="TIME_WAIT on port ${i}" timeout=10s}`,
      `ss -tan state time-wait '( sport = :{{port}} )'`,
      '```',
      '',
      '```check',
      'parse: ss-tan',
      'values:',
      '  tw: states.TIME_WAIT',
      'findings:',
      `  - when: tw > ${1000 + i} and total > 5`,
      '    severity: warning',
      '    message: "{{tw}} sockets in TIME_WAIT"',
      `    next: ${next}`,
      `next: ${next}`,
      '```',
      '',
    );
  }
  return out.join('\n');
}

async function run(steps: number, delayMs: number | undefined, kind: 'threshold' | 'newline'): Promise<number[]> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let waiting: ((p: PublishDiagnosticsParams) => void) | undefined;
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => waiting?.(p));
  connection.listen();
  const next = (timeoutMs = 30_000) =>
    new Promise<PublishDiagnosticsParams>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no diagnostics in time')), timeoutMs);
      waiting = (p) => {
        clearTimeout(timer);
        waiting = undefined;
        resolve(p);
      };
    });
  try {
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: delayMs === undefined ? {} : { diagnosticsDelayMs: delayMs },
    });
    await connection.sendNotification('initialized', {});
    const uri = 'file:///bench/generated.runbook.md';
    const text = generateRunbook(steps);
    const lines = text.split('\n');
    let opened = next(120_000);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runbook-markdown', version: 1, text } });
    await opened;
    // Warm-up edits, not timed.
    const times: number[] = [];
    for (let k = 0; k < EDITS + 3; k++) {
      // Change one finding's threshold somewhere in the file (a different step each time), the kind of edit people make.
      const step = Math.floor((k * 7919) % steps);
      const line = kind === 'threshold' ? lines.indexOf(`  - when: tw > ${1000 + step} and total > 5`) : 7;
      const character = kind === 'threshold' ? '  - when: tw > '.length : 0;
      const oldLength = kind === 'threshold' ? String(1000 + step).length : 0;
      const value = kind === 'threshold' ? String(2000 + k) : '\n';
      if (kind === 'threshold') lines[line] = `  - when: tw > ${value} and total > 5`;
      opened = next();
      const t0 = performance.now();
      await connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: k + 2 },
        contentChanges: [{ range: { start: { line, character }, end: { line, character: character + oldLength } }, text: value }],
      });
      const published = await opened;
      if (k >= 3) times.push(performance.now() - t0);
      if (published.diagnostics.length !== 0) throw new Error(`unexpected diagnostics: ${JSON.stringify(published.diagnostics.slice(0, 3))}`);
    }
    return times;
  } finally {
    connection.dispose();
    child.kill();
  }
}

function stats(times: number[]): { median: number; p95: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { median: q(0.5), p95: q(0.95) };
}

const fmt = (s: { median: number; p95: number }) => `${s.median.toFixed(1)} / ${s.p95.toFixed(1)}`;

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--only=server'], { cwd: root, stdio: 'inherit' });
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  console.log(`machine: ${os.cpus().length} cores; /proc/loadavg at start: ${loadavg()}`);
  console.log(
    'ms, median / p95 over 20 edits | LSP threshold edit, 0 quiet time | LSP default (25 ms quiet time) | LSP new line at top | peer: full re-analysis per edit | ratio',
  );
  for (const steps of sizes.length > 0 ? sizes : [500, 2000, 10000]) {
    const kib = Buffer.byteLength(generateRunbook(steps)) / 1024;
    const work = stats(await run(steps, 0, 'threshold'));
    const withDelay = stats(await run(steps, undefined, 'threshold'));
    const newline = stats(await run(steps, 0, 'newline'));
    const full = stats(await fullPerEdit(steps));
    console.log(
      `${steps} steps (${kib.toFixed(0)} KiB) | ${fmt(work)} | ${fmt(withDelay)} | ${fmt(newline)} | ${fmt(full)} | full/incremental median ${(full.median / work.median).toFixed(1)}x; load ${loadavg()}`,
    );
  }
}

function loadavg(): string {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').trim();
  } catch {
    return os.loadavg().join(' ');
  }
}

/** The peer: what one edit costs without incremental analysis, in this process (whole parse and analysis). */
async function fullPerEdit(steps: number): Promise<number[]> {
  const { parseRunbook } = await import('../src/runbook/parse');
  const { analyzeRunbook } = await import('../src/analysis/analyze');
  let text = generateRunbook(steps);
  const times: number[] = [];
  const edits = steps >= 10000 ? 8 : EDITS;
  for (let k = 0; k < edits + 2; k++) {
    text = text.replace(`tw > ${1000 + ((k * 7919) % steps)} and`, `tw > ${2000 + k} and`);
    const t0 = performance.now();
    const diagnostics = analyzeRunbook(parseRunbook(text, 'x.runbook.md'));
    if (k >= 2) times.push(performance.now() - t0);
    if (diagnostics.length !== 0) throw new Error('unexpected diagnostics in the peer');
  }
  return times;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
