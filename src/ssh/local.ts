// Runs a step's script on this machine (`/bin/sh -s`, script on stdin) with the same contract
// as the SSH pool: streamed output, capped capture with a full spill file, and timeout/cancel
// that kill the whole process group, so a step's children cannot outlive it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, type WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { execWithSudo } from './sudo';
import { copyLocalFile, type FetchedFile, type FetchRequest } from './fetch';
import type { CapturedOutput, ExecRequest, ExecResult, Executor, Termination } from './types';
import { RunbookError } from '../base/failure';

export interface LocalExecutorOptions {
  /** How long a TERMed process group gets before KILL. Default 2000 ms. */
  killGraceMs?: number;
  /** Bytes kept in memory per stream when the request does not say. Default 1 MiB. */
  defaultOutputCapBytes?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The shell; default /bin/sh. */
  shell?: string;
}

export class LocalExecutor implements Executor {
  readonly host = 'local';
  private readonly running = new Set<ChildProcess>();

  constructor(private readonly options: LocalExecutorOptions = {}) {}

  /** A copy on this machine, with the same cap as SFTP (ssh/fetch.ts). */
  fetchFile(request: FetchRequest): Promise<FetchedFile> {
    return copyLocalFile(request);
  }

  exec(request: ExecRequest): Promise<ExecResult> {
    if (request.sudo) return execWithSudo((r) => this.execPlain(r), request, this.host, os.userInfo().username);
    return this.execPlain(request);
  }

  private execPlain(request: ExecRequest): Promise<ExecResult> {
    const startedAt = new Date();
    const started = performance.now();
    const cap = request.outputCapBytes ?? this.options.defaultOutputCapBytes ?? 1024 * 1024;
    if (request.signal?.aborted) {
      const empty = new StreamCapture(cap, request.spillDir, 'stdout').result();
      return Promise.resolve({
        host: this.host,
        startedAt,
        durationMs: 0,
        exitCode: null,
        signal: null,
        termination: 'cancelled',
        stdout: empty,
        stderr: { ...empty },
        error: new RunbookError('cancelled', 'The step was cancelled before it started.'),
      });
    }
    const child = spawn(this.options.shell ?? '/bin/sh', ['-s'], {
      detached: true, // its own process group, so kill(-pid) reaches every child it starts
      stdio: ['pipe', 'pipe', 'pipe'],
      env: this.options.env ?? process.env,
      cwd: this.options.cwd,
    });
    this.running.add(child);
    const stdout = new StreamCapture(cap, request.spillDir, 'stdout');
    const stderr = new StreamCapture(cap, request.spillDir, 'stderr');
    let firstByteMs: number | undefined;
    const onFirstByte = () => (firstByteMs ??= performance.now() - started);
    pipe(child.stdout, stdout, request.onStdout, onFirstByte);
    pipe(child.stderr, stderr, request.onStderr, onFirstByte);
    // A script that exits without reading all of stdin closes the pipe: not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(request.script);

    const grace = this.options.killGraceMs ?? 2000;
    let stopReason: 'timeout' | 'cancelled' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: 'timeout' | 'cancelled') => {
      if (stopReason || child.exitCode !== null || child.signalCode !== null) return;
      stopReason = reason;
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), grace);
    };
    const timer = setTimeout(() => stop('timeout'), request.timeoutMs);
    const onAbort = () => stop('cancelled');
    request.signal?.addEventListener('abort', onAbort, { once: true });

    let leftoverTimer: NodeJS.Timeout | undefined;
    // The shell has exited but something it started in the background still holds its output
    // open: give it the grace period, then kill the group and stop waiting for the pipes.
    child.on('exit', () => {
      leftoverTimer = setTimeout(() => {
        killGroup(child, 'SIGKILL');
        leftoverTimer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, 500);
      }, grace);
    });

    return new Promise<ExecResult>((resolve) => {
      let spawnError: Error | undefined;
      child.on('error', (err) => (spawnError = err));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(killTimer);
        clearTimeout(leftoverTimer);
        request.signal?.removeEventListener('abort', onAbort);
        // The shell is gone; TERM/KILL whatever it left in its group (background jobs).
        killGroup(child, 'SIGKILL');
        this.running.delete(child);
        void Promise.all([stdout.finish(), stderr.finish()]).then(([out, err]) => {
          const termination: Termination = spawnError ? 'error' : (stopReason ?? (signal ? 'signal' : 'exit'));
          resolve({
            host: this.host,
            startedAt,
            durationMs: performance.now() - started,
            exitCode: code,
            signal,
            termination,
            stdout: out,
            stderr: err,
            error: describe(termination, request.timeoutMs, spawnError),
            timings: { firstByteMs },
          });
        });
      });
    });
  }

  /** Kills every step still running. */
  async close(): Promise<void> {
    for (const child of this.running) killGroup(child, 'SIGKILL');
    this.running.clear();
  }
}

