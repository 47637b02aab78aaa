// Driving `runbook run` as a user would, over SSH to the real test sshd, and reading what the user
// reads: the summary lines the contract fixes (`Root cause (confirmed): ...`, `Suspected cause
// (unconfirmed): ...`, `Refuted: ...`, CRITICAL/WARNING findings) and the exit code.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestSshd } from '../../src/testbed/sshd';

const CLI = ['--import', 'tsx', path.resolve('src/cli/main.ts')];

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** An ssh_config naming the test sshd as `lab` (the unprivileged runbook-test user when run as root) and `lab-root`. */
export function writeSshConfig(sshd: TestSshd, dir: string, sudoUsers?: { nopasswd: string }): string {
  const file = path.join(dir, 'ssh_config');
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
  // lab-sudo: an unprivileged login with NOPASSWD sudo (the test bed's), for steps marked `sudo`.
  const sudoUser = sudoUsers ? host('lab-sudo', sudoUsers.nopasswd) : '';
  fs.writeFileSync(file, host('lab', sshd.users.test ?? sshd.users.current) + host('lab-root', sshd.users.current) + sudoUser);
  return file;
}

/** `runbook run FILE --host HOST --auto --quiet --var ...` with the given ssh_config. */
export function runAuto(runbook: string, host: string, sshConfig: string, vars: Record<string, string | number>): Promise<CliRun> {
  const args = ['run', path.resolve('runbooks', `${runbook}.runbook.md`), '--host', host, '-F', sshConfig, '--auto', '--quiet'];
  for (const [name, value] of Object.entries(vars)) args.push('--var', `${name}=${value}`);
  return runCli(args);
}

/** What the user reads at the end of an --auto run, picked out of the output. */
export interface Verdict {
  status: number | null;
  path: string;
  rootCauses: string[];
  suspected: string[];
  refuted: string[];
  criticals: string[];
  warnings: string[];
  inconclusive: string[];
  all: string;
}

export function verdict(run: CliRun, host: string): Verdict {
  const text = `${run.stdout}\n${run.stderr}`;
  assertReadable(text);
  // Findings: from the summary at the end (steps print theirs too); verdict lines: wherever printed, once each.
  const summary = run.stdout.slice(Math.max(0, run.stdout.lastIndexOf('Path taken on')));
  const summaryLines = summary.split('\n').map((l) => l.trim());
  const allLines = [...new Set(text.split('\n').map((l) => l.trim()))];
  const after = (lines: string[], prefix: string) => lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
  return {
    status: run.status,
    path: new RegExp(`Path taken on ${host}: (.*)`).exec(run.stdout)?.[1] ?? '(no path printed)',
    rootCauses: after(allLines, 'Root cause (confirmed):'),
    suspected: after(allLines, 'Suspected cause (unconfirmed):'),
    refuted: after(allLines, 'Refuted:'),
    criticals: after(summaryLines, 'CRITICAL'),
    warnings: after(summaryLines, 'WARNING'),
    inconclusive: allLines.filter((l) => /inconclusive/i.test(l)),
    all: text,
  };
}

/** Every run of the field suite: no message, hint or values table shows a raw placeholder or JSON. */
export function assertReadable(text: string): void {
  const raw = text.split('\n').filter((l) => /\{\{|\{"|\[\{|":\s*[\[{"\d]/.test(l));
  assert.deepEqual(raw, [], `a raw placeholder or JSON in what the user reads:\n${text}`);
}

/** One line for an assertion message: what the user saw. */
export function shown(v: Verdict): string {
  return `exit ${v.status}\n${v.all}`;
}

/** A control: nothing a user would act on. A suspicion may be raised only if its check refuted it. */
export function assertQuiet(v: Verdict): void {
  assert.deepEqual(v.criticals, [], `a critical finding on a control:\n${shown(v)}`);
  assert.deepEqual(v.rootCauses, [], `a root cause on a control:\n${shown(v)}`);
  assert.deepEqual(v.suspected, [], `a suspected cause left standing on a control:\n${shown(v)}`);
  assert.ok(v.warnings.length <= v.refuted.length, `a warning not refuted on a control:\n${shown(v)}`);
  assert.equal(v.status, 0, `exit code on a control:\n${shown(v)}`);
}

/** A fault: exactly one confirmed root cause, matching `cause`, and exit code 4 (critical). */
export function assertConfirmed(v: Verdict, cause: RegExp): void {
  assert.equal(v.rootCauses.length, 1, `expected one confirmed root cause:\n${shown(v)}`);
  assert.match(v.rootCauses[0], cause, shown(v));
  assert.deepEqual(v.suspected, [], shown(v));
  assert.equal(v.status, 4, `exit code of a confirmed critical cause:\n${shown(v)}`);
}

