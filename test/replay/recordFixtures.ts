// Re-makes the replay fixtures of the bundled runbooks (runbooks/fixtures/) from real runs: each
// lab fault and the healthy control is started on loopback, the runbook runs with `--incident --auto`
// over SSH to the test sshd (as in test/runbooks/triage.e2e.test.ts), and `runbook test
// --make-fixture` freezes the record. The conntrack fault is not caused live (it would change this
// machine's firewall state): its fixtures replay the field incident's own outputs (src/lab/recorded.ts).
//
//   npx tsx test/replay/recordFixtures.ts [CASE...]     (as root for the half-open cases; ~2 min)

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { recordedOutputs, startScenario, type RunningFault } from '../../src/lab';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { replay, type Capture } from '../../src/engine/replay';
import { writeFixture } from '../../src/engine/replayFixture';
import { parseRunbook } from '../../src/runbook/parse';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'runbooks/fixtures');
// The case folders are outside the repository: load tsx by its path, not by package name.
const RECORDS = path.join(ROOT, 'test/replay/records');
const CLI = ['--import', pathToFileURL(require.resolve('tsx')).href, path.join(ROOT, 'src/cli/main.ts')];
// Loopback addresses apart from the other tests' (.2-.66, .160-.166).
const SSHD_ADDRESS = 80;

interface LiveCase {
  name: string;
  runbook: string;
  scenario: string;
  host?: 'lab' | 'lab-root';
  group?: boolean;
  /** Also keep the incident record itself (record, journal, outputs) under test/replay/records/. */
  keepRecord?: boolean;
  vars: (d: RunningFault['details']) => Record<string, string | number>;
}

let next = 0;
const address = () => ++next;

const live: LiveCase[] = [
  { name: 'triage/time-wait', runbook: 'triage', scenario: 'time-wait', vars: (d) => ({ port: d.port }) },
  { name: 'triage/close-wait', runbook: 'triage', scenario: 'close-wait', keepRecord: true, vars: (d) => ({ port: d.port }) },
  { name: 'triage/open-files', runbook: 'triage', scenario: 'open-files', vars: (d) => ({ port: d.port, pid: d.serverPid }) },
  { name: 'triage/conn-cap', runbook: 'triage', scenario: 'conn-cap', vars: (d) => ({ port: d.port }) },
  // The capture that confirms a cap needs tcpdump through sudo: as runbook-test it is inconclusive, as root it runs.
  { name: 'triage/conn-cap-as-root', runbook: 'triage', scenario: 'conn-cap', host: 'lab-root', vars: (d) => ({ port: d.port }) },
  {
    name: 'triage/half-open',
    runbook: 'triage',
    scenario: 'half-open',
    host: 'lab-root',
    vars: (d) => ({ port: d.port, netns: d.clientNamespace, peer_netns: d.serverNamespace }),
  },
  { name: 'triage/healthy', runbook: 'triage', scenario: 'healthy', vars: (d) => ({ port: d.port }) },
  { name: 'triage/healthy-group', runbook: 'triage', scenario: 'healthy', group: true, keepRecord: true, vars: (d) => ({ port: d.port }) },
  { name: 'time-wait/time-wait', runbook: 'time-wait', scenario: 'time-wait', vars: (d) => ({ port: d.port }) },
  { name: 'time-wait/conn-cap-look-alike', runbook: 'time-wait', scenario: 'conn-cap', vars: (d) => ({ port: d.port }) },
  { name: 'time-wait/healthy', runbook: 'time-wait', scenario: 'healthy', vars: (d) => ({ port: d.port }) },
  { name: 'close-wait/close-wait', runbook: 'close-wait', scenario: 'close-wait', vars: (d) => ({ port: d.port }) },
  { name: 'close-wait/healthy', runbook: 'close-wait', scenario: 'healthy', vars: (d) => ({ port: d.port }) },
  { name: 'open-files/open-files', runbook: 'open-files', scenario: 'open-files', vars: (d) => ({ port: d.port, pid: d.serverPid }) },
  { name: 'open-files/healthy', runbook: 'open-files', scenario: 'healthy', vars: (d) => ({ port: d.port, pid: d.serverPid }) },
  { name: 'conn-cap/conn-cap', runbook: 'conn-cap', scenario: 'conn-cap', vars: (d) => ({ port: d.port, client: d.clientAddress, cap: d.cap }) },
  {
    name: 'conn-cap/conn-cap-as-root',
    runbook: 'conn-cap',
    scenario: 'conn-cap',
    host: 'lab-root',
    vars: (d) => ({ port: d.port, client: d.clientAddress, cap: d.cap }),
  },
  { name: 'conn-cap/time-wait-look-alike', runbook: 'conn-cap', scenario: 'time-wait', vars: (d) => ({ port: d.port, client: d.clientAddress }) },
  { name: 'conn-cap/healthy', runbook: 'conn-cap', scenario: 'healthy', vars: (d) => ({ port: d.port, client: d.clientAddress }) },
  { name: 'half-open/healthy', runbook: 'half-open', scenario: 'healthy', vars: (d) => ({ port: d.port }) },
  { name: 'conntrack/this-machine', runbook: 'conntrack', scenario: 'healthy', vars: () => ({}) },
];

