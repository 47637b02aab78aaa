// `runbook export RECORD --format md|html`: the postmortem of an incident record and its journal.

import fs from 'node:fs';
import { journalPathFor, readJournal } from '../engine/journal';
import { createRedactor } from '../redact/redactor';
import { exportPostmortem } from '../report/export';
import { loadRunbook } from './record';
import { writeFileAtomic } from './run';

export async function exportCommand(record: string, options: { format: 'md' | 'html'; output?: string; anonymize?: boolean }): Promise<number> {
  const runbook = loadRunbook(record);
  if (!runbook) return 2;
  const journalFile = journalPathFor(record);
  const { entries, problems } = fs.existsSync(journalFile) ? readJournal(journalFile) : { entries: [], problems: [] };
  for (const problem of problems) process.stderr.write(`${journalFile}: ${problem}\n`);
  if (!runbook.frontMatter?.incident) {
    process.stderr.write(`${record}: this is a runbook, not an incident record; exporting what it holds. Start an incident with: runbook start ${record}\n`);
  }
  const secrets = (runbook.frontMatter?.parameters ?? [])
    .filter((p) => p.secret)
    .map((p) => runbook.frontMatter?.incident?.parameters?.[p.name])
    .filter((v): v is string => Boolean(v));
  const redactor = createRedactor({ secrets, anonymize: options.anonymize });
  const text = await exportPostmortem({ runbook, journal: entries, recordPath: record, redactor, format: options.format === 'html' ? 'html' : 'markdown' });
  const output = options.output ?? record.replace(/(\.runbook)?\.md$/i, `.postmortem.${options.format}`);
  writeFileAtomic(output, text);
  process.stdout.write(`${output}\n`);
  return 0;
}
