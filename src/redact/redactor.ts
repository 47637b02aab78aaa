// The redactor: every text that is persisted or exported goes through it (outputs, commands,
// journal entries, reports). Layers, in order: exact secrets, secretlint's preset, our own
// patterns, then (optionally) anonymisation of IPs and host names.

import { Anonymizer } from './anonymize';
import { exactMasker } from './exactValues';
import { maskPatterns } from './patterns';
import { maskWithSecretlint } from './secretlint';

export interface RedactorOptions {
  /** Exact values typed by the user: passwords, passphrases, secret parameters. */
  secrets?: string[];
  /** Also replace IP addresses and host names with stable stand-ins, for sharing outside the team. */
  anonymize?: boolean;
  /** Host names to replace when anonymising (IP addresses are found without a list). */
  hosts?: string[];
}

export interface Redactor {
  /** All layers. */
  redact(text: string): Promise<string>;
  /** Exact values only: cheap and synchronous, for hot paths (streaming output, log lines). */
  redactKnown(text: string): string;
  /** Exact values and our token patterns, synchronous: for every field persisted beside the text (values, messages, journal). */
  redactFields(text: string): string;
  /** Learn a secret typed later (a passphrase asked mid-incident). */
  addSecret(secret: string): void;
  /** Learn host names to anonymise (no effect unless `anonymize`). */
  addHosts(hosts: readonly string[]): void;
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const secrets = [...(options.secrets ?? [])];
  let maskExact = exactMasker(secrets);
  const anonymizer = options.anonymize ? new Anonymizer(options.hosts ?? []) : undefined;
  return {
    async redact(text) {
      const known = maskExact(text);
      const linted = await maskWithSecretlint(known);
      const patterned = maskPatterns(linted);
      return anonymizer ? anonymizer.anonymize(patterned) : patterned;
    },
    redactKnown(text) {
      return maskExact(text);
    },
    redactFields(text) {
      const patterned = maskPatterns(maskExact(text));
      return anonymizer ? anonymizer.anonymize(patterned) : patterned;
    },
    addSecret(secret) {
      secrets.push(secret);
      maskExact = exactMasker(secrets);
    },
    addHosts(hosts) {
      anonymizer?.addHosts(hosts);
    },
  };
}

/** Every string inside `value` (values, findings, hints) through `redact`; numbers, booleans and shape unchanged. */
export function redactDeep<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)])) as T;
  return value;
}
