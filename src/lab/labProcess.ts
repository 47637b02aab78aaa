// A child process of the lab (a server or a client): started, awaited until it prints
// "ready <port>", and always ended by stop() or, failing that, when the lab's process exits.
// Children also exit by themselves when their stdin closes (the lab died) or their lifetime ends.

import { spawn, type ChildProcess } from 'node:child_process';
import { onExit } from './exitCleanup';

export interface LabProcess {
  pid: number;
  /** The port the child reported in its ready line (0 for clients). */
  port: number;
  /** Lines the child printed on stdout after the ready line. */
  lines: string[];
  /** Sends a signal (e.g. SIGUSR2 to make a server drop its connections). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the child has exited. */
  exited: Promise<void>;
  /** Ends the child (SIGTERM, then SIGKILL after 2 s) and waits for it. */
  stop(): Promise<void>;
}

export interface LabProcessOptions {
  /** What the process is, for error messages ("time-wait server"). */
  label: string;
  command: string;
  args: string[];
  readyTimeoutMs?: number;
}

const stderrKeep = 4000;

export async function startLabProcess(options: LabProcessOptions): Promise<LabProcess> {
  const child = spawn(options.command, options.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? 0));
    child.once('error', (err) => reject(new Error(`lab: could not start the ${options.label} (${options.command}): ${err.message}`)));
  });
  let alive = true;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      alive = false;
      resolve();
    }),
  );
  const forget = onExit(() => {
    if (alive) process.kill(pid, 'SIGKILL');
  });
  // A child whose stdin closes exits: that is how it notices the lab is gone.
  child.stdin?.on('error', () => undefined);

  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-stderrKeep);
  });
  const lines: string[] = [];
  let port = -1;
  try {
    port = await waitForReady(child, exited, options, lines, () => stderr);
  } catch (err) {
    await stopChild(child, exited, () => alive);
    forget();
    throw err;
  }
  return {
    pid,
    port,
    lines,
    exited,
    signal(signal) {
      if (alive) process.kill(pid, signal);
    },
    async stop() {
      await stopChild(child, exited, () => alive);
      forget();
    },
  };
}

function waitForReady(child: ChildProcess, exited: Promise<void>, options: LabProcessOptions, lines: string[], stderr: () => string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let buffered = '';
    let ready = false;
    const timer = setTimeout(() => {
      reject(new Error(`lab: the ${options.label} did not become ready within ${options.readyTimeoutMs ?? 5000} ms. ${stderr()}`.trim()));
    }, options.readyTimeoutMs ?? 5000);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        const match = /^ready (\d+)$/.exec(line);
        if (!ready && match) {
          ready = true;
          clearTimeout(timer);
          resolve(Number(match[1]));
        } else if (line && lines.length < 1000) {
          lines.push(line);
        }
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      if (!ready) {
        reject(new Error(`lab: the ${options.label} exited before it was ready (exit code ${child.exitCode ?? child.signalCode}). ${stderr()}`.trim()));
      }
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<void>, alive: () => boolean): Promise<void> {
  if (!alive()) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (alive()) child.kill('SIGKILL');
  }, 2000);
  await exited;
  clearTimeout(timer);
  child.stdin?.destroy();
  child.stdout?.destroy();
  child.stderr?.destroy();
}
