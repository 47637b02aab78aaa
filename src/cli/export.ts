// `runbook export RECORD --format md|html`: the postmortem of an incident record and its journal.

import fs from 'node:fs';
import path from 'node:path';
import { journalPathFor, readJournal } from '../engine/journal';
import { createRedactor } from '../redact/redactor';
import { exportPostmortem } from '../report/export';
import { errorLines, readRunbookFile, writeFileAtomic } from '../pipeline/load';

export async function exportCommand(record: string, options: { format: 'md' | 'html'; output?: string; anonymize?: boolean }): Promise<number> {
  let runbook;
  try {
    runbook = readRunbookFile(record);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  for (const line of errorLines(runbook)) process.stderr.write(`${line}\n`);
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
  const output = options.output ?? record.replace(/(\.runbook)?\.md$/i, `.postmortem.${options.format}`);
  const format = options.format === 'html' ? 'html' : 'markdown';
  const text = await exportPostmortem({ runbook, journal: entries, recordPath: record, outputPath: output, redactor, format });
  try {
    fs.mkdirSync(path.dirname(path.resolve(output)), { recursive: true });
    writeFileAtomic(output, text);
  } catch (error) {
    process.stderr.write(
      `${output}: cannot write the postmortem (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give another path with -o\n`,
    );
    return 2;
  }
  process.stdout.write(`${output}\n`);
  return 0;
}
