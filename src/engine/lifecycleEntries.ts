// The journal entries of an incident's lifecycle: status changes, impact, detection, and files
// fetched into the evidence folder (src/engine/lifecycle.ts reads them; journal.ts writes them).

/** The incident's state: `declared` (the incident is on), `mitigated` (the impact stopped), `resolved`, or `reopened`. */
export type IncidentStatus = 'declared' | 'mitigated' | 'resolved' | 'reopened';

export interface StatusEntry {
  type: 'status';
  status: IncidentStatus;
  /** When it happened ("mitigated at 03:12"); `time` is when it was written. */
  at: string;
  time: string;
  author: string;
  text?: string;
}

/** When the user-visible impact started and ended (either may come later than the other). */
export interface ImpactEntry {
  type: 'impact';
  start?: string;
  end?: string;
  time: string;
  author: string;
}

/** How the incident was detected: when, how (alert, user report...) and which alert. */
export interface DetectionEntry {
  type: 'detection';
  at: string;
  how: string;
  alert?: string;
  time: string;
  author: string;
}

/** A file fetched from a host into the record's evidence folder (`fetch=`), or why it was not. */
export interface EvidenceFileEntry {
  type: 'evidence-file';
  runId: string;
  step: { key: string; id?: string; title?: string };
  host: string;
  /** The path on the host, after substitution. */
  remotePath: string;
  time: string;
  /** The stored file, relative to the record, with `/`; absent when it was not fetched. */
  file?: string;
  /** Size and sha256 of the stored file (after redaction for a text file). */
  bytes?: number;
  sha256?: string;
  /** Size on the host, before redaction. */
  remoteBytes?: number;
  kind?: 'text' | 'binary';
  /** A text file in which the redactor replaced something. */
  redacted?: boolean;
  /** Why it was not fetched: too large, missing, denied, not supported by the engine. */
  error?: string;
}
