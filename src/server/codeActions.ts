// Quick fixes: create the step a `next:` names, change an unknown `next:` to the closest step id,
// and mark a step that changes the host as `confirm`.

import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import { closestName } from '../analysis/names';
import { stepsById } from '../analysis/flow';
import { stepAt } from './cursor';
import type { RunbookView } from './views';

export function codeActions(view: RunbookView, uri: string, diagnostics: LspDiagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    const start = view.toRunbook(uri, d.range.start);
    const end = view.toRunbook(uri, d.range.end);
    if (!start || !end) continue;
    if (d.code === 'unknown-next') {
      const written = view.source.text.slice(view.source.offsetAt(start), view.source.offsetAt(end)).replace(/^["']|["']$/g, '');
      const closest = closestName(written, stepsById(view.runbook).keys());
      if (closest) {
        actions.push({
          title: `Change to "${closest}"`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          isPreferred: true,
          edit: { changes: { [uri]: [{ range: d.range, newText: closest }] } },
        });
      }
      if (!view.notebook)
        actions.push({
          title: `Create step "${written}"`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          edit: { changes: { [uri]: [newStepEdit(view, written)] } },
        });
    }
    if (d.code === 'unconfirmed-change' && !view.notebook) {
      const step = stepAt(view, start.line);
      if (!step) continue;
      const info = view.source.text.slice(view.source.offsetAt(step.infoRange.start), view.source.offsetAt(step.infoRange.end));
      const close = info.lastIndexOf('}');
      const isJson = /^\s*\S+\s*\{\s*"/.test(info);
      const at = close >= 0 ? { line: step.infoRange.start.line, character: step.infoRange.start.character + close } : step.infoRange.end;
      const newText = close < 0 ? ' {confirm}' : isJson ? ',"confirm":true' : ' confirm';
      actions.push({
        title: 'Mark the step as confirm',
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: { changes: { [uri]: [{ range: { start: at, end: at }, newText }] } },
      });
    }
  }
  return actions;
}

/** A skeleton step with the id, appended at the end of the file. */
function newStepEdit(view: RunbookView, id: string) {
  const lines = view.source.lines;
  const last = lines.lineCount - 1;
  const end = { line: last, character: lines.content(last).length };
  const eol = view.runbook.eol;
  const lead = lines.content(last) === '' ? '' : eol;
  const text = `${lead}${eol}## ${id}${eol}${eol}\`\`\`sh {id=${id}}${eol}# the command to run${eol}\`\`\`${eol}${eol}\`\`\`check${eol}findings: []${eol}next: end${eol}\`\`\`${eol}`;
  return { range: { start: end, end }, newText: text };
}
