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
    if (!STATUSES.includes(status as IncidentStatus)) {
      process.stderr.write(`"${status}" is not a status: use one of ${STATUSES.join(', ')}.\n`);
      return 2;
    }
    const when = (t: string | undefined) => (t ? parseWhen(t, now) : undefined);
    const detection =
      options.detectedBy || options.alert || options.detectedAt
        ? { at: when(options.detectedAt), how: options.detectedBy ?? (options.alert ? 'alert' : 'unknown'), alert: options.alert }
        : undefined;
    const { lifecycle, warnings } = await setStatus(record, {
      status: status as IncidentStatus,
      at: when(options.at),
      impactStart: when(options.impactStart),
      impactEnd: when(options.impactEnd),
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
