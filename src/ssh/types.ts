// How a script reaches a host: the executor interface shared by the SSH pool and the local
// executor, and the error kinds the UI turns into "what happened and what to do".

/** Why a run or connection failed; kept from ssh2's `err.level` where there is one. */
export type FailureKind =
  | 'auth' // no accepted credential
  | 'host-key-unknown' // the user declined an unknown host key
  | 'host-key-changed' // the host key differs from known_hosts: refused
  | 'host-key-revoked'
  | 'timeout' // connect/handshake timeout or step timeout
  | 'keepalive' // the host stopped answering mid-session
  | 'socket' // refused, reset, closed
  | 'dns'
  | 'config' // bad ssh_config / inventory / unknown host name
  | 'channel' // the server refused a session channel
  | 'cancelled'
  | 'internal';

/** An error that says what went wrong and what to do. `kind` drives the UI; `message` is for people. */
export class RunbookError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** What the user can do about it, one sentence. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RunbookError';
  }
}

/** Asks the person at the keyboard: a passphrase, a password, or a yes/no on a host key. */
export interface Prompter {
  /** Returns undefined when the user cancels. `secret` input is never echoed nor logged. */
  askSecret(question: string): Promise<string | undefined>;
  /** Returns true only on an explicit yes. */
  confirm(question: string, detail: string): Promise<boolean>;
}

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
}

/** A stream's captured text: in memory up to the cap, in full in a file beyond it. */
export interface CapturedOutput {
  text: string;
  bytes: number;
  truncated: boolean;
  /** Path of the file holding the whole stream, when truncated. */
  fullPath?: string;
}

export type Termination = 'exit' | 'signal' | 'timeout' | 'cancelled' | 'connection-lost' | 'error';

export interface ExecResult {
  host: string;
  startedAt: Date;
  durationMs: number;
  exitCode: number | null;
  signal: string | null;
  termination: Termination;
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
  close(): Promise<void>;
}

/**
 * True for a RunbookError from any bundle: the extension loads the engine as a separate bundle
 * (dist/lazy/), where the class is a different object, so `instanceof` is not enough there.
 */
export function isRunbookError(error: unknown): error is RunbookError {
  return error instanceof RunbookError || (error instanceof Error && error.name === 'RunbookError' && typeof (error as RunbookError).kind === 'string');
}
