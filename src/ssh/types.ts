// How a script reaches a host: the executor interface shared by the SSH pool and the local
// executor. The error kinds every layer shares live in base/failure.ts.

import type { RunbookError } from '../base/failure';
import type { RunEnding } from '../base/run';

export interface ExecRequest {
  /** A POSIX sh script; values have already been quoted into it (see ssh/script.ts). */
  script: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called as output arrives (already decoded as UTF-8, may split lines). */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Bytes kept in memory per stream; the rest goes to `spillDir` in full. */
  outputCapBytes?: number;
  /** Where full outputs beyond the cap are written. */
  spillDir?: string;
  /**
   * Run the step as root through sudo: `sudo -n` when no password is needed, else `sudo -S` with this
   * password on stdin. Without a password where one is needed the result is an `auth` error (see ssh/sudo.ts,
   * `sudoRefusal`). The password never goes on a command line, into output or into a log; do not record it.
   */
  sudo?: { password?: string };
}

/** A stream's captured text: in memory up to the cap, in full in a file beyond it. */
export interface CapturedOutput {
  text: string;
  bytes: number;
  truncated: boolean;
  /** Path of the file holding the whole stream, when truncated. */
  fullPath?: string;
}

export type { Termination } from '../base/run';

export interface ExecResult extends RunEnding {
  host: string;
  startedAt: Date;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
  /** Set when termination is not `exit`/`signal`. */
  error?: RunbookError;
  /** Where the time went, in ms: connect, auth, channel open, first byte. */
  timings?: { connectMs?: number; authMs?: number; channelMs?: number; firstByteMs?: number };
}

/** Runs scripts on one host. The SSH pool and the local machine both implement it. */
export interface Executor {
  readonly host: string;
  exec(request: ExecRequest): Promise<ExecResult>;
  /** Reads a file from the host for the evidence folder (SFTP over the same connection; a copy for `local`). Absent: the engine cannot. */
  fetchFile?(request: import('./fetch').FetchRequest): Promise<import('./fetch').FetchedFile>;
  close(): Promise<void>;
}
