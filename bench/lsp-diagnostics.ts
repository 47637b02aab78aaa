// Edit-to-diagnostics latency of the real language server on a generated 2,000-step runbook:
// median of 20 `didChange` edits until `publishDiagnostics`. Run: npx tsx bench/lsp-diagnostics.ts
// Builds dist/server.js first and talks LSP to `node dist/server.js --stdio`, as the editor does.
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-languageserver-protocol/node';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

const STEPS = 2000;
const EDITS = 20;
const root = path.resolve(__dirname, '..');

/** A runbook like the bundled ones, STEPS steps long: heading, step, check with a finding that branches on. */
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

async function run(delayMs: number | undefined): Promise<number[]> {
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
    const text = generateRunbook(STEPS);
    const lines = text.split('\n');
    let opened = next();
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runbook-markdown', version: 1, text } });
    await opened;
    // Warm-up edits, not timed.
    const times: number[] = [];
    for (let k = 0; k < EDITS + 3; k++) {
      // Change one finding's threshold somewhere in the file (a different step each time), the kind of edit people make.
      const step = Math.floor((k * 7919) % STEPS);
      const line = lines.indexOf(`  - when: tw > ${1000 + step} and total > 5`);
      const character = '  - when: tw > '.length;
      const oldLength = String(1000 + step).length;
      const value = String(2000 + k);
      lines[line] = `  - when: tw > ${value} and total > 5`;
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

function stats(times: number[]): { median: number; p90: number; min: number; max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { median: q(0.5), p90: q(0.9), min: sorted[0], max: sorted[sorted.length - 1] };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--only=server'], { cwd: root, stdio: 'inherit' });
  const size = Buffer.byteLength(generateRunbook(STEPS));
  console.log(
    `runbook: ${STEPS} steps, ${(size / 1024).toFixed(0)} KiB; machine: ${os.cpus().length} cores, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const [label, delay] of [
    ['default (25 ms quiet time)', undefined],
    ['no quiet time (compute only)', 0],
  ] as const) {
    const s = stats(await run(delay));
    console.log(
      `${label}: median ${s.median.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms, min ${s.min.toFixed(1)} ms, max ${s.max.toFixed(1)} ms over ${EDITS} edits`,
    );
  }
  const cpu = stats(await cpuPerEdit());
  console.log(`CPU per edit (parse + analysis + LSP conversion, in process): median ${cpu.median.toFixed(1)} ms, p90 ${cpu.p90.toFixed(1)} ms`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/** CPU time (not wall time) the server's own work takes per edit, in this process: less sensitive to a busy machine. */
export async function cpuPerEdit(): Promise<number[]> {
  const { DocumentState, textView } = await import('../src/server/views');
  const { lspDiagnostics } = await import('../src/server/diagnostics');
  const parser = new DocumentState();
  let text = generateRunbook(STEPS);
  lspDiagnostics(textView('file:///x.runbook.md', text, parser));
  const times: number[] = [];
  for (let k = 0; k < EDITS + 3; k++) {
    const step = (k * 7919) % STEPS;
    text = text.replace(`tw > ${1000 + step} and`, `tw > ${2000 + k} and`);
    const before = process.cpuUsage();
    lspDiagnostics(textView('file:///x.runbook.md', text, parser));
    const used = process.cpuUsage(before);
    if (k >= 3) times.push((used.user + used.system) / 1000);
  }
  return times;
}
