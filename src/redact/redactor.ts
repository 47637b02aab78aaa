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
    addSecret(secret) {
      secrets.push(secret);
      maskExact = exactMasker(secrets);
    },
    addHosts(hosts) {
      anonymizer?.addHosts(hosts);
    },
  };
}
