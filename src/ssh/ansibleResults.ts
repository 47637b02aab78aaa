// One host's result from Ansible's tree callback, as the ExecResult the ssh2 pool would give:
// exit code, separate stdout/stderr, and a failure kind (auth, host key, timeout, socket, DNS)
// read from Ansible's message when the host was unreachable.

import { RunbookError, type FailureKind } from '../base/failure';
import type { HostConfig } from '../hosts/types';
import { hostLabel } from './errors';
import type { CapturedOutput, ExecRequest, ExecResult } from './types';

/** How the ansible process ended. */
export interface AnsibleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stopped?: 'cancelled' | 'timeout';
  stderr: string;
  spawnError?: Error;
  durationMs: number;
}

/** What the shell/raw modules write per host (`-t DIR`). */
export interface TreeResult {
  rc?: number;
  stdout?: string;
  stderr?: string;
  msg?: string;
  failed?: boolean;
  unreachable?: boolean;
  start?: string;
  delta?: string;
}

const empty = (): CapturedOutput => ({ text: '', bytes: 0, truncated: false });

export function runFailure(host: string, startedAt: Date, error: RunbookError): ExecResult {
  return {
    host,
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    exitCode: null,
    signal: null,
    termination: error.kind === 'cancelled' ? 'cancelled' : error.kind === 'timeout' ? 'timeout' : 'error',
    stdout: empty(),
    stderr: empty(),
    error,
  };
}

export function ansibleResult(
  host: HostConfig,
  json: TreeResult,
  startedAt: Date,
  run: AnsibleRun,
  request: ExecRequest,
  output: { stdout: CapturedOutput; stderr: CapturedOutput },
): ExecResult {
  const durationMs = deltaMs(json.delta) ?? run.durationMs;
  const base = { host: host.name, startedAt, durationMs, ...output };
  if (json.unreachable) return { ...base, exitCode: null, signal: null, termination: 'error', error: unreachable(host, json.msg ?? 'unreachable') };
  if (typeof json.rc === 'number' && !/failed to execute in the expected time frame/.test(json.msg ?? '')) {
    // Python reports a command killed by signal N as rc -N.
    if (json.rc < 0) return { ...base, exitCode: null, signal: signalName(-json.rc), termination: 'signal' };
    return { ...base, exitCode: json.rc, signal: null, termination: 'exit' };
  }
  if (/expected time frame/.test(json.msg ?? '')) {
    return {
      ...base,
      exitCode: null,
      signal: null,
      termination: 'timeout',
      error: new RunbookError(
        'timeout',
        `The step timed out after ${request.timeoutMs} ms on ${host.name} (Ansible: ${json.msg}).`,
        'Raise the step timeout (timeout=) or find out why it hangs.',
      ),
    };
  }
  return {
    ...base,
    exitCode: null,
    signal: null,
    termination: 'error',
    error: new RunbookError(
      'internal',
      `Ansible could not run the step on ${host.name}: ${oneLine(json.msg ?? 'no message')}`,
      'The shell module needs Python on the host; use the raw module for hosts without it.',
    ),
  };
}

/** A host Ansible wrote no result for: the run was cancelled, timed out, or Ansible itself failed. */
export function missingResult(host: HostConfig, startedAt: Date, run: AnsibleRun): ExecResult {
  if (run.stopped === 'cancelled') return runFailure(host.name, startedAt, new RunbookError('cancelled', 'The step was cancelled; Ansible was stopped.'));
  if (run.stopped === 'timeout')
    return runFailure(
      host.name,
      startedAt,
      new RunbookError('timeout', `Ansible did not finish on ${host.name} in time and was stopped.`, 'Raise the step timeout.'),
    );
  if (run.spawnError) {
    const missing = (run.spawnError as NodeJS.ErrnoException).code === 'ENOENT';
    return runFailure(
      host.name,
      startedAt,
      new RunbookError(
        'config',
        missing ? 'ansible is not installed' : `Could not start ansible: ${run.spawnError.message}`,
        'Install ansible-core, or use the ssh2 engine (--executor ssh2).',
      ),
    );
  }
  return runFailure(
    host.name,
    startedAt,
    new RunbookError(
      'internal',
      `Ansible wrote no result for ${host.name} (exit ${run.code ?? run.signal}): ${oneLine(run.stderr.slice(-600)) || 'no output'}`,
      'Run the same ad-hoc command with -vvv to see why.',
    ),
  );
}

function unreachable(host: HostConfig, msg: string): RunbookError {
  const where = hostLabel(host);
  const rules: Array<[RegExp, FailureKind, string, string]> = [
    [
      /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i,
      'host-key-changed',
      `The host key of ${where} differs from known_hosts: refused.`,
      'If the host was reinstalled, remove the old key (ssh-keygen -R) after checking it.',
    ],
    [/REVOKED/i, 'host-key-revoked', `The host key of ${where} is revoked.`, 'Do not connect; find out why the key was revoked.'],
    [
      /Host key verification failed|No .* host key is known/i,
      'host-key-unknown',
      `The host key of ${where} is not in known_hosts (strict checking).`,
      'Add the key to known_hosts after checking its fingerprint.',
    ],
    [
      /Permission denied|Authentication failed|Too many authentication failures/i,
      'auth',
      `Could not log in to ${where}.`,
      'Check the user and key (ansible_user, ansible_ssh_private_key_file).',
    ],
    [
      /Could not resolve hostname|Name or service not known|nodename nor servname/i,
      'dns',
      `Cannot resolve host name ${host.hostname} for ${host.name}.`,
      'Check ansible_host or the HostName.',
    ],
    [/timed out|Timeout/i, 'timeout', `Timed out connecting to ${where}.`, 'Check the host, port and firewall, or raise ConnectTimeout.'],
    [
      /Connection refused/i,
      'socket',
      `Connection refused by ${where}: nothing listens on port ${host.port}.`,
      'Check that sshd runs on the host and the port is right.',
    ],
  ];
  for (const [re, kind, message, hint] of rules) if (re.test(msg)) return new RunbookError(kind, `${message} (Ansible: ${oneLine(msg)})`, hint);
  return new RunbookError(
    'socket',
    `Ansible could not reach ${where}: ${oneLine(msg)}`,
    'Check that the host is reachable; `ansible HOST -m ping -vvv` shows the ssh exchange.',
  );
}

function deltaMs(delta: string | undefined): number | undefined {
  const m = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(delta ?? '');
  return m ? (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000 : undefined;
}

const SIGNALS: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 6: 'SIGABRT', 9: 'SIGKILL', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM' };
function signalName(n: number): string {
  return SIGNALS[n] ?? `SIG${n}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
