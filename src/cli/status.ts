// `runbook status RECORD [declared|mitigated|resolved|reopened] [--at TIME]`: where the incident
// stands, and the time each change happened (which may be earlier than when it is typed).

import { isRunbookError } from '../base/failure';
import type { IncidentStatus } from '../engine/journal';
import { durationsOf, spanText, type Lifecycle } from '../engine/lifecycle';
import { parseWhen, recordLifecycle, setStatus, STATUSES } from '../pipeline/lifecycle';

export interface StatusOptions {
  at?: string;
  impactStart?: string;
  impactEnd?: string;
  detectedAt?: string;
  detectedBy?: string;
  alert?: string;
  text?: string;
  author?: string;
}

export async function statusCommand(record: string, status: string | undefined, options: StatusOptions, now: Date = new Date()): Promise<number> {
  try {
    if (status === undefined) {
      process.stdout.write(describe(recordLifecycle(record)));
      return 0;
    }
    // "Resolved" at 3 a.m. means resolved.
    const word = status.trim().toLowerCase() as IncidentStatus;
    if (!STATUSES.includes(word)) {
      recordLifecycle(record);
      process.stderr.write(`${record}: "${status}" is not a status: use one of ${STATUSES.join(', ')}. Nothing was written.\n`);
      return 2;
    }
    // A bad time names the option it came from; nothing is written until every time reads.
    const when = (option: string, t: string | undefined) => {
      try {
        return t ? parseWhen(t, now) : undefined;
      } catch (error) {
        if (isRunbookError(error)) error.message = `${record}: ${option} ${error.message} Nothing was written.`;
        throw error;
      }
    };
    const detection =
      options.detectedBy || options.alert || options.detectedAt
        ? { at: when('--detected-at', options.detectedAt), how: options.detectedBy ?? (options.alert ? 'alert' : 'unknown'), alert: options.alert }
        : undefined;
    const { lifecycle, warnings } = await setStatus(record, {
      status: word,
      at: when('--at', options.at),
      impactStart: when('--impact-start', options.impactStart),
      impactEnd: when('--impact-end', options.impactEnd),
      detection,
      text: options.text,
      author: options.author,
      now,
    });
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(describe(lifecycle));
    return 0;
  } catch (error) {
    if (!isRunbookError(error)) throw error;
    process.stderr.write(`${error.message}\n${error.hint ? `${error.hint}\n` : ''}`);
    return 2;
  }
}

function describe(lc: Lifecycle): string {
  const d = durationsOf(lc);
  const lines = [`Status: ${lc.status}`];
  if (lc.declaredAt) lines.push(`Declared: ${lc.declaredAt}`);
  if (lc.impactStart) lines.push(`Impact started: ${lc.impactStart}`);
  if (lc.detection) lines.push(`Detected: ${lc.detection.at} (${lc.detection.how}${lc.detection.alert ? `: ${lc.detection.alert}` : ''})`);
  if (lc.mitigatedAt) lines.push(`Mitigated: ${lc.mitigatedAt}`);
  if (lc.resolvedAt) lines.push(`Resolved: ${lc.resolvedAt}`);
  if (lc.impactEnd) lines.push(`Impact ended: ${lc.impactEnd}`);
  if (lc.reopenedAt) lines.push(`Reopened: ${lc.reopenedAt}`);
  const from = d.from ? ` (from the ${d.from})` : '';
  if (d.toDetectMs !== undefined) lines.push(`Time to detect: ${spanText(d.toDetectMs)}`);
  if (d.toMitigateMs !== undefined) lines.push(`Time to mitigate: ${spanText(d.toMitigateMs)}${from}`);
  if (d.toResolveMs !== undefined) lines.push(`Time to resolve: ${spanText(d.toResolveMs)}${from}`);
  return `${lines.join('\n')}\n`;
}
