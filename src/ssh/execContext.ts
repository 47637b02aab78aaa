// What a step's run needs from the pool (kill grace, control channel, log, timings) and the capture of its
// result, shared by the per-exec path (exec.ts) and the persistent shell (laneExec.ts).
import type { CapturedStream } from './output';
import type { ExecResult, Termination } from './types';

export interface ExecContext {
  /** How long a step gets to end after TERM before KILL. */
  killGraceMs: number;
  /** Runs a short command on the host outside the step's slot (a second channel or a second connection). */
  runControlCommand: (command: string) => Promise<void>;
  log: (line: string) => void;
  /** Set when this step had to connect first. */
  connectTimings?: { connectMs: number; authMs: number };
  startedAt: Date;
  startedMs: number;
  /** Use the persistent shell where it starts (default); false: one exec per step, as before. */
  persistentShell?: boolean;
  /** How long a new persistent shell gets to answer (login shell and rc files included). */
  shellReadyTimeoutMs?: number;
}

export interface Capture {
  stdout: CapturedStream;
  stderr: CapturedStream;
  timings: NonNullable<ExecResult['timings']>;
  result: (termination: Termination, extra?: Partial<ExecResult>) => ExecResult;
}