function runCli(args: string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function writeConfig(sshd: TestSshd, dir: string): { sshConfig: string; inventory: string } {
  const host = (alias: string, user: string) =>
    [
      `Host ${alias}`,
      `  HostName ${sshd.addresses[0]}`,
      `  Port ${sshd.port}`,
      `  User ${user}`,
      `  IdentityFile ${sshd.clientKey.privatePath}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${sshd.knownHostsPath}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '',
    ].join('\n');
  const user = sshd.users.test ?? sshd.users.current;
  const sshConfig = path.join(dir, 'ssh_config');
  fs.writeFileSync(sshConfig, host('lab', user) + host('lab-b', user) + host('lab-root', sshd.users.current));
  const inventory = path.join(dir, 'runbook-inventory.yaml');
  fs.writeFileSync(inventory, 'hosts:\n  lab: {}\n  lab-b: {}\ngroups:\n  lab-pair: [lab, lab-b]\n');
  return { sshConfig, inventory };
}

async function recordLive(c: LiveCase, dir: string, files: { sshConfig: string; inventory: string }): Promise<void> {
  const n = address();
  const fault = await startScenario(
    c.scenario,
    c.scenario === 'half-open' ? {} : { address: `127.0.0.${SSHD_ADDRESS + n}`, clientAddress: `127.0.0.${180 + n}`, basePort: 0 },
  );
  try {
    const work = fs.mkdtempSync(path.join(dir, 'case-'));
    const target = c.group ? ['--group', 'lab-pair', '--inventory', files.inventory] : ['--host', c.host ?? 'lab'];
    const args = ['run', path.join(ROOT, `runbooks/${c.runbook}.runbook.md`), '--incident', c.name, ...target, '-F', files.sshConfig, '--auto', '--quiet'];
    for (const [k, v] of Object.entries(c.vars(fault.details))) args.push('--var', `${k}=${v}`);
    const run = await runCli(args, work);
    const record = /Incident record: (.*)/.exec(run.stderr)?.[1];
    if (!record) throw new Error(`${c.name}: no record (${run.status}):\n${run.stderr}\n${run.stdout}`);
    const source = `lab scenario ${c.scenario}, \`runbook run --incident --auto\` over SSH to the test sshd on loopback (${c.group ? 'group of 2 hosts' : (c.host ?? 'lab')}), ${new Date().toISOString().slice(0, 10)}`;
    const out = path.join(FIXTURES, c.name);
    fs.rmSync(out, { recursive: true, force: true });
    const made = await runCli(['test', '--make-fixture', record, '--out', out, '--source', source], work);
    process.stdout.write(`${c.name} (run exit ${run.status}):\n${made.stdout}${made.stderr}`);
    if (c.keepRecord) keepRecord(record, path.join(RECORDS, c.name.replace('/', '-')));
  } finally {
    await fault.stop();
  }
}

/** Copies a record with its journal and outputs; its template path is made to point at the bundled runbook again. */
function keepRecord(record: string, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const name = path.basename(record).replace(/\.runbook\.md$/, '');
  const from = path.dirname(record);
  const text = fs.readFileSync(record, 'utf8');
  const template = /^ {2}template: (.*)$/m.exec(text)![1];
  const bundled = path
    .relative(dir, path.join(ROOT, 'runbooks', path.basename(template)))
    .split(path.sep)
    .join('/');
  fs.writeFileSync(path.join(dir, `${name}.runbook.md`), text.replace(/^( {2}template: ).*$/m, `$1${bundled}`));
  fs.copyFileSync(path.join(from, `${name}.journal.jsonl`), path.join(dir, `${name}.journal.jsonl`));
  fs.cpSync(path.join(from, `${name}.outputs`), path.join(dir, `${name}.outputs`), { recursive: true });
  process.stdout.write(`  record kept in ${path.relative(ROOT, dir)}\n`);
}

/** The conntrack fault from the field incident's recorded outputs (000: count 67549, max 65535). */
function recordFieldConntrack(): void {
  const outputs = recordedOutputs('conntrack-full');
  const text = (command: string) => outputs.find((o) => o.command.includes(command))!.output;
  const count = text('nf_conntrack_count').trim();
  const max = text('nf_conntrack_max').trim();
  // The incident's numbers and lines in the shape today's steps print them: `key=value` lines for the
  // table (each runbook names its keys), and the kernel log's header line, which here names the file
  // the incident read (the check only tells "none" from a source it could read).
  const usage = (prefix: string) => `${prefix}loaded=yes\n${prefix}count=${count}\n${prefix}max=${max}\n`;
  const kernel = text('/var/log/messages')
    .split('\n')
    .filter((l) => /conntrack|net_ratelimit|callbacks suppressed/.test(l))
    .join('\n');
  for (const [name, runbook, prefix] of [
    ['conntrack/field-incident-000', 'conntrack', ''],
    ['triage/conntrack-field-incident-000', 'triage', 'conntrack_'],
  ] as const) {
    const runbookPath = path.join(ROOT, `runbooks/${runbook}.runbook.md`);
    const parsed = parseRunbook(fs.readFileSync(runbookPath, 'utf8'), runbookPath);
    const captures: Capture[] = [
      { step: 'conntrack-usage', host: 'incident-000', text: usage(prefix), exitCode: 0, termination: 'exit' },
      { step: 'kernel-log', host: 'incident-000', text: `kernel log source: /var/log/messages\n${kernel}\n`, exitCode: 0, termination: 'exit' },
    ];
    const parameters = Object.fromEntries((parsed.frontMatter?.parameters ?? []).map((p) => [p.name, p.default ?? '']));
    const dir = path.join(FIXTURES, name);
    fs.rmSync(dir, { recursive: true, force: true });
    // No record holds these (they are the field incident's own outputs): the expectation is the replay of today's runbook.
    const file = writeFixture({
      dir,
      runbookPath,
      parameters,
      captures,
      expect: replay({ runbook: parsed, captures, parameters }),
      source: 'field incident 000 (Nacos heartbeats time out): its conntrack count/max and /var/log/messages, as kept in src/lab/recorded.ts',
    });
    process.stdout.write(`${name}: ${file}\n`);
  }
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const wanted = (name: string) => only.length === 0 || only.some((o) => name.startsWith(o));
  if (wanted('conntrack/field-incident-000') || wanted('triage/conntrack-field-incident-000')) recordFieldConntrack();
  const cases = live.filter((c) => wanted(c.name) && (c.host !== 'lab-root' || process.getuid?.() === 0));
  if (cases.length === 0) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-fixtures-'));
  const sshd = await startTestSshd({ firstAddress: SSHD_ADDRESS });
  try {
    const files = writeConfig(sshd, dir);
    for (const c of cases) await recordLive(c, dir, files);
  } finally {
    await sshd.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
