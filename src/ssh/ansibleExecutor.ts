// Runs a step through Ansible: one ad-hoc `ansible` process per step for all its hosts
// (`ansible.builtin.shell`, or `raw` for hosts without Python), forks bounded, one JSON result
// per host from the tree callback (`-t DIR`), mapped onto the same ExecResult as the ssh2 pool.
// Host keys are checked strictly; cancel and timeout kill the whole ansible process group.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunbookError } from '../base/failure';
import type { HostConfig } from '../hosts/types';
import { ansibleResult, missingResult, runFailure, type AnsibleRun, type TreeResult } from './ansibleResults';
import { ansibleTargets } from './ansibleTargets';
import { CapturedStream, DEFAULT_OUTPUT_CAP } from './output';
import type { ExecRequest, ExecResult, Executor } from './types';

export interface AnsibleEngineOptions {
  /** `shell` (default: separate stdout/stderr, needs Python on the host) or `raw` (no Python; stdout and stderr merged by the pty). */
  module?: 'shell' | 'raw';
  /** Ansible's -f; default 50 (ours is per step: min(forks, hosts)). */
  forks?: number;
  ansibleBinary?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/** One batch: the hosts of one step, run by one ansible process. */
export interface AnsibleBatch {
  hosts: HostConfig[];
  request: ExecRequest;
}

export class AnsibleEngine {
  private readonly running = new Set<number>();
  private pending = new Map<string, { request: ExecRequest; hosts: HostConfig[]; requests: ExecRequest[]; waiters: Array<(r: ExecResult) => void> }>();
  private flushScheduled = false;

  constructor(private readonly options: AnsibleEngineOptions = {}) {}

  /**
   * An Executor for one host. Calls made in the same turn of the event loop with the same
   * script, timeout and signal are run together by one ansible process, so runStep's per-host
   * calls become one process per step (give runStep a concurrency of at least the host count).
   */
  executor(host: HostConfig): Executor {
    return {
      host: host.name,
      exec: (request) => this.enqueue(host, request),
      close: async () => undefined,
    };
  }

