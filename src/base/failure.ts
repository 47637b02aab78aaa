// The error every layer raises and every front shows: what went wrong (its kind drives the UI) and
// what to do. At the bottom of the layers so hosts/, ssh/, engine/ and the fronts share one class.

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

/**
 * True for a RunbookError, also one thrown by another copy of this module (a test harness that
 * loads the built bundle next to the sources), where `instanceof` alone is not enough.
 */
export function isRunbookError(error: unknown): error is RunbookError {
  return error instanceof RunbookError || (error instanceof Error && error.name === 'RunbookError' && typeof (error as RunbookError).kind === 'string');
}
