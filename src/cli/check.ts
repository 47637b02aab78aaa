// `runbook check FILE...`: format errors, broken branches and risky steps as `file:line:col: severity: message`.

import fs from 'node:fs';
import { analyzeRunbook } from '../analysis/analyze';
import { parseRunbook } from '../runbook/parse';
import type { Diagnostic } from '../runbook/model';

interface FileReport {
  file: string;
  diagnostics: Diagnostic[];
  error?: string;
}

export async function checkCommand(files: string[], options: { format: 'text' | 'json' }): Promise<number> {
  const reports: FileReport[] = files.map(checkFile);
  const errors = reports.reduce((n, r) => n + (r.error ? 1 : 0) + r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  const warnings = reports.reduce((n, r) => n + r.diagnostics.filter((d) => d.severity === 'warning').length, 0);

  if (options.format === 'json') {
    const json = reports.map((r) => ({
      file: r.file,
      error: r.error,
      diagnostics: r.diagnostics.map((d) => ({
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        endLine: d.range.end.line + 1,
        endColumn: d.range.end.character + 1,
        severity: d.severity,
        code: d.code,
        message: d.message,
      })),
    }));
    process.stdout.write(`${JSON.stringify({ files: json, errors, warnings }, null, 2)}\n`);
  } else {
    for (const report of reports) {
      if (report.error) process.stdout.write(`${report.file}:1:1: error: ${report.error}\n`);
      for (const d of report.diagnostics) {
        process.stdout.write(`${report.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message} [${d.code}]\n`);
      }
    }
    const summary = `${files.length} file${files.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    process.stderr.write(`${summary}\n`);
  }
  return errors > 0 ? 1 : 0;
}

function checkFile(file: string): FileReport {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    return { file, diagnostics: [], error: `cannot read the file: ${reason}` };
  }
  try {
    return { file, diagnostics: analyzeRunbook(parseRunbook(text, file)) };
  } catch (error) {
    // A file the parser cannot read must not stop the check of the files after it.
    const where = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const message = `cannot check this file: ${(error as Error).message.split('\n')[0]}; fix it and run runbook check again`;
    if (!where) return { file, diagnostics: [], error: message };
    const at = { line: where.line - 1, character: where.col - 1 };
    return { file, diagnostics: [{ range: { start: at, end: at }, severity: 'error', code: 'unreadable', message }] };
  }
}