  /** The batch interface: every host of a step, one ansible process, results in host order. */
  async execMany(hosts: HostConfig[], request: ExecRequest, perHost?: ExecRequest[]): Promise<ExecResult[]> {
    const startedAt = new Date();
    if (hosts.length === 0) return [];
    if (request.signal?.aborted)
      return hosts.map((h) => runFailure(h.name, startedAt, new RunbookError('cancelled', 'The step was cancelled before it started.')));
    const work = mkdtempSync(path.join(os.tmpdir(), 'runbook-ansible-'));
    try {
      const targets = ansibleTargets(hosts, work);
      const tree = path.join(work, 'tree');
      const outcome = await this.runAnsible(targets.inventory, targets.pattern, tree, request, hosts.length);
      const files = new Set(safeList(tree));
      const cap = request.outputCapBytes ?? DEFAULT_OUTPUT_CAP;
      return hosts.map((host, i) => {
        const own = perHost?.[i] ?? request;
        const name = targets.nameOf.get(host)!;
        if (!files.has(name)) return missingResult(host, startedAt, outcome);
        const json = JSON.parse(readFileSync(path.join(tree, name), 'utf8')) as TreeResult;
        const stream = (text: string | undefined, label: string, onText?: (chunk: string) => void) => {
          const s = new CapturedStream(cap, request.spillDir, `${host.name}-${label}`, onText);
          if (text) s.push(Buffer.from(text, 'utf8'));
          return s.finish();
        };
        return ansibleResult(host, json, startedAt, outcome, request, {
          stdout: stream(json.stdout, 'stdout', own.onStdout),
          stderr: stream(json.stderr, 'stderr', own.onStderr),
        });
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  /** Kills every ansible process still running (its process group: ssh clients included). */
  async close(): Promise<void> {
    for (const pid of this.running) killGroup(pid, 'SIGKILL');
    this.running.clear();
  }

  private enqueue(host: HostConfig, request: ExecRequest): Promise<ExecResult> {
    const key = `${request.script}\0${request.timeoutMs}\0${request.outputCapBytes ?? ''}\0${request.spillDir ?? ''}\0${signalId(request.signal)}`;
    let batch = this.pending.get(key);
    if (!batch) this.pending.set(key, (batch = { request, hosts: [], requests: [], waiters: [] }));
    batch.hosts.push(host);
    batch.requests.push(request);
    const done = new Promise<ExecResult>((resolve) => batch.waiters.push(resolve));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return done;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batches = [...this.pending.values()];
    this.pending = new Map();
    for (const b of batches) {
      // Each host keeps its own stream callbacks (runStep's carry the host's run id).
      void this.execMany(b.hosts, b.request, b.requests).then(
        (results) => results.forEach((r, i) => b.waiters[i](r)),
        (error: unknown) => {
          const failure = error instanceof RunbookError ? error : new RunbookError('internal', String(error), undefined, { cause: error });
          b.hosts.forEach((h, i) => b.waiters[i](runFailure(h.name, new Date(), failure)));
        },
      );
    }
  }

  private runAnsible(inventory: string[], pattern: string, tree: string, request: ExecRequest, hostCount: number): Promise<AnsibleRun> {
    const moduleName = this.options.module === 'raw' ? 'ansible.builtin.raw' : 'ansible.builtin.shell';
    const args =
      this.options.module === 'raw'
        ? request.script
        : // strip_empty_ends=false: the output as the command wrote it, trailing newlines included, as over ssh2.
          JSON.stringify({ cmd: request.script, executable: '/bin/sh', strip_empty_ends: false });
    const timeoutS = Math.max(1, Math.ceil(request.timeoutMs / 1000));
    const argv = [
      pattern,
      ...inventory.flatMap((i) => ['-i', i]),
      '-m',
      moduleName,
      '-a',
      args,
      '-f',
      String(Math.max(1, Math.min(this.options.forks ?? 50, hostCount))),
      '--task-timeout',
      String(timeoutS),
      '-t',
      tree,
    ];
    const base = this.options.env ?? process.env;
    const env: NodeJS.ProcessEnv = {
      ...base,
      // Strict host keys whatever the user's ansible.cfg says: an unknown or changed key fails the host.
      ANSIBLE_HOST_KEY_CHECKING: 'True',
      ANSIBLE_STDOUT_CALLBACK: 'oneline',
      ANSIBLE_LOAD_CALLBACK_PLUGINS: 'True',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_PIPELINING: base.ANSIBLE_PIPELINING ?? 'True',
      ANSIBLE_PYTHON_INTERPRETER: base.ANSIBLE_PYTHON_INTERPRETER ?? 'auto_silent',
      ANSIBLE_DEPRECATION_WARNINGS: 'False',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
    };
    const binary = this.options.ansibleBinary ?? 'ansible';
    this.options.log?.(`${binary} ${argv.slice(0, 4).join(' ')} ... (${hostCount} hosts)`);
    return new Promise((resolve) => {
      const started = performance.now();
      const child = spawn(binary, argv, { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-8192)));
      let stopped: 'cancelled' | 'timeout' | undefined;
      const stop = (why: 'cancelled' | 'timeout') => {
        if (stopped || child.pid === undefined) return;
        stopped = why;
        killGroup(child.pid, 'SIGTERM');
        setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), 2000).unref();
      };
      // Ansible's --task-timeout covers the command; this covers connecting and Ansible itself. Forks
      // run the hosts in waves, each of which may take the whole task timeout: 1,000 hosts at -f 50
      // took over 380 s on a loaded machine, and a healthy run cut short reads as 40 failed hosts.
      const waves = Math.ceil(hostCount / Math.max(1, Math.min(this.options.forks ?? 50, hostCount)));
      const timer = setTimeout(() => stop('timeout'), request.timeoutMs * waves + 30_000 + hostCount * 250);
      const onAbort = () => stop('cancelled');
      request.signal?.addEventListener('abort', onAbort, { once: true });
      if (child.pid !== undefined) this.running.add(child.pid);
      let spawnError: Error | undefined;
      child.on('error', (err) => (spawnError = err));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        if (child.pid !== undefined) {
          killGroup(child.pid, 'SIGKILL');
          this.running.delete(child.pid);
        }
        resolve({ code, signal, stopped, stderr, spawnError, durationMs: performance.now() - started });
      });
    });
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const signalIds = new WeakMap<AbortSignal, number>();
let nextSignalId = 1;
function signalId(signal: AbortSignal | undefined): number {
  if (!signal) return 0;
  let id = signalIds.get(signal);
  if (id === undefined) signalIds.set(signal, (id = nextSignalId++));
  return id;
}
