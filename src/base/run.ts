// How one run of a step on one host ended: the fields that every record of a run carries (the
// executor's result, the saved output in a record, the journal's step-end, the renderer's view and
// the postmortem's run), defined once so they cannot drift apart.

/** `exit` and `signal` finished (evidence to read); the others did not. */
export type Termination = 'exit' | 'signal' | 'timeout' | 'cancelled' | 'connection-lost' | 'error';

export const TERMINATIONS: readonly Termination[] = ['exit', 'signal', 'timeout', 'cancelled', 'connection-lost', 'error'];

export interface RunEnding {
  durationMs: number;
  exitCode: number | null;
  signal: string | null;
  termination: Termination;
}

/** A termination read from a file: one of ours, else `error` (an old or hand-edited record never passes as finished). */
export function readTermination(value: unknown): Termination {
  return TERMINATIONS.includes(value as Termination) ? (value as Termination) : 'error';
}
