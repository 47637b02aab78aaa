// `runbook start TEMPLATE`: copy a runbook into a new incident record and say where it is.

import path from 'node:path';
import { startIncident } from '../engine/incident';
import { splitVar } from './run';

export async function startCommand(template: string, options: { title?: string; folder: string; host?: string[]; var?: string[] }): Promise<number> {
  const { recordPath, incident } = startIncident(template, {
    title: options.title,
    folder: path.resolve(options.folder),
    target: options.host ?? [],
    parameters: Object.fromEntries((options.var ?? []).map(splitVar)),
  });
  process.stdout.write(`${recordPath}\n`);
  process.stderr.write(`Incident "${incident.title}" started at ${incident.startedAt} by ${incident.responder}.\n`);
  process.stderr.write(`Run its steps with: runbook run ${path.relative(process.cwd(), recordPath)} --host HOST --auto\n`);
  return 0;
}