function describe(termination: Termination, timeoutMs: number, spawnError?: Error): RunbookError | undefined {
  switch (termination) {
    case 'timeout':
      return new RunbookError(
        'timeout',
        `The step ran longer than ${timeoutMs} ms and was stopped.`,
        "Raise the step's timeout attribute or make the command finish sooner.",
      );
    case 'cancelled':
      return new RunbookError('cancelled', 'The step was cancelled.');
    case 'error':
      return new RunbookError('internal', `Could not start the local shell: ${spawnError?.message}`, 'Check that /bin/sh exists.', { cause: spawnError });
    default:
      return undefined;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function pipe(stream: Readable, capture: StreamCapture, onChunk: ((chunk: string) => void) | undefined, onFirstByte: () => void): void {
  const decoder = new StringDecoder('utf8');
  stream.on('data', (chunk: Buffer) => {
    onFirstByte();
    if (onChunk) {
      const text = decoder.write(chunk);
      if (text !== '') onChunk(text);
    }
    // Back-pressure from the spill file: stop reading (the child blocks) until it drains.
    if (!capture.write(chunk)) {
      stream.pause();
      capture.onDrain(() => stream.resume());
    }
  });
  stream.on('end', () => {
    const rest = decoder.end();
    if (onChunk && rest !== '') onChunk(rest);
  });
}

/** Keeps the first `cap` bytes in memory; past the cap, the whole stream goes to a spill file. */
class StreamCapture {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private total = 0;
  private spill?: WriteStream;
  private spillPath?: string;

  constructor(
    private readonly cap: number,
    private readonly spillDir: string | undefined,
    private readonly name: string,
  ) {}

  /** Returns false when the caller should wait for `onDrain`. */
  write(chunk: Buffer): boolean {
    this.total += chunk.length;
    if (!this.spill && this.headBytes + chunk.length <= this.cap) {
      this.head.push(chunk);
      this.headBytes += chunk.length;
      return true;
    }
    if (!this.spill) {
      const dir = this.spillDir ?? mkdtempSync(path.join(os.tmpdir(), 'runbook-output-'));
      mkdirSync(dir, { recursive: true });
      this.spillPath = path.join(dir, `${this.name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.log`);
      this.spill = createWriteStream(this.spillPath);
      for (const b of this.head) this.spill.write(b);
      const room = this.cap - this.headBytes;
      if (room > 0) {
        this.head.push(chunk.subarray(0, room));
        this.headBytes += room;
      }
    }
    return this.spill.write(chunk);
  }

  onDrain(resume: () => void): void {
    this.spill?.once('drain', resume);
  }

  finish(): Promise<CapturedOutput> {
    const spill = this.spill;
    if (!spill) return Promise.resolve(this.result());
    return new Promise((resolve) => spill.end(() => resolve(this.result())));
  }

  result(): CapturedOutput {
    const text = cutAtCharBoundary(Buffer.concat(this.head)).toString('utf8');
    return { text, bytes: this.total, truncated: this.spill !== undefined, fullPath: this.spillPath };
  }
}

/** Drops a UTF-8 sequence cut in half by the cap, so the kept text has no replacement character at its end. */
function cutAtCharBoundary(buf: Buffer): Buffer {
  let i = buf.length - 1;
  let back = 0;
  while (i >= 0 && back < 4 && (buf[i] & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return buf;
  const lead = buf[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return need > back + 1 ? buf.subarray(0, i) : buf;
}
