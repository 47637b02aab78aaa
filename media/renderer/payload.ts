// Checks that an output item carries what this renderer understands; anything else gets a reason
// in words, and the renderer falls back to showing the raw JSON as text.

import type { OutputView, StepResultView } from '../../src/protocol/renderer';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

export function checkStepResult(data: unknown): Checked<StepResultView> {
  if (!isObject(data)) return fail('the payload is not a JSON object');
  if (data.version !== 1) return fail(`payload version ${JSON.stringify(data.version)} is not 1; update the Incident Runbooks extension`);
  if (typeof data.stepKey !== 'string') return fail('the payload has no step key');
  if (!Array.isArray(data.hosts)) return fail('the payload has no host list');
  for (const [i, host] of data.hosts.entries()) {
    if (!isObject(host) || typeof host.host !== 'string') return fail(`host entry ${i + 1} has no host name`);
    if (!isObject(host.values)) return fail(`host ${host.host} has no values object`);
    if (!Array.isArray(host.findings)) return fail(`host ${host.host} has no findings list`);
  }
  return { ok: true, value: data as unknown as StepResultView };
}

export function checkOutput(data: unknown): Checked<OutputView> {
  if (!isObject(data)) return fail('the payload is not a JSON object');
  if (typeof data.text !== 'string') return fail('the payload has no output text');
  return { ok: true, value: data as unknown as OutputView };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
