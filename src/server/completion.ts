// Completion in a runbook: step ids after `next:`, parser names after `parse:`, severities, values
// inside expressions and `{{...}}`, attributes in a step's `{...}`, parameters and earlier values in commands.

import { CompletionItemKind, MarkupKind, type CompletionItem } from 'vscode-languageserver/node';
import type { Step } from '../runbook/model';
import { listParsers } from '../checks/parsers/index';
import { functionNames } from '../checks/expressionSyntax';
import { KNOWN_ATTRIBUTES } from '../runbook/attributes';
import { RunbookValues } from '../analysis/values';
import { stepsById } from '../analysis/flow';
import { cursorAt } from './cursor';
import { commandPreview, parserMarkdown } from './describe';
import type { RunbookView } from './views';
import type { Position } from '../runbook/model';

const ATTRIBUTE_HELP: Record<string, string> = {
  id: 'Names the step, so a check can branch to it with `next:`.',
  title: 'Shown instead of the id.',
  timeout: 'How long the step may run on each host, e.g. `10s`, `2m`.',
  confirm: 'The step changes the host: run it only after an explicit confirmation.',
  hosts: 'Hosts for this step, comma-separated, overriding the front matter.',
  shell: 'The shell that runs the script on the host, e.g. `bash`.',
};

const ATTRIBUTE_VALUES: Record<string, string[]> = { timeout: ['10s', '30s', '1m', '5m'], confirm: ['true', 'false'], shell: ['bash', 'sh', 'zsh'] };

export function completions(view: RunbookView, position: Position): CompletionItem[] {
  const cursor = cursorAt(view, position);
  if (!cursor) return [];
  const runbook = view.runbook;
  switch (cursor.kind) {
    case 'next':
      return [
        ...[...stepsById(runbook).values()].map((step) => ({
          label: step.id!,
          kind: CompletionItemKind.Reference,
          detail: step.title ?? `step on line ${step.range.start.line + 1}`,
          documentation: { kind: MarkupKind.Markdown, value: commandPreview(step) },
        })),
        { label: 'end', kind: CompletionItemKind.Keyword, detail: 'stop the runbook here' },
      ];
    case 'parse':
      return listParsers().map((p) => ({
        label: p.name,
        kind: CompletionItemKind.Function,
        detail: p.summary,
        documentation: { kind: MarkupKind.Markdown, value: parserMarkdown(p) },
      }));
    case 'severity':
      return ['info', 'warning', 'critical'].map((label) => ({ label, kind: CompletionItemKind.EnumMember }));
    case 'expression':
      return valueItems(view, cursor.step, true);
    case 'command-variable':
      return valueItems(view, cursor.step, false);
    case 'check-key':
      return (cursor.inFinding ? ['when', 'severity', 'message', 'hint', 'next'] : ['parse', 'options', 'extract', 'values', 'findings', 'next']).map(
        (label) => ({
          label,
          kind: CompletionItemKind.Property,
          insertText: `${label}: `,
        }),
      );
    case 'attribute-name':
      return KNOWN_ATTRIBUTES.filter((name) => !cursor.step.attributes.some((a) => a.name === name && a.name !== cursor.word)).map((name) => ({
        label: name,
        kind: CompletionItemKind.Property,
        documentation: ATTRIBUTE_HELP[name],
      }));
    case 'attribute-value': {
      const values = cursor.name === 'hosts' ? (runbook.frontMatter?.hosts ?? []) : (ATTRIBUTE_VALUES[cursor.name] ?? []);
      return values.map((label) => ({ label, kind: CompletionItemKind.Value }));
    }
    default:
      return [];
  }
}

/** Values an expression (own step too) or a command (earlier steps only) can use, and parameters. */
function valueItems(view: RunbookView, step: Step, inCheck: boolean): CompletionItem[] {
  const values = new RunbookValues(view.runbook);
  const items = new Map<string, CompletionItem>();
  for (const p of view.runbook.frontMatter?.parameters ?? []) {
    items.set(p.name, {
      label: p.name,
      kind: CompletionItemKind.Variable,
      detail: `parameter${p.default !== undefined ? ` (default ${p.default})` : ''}`,
      documentation: p.prompt,
    });
  }
  for (const other of view.runbook.steps) {
    if (other === step && !inCheck) break;
    for (const [name, info] of values.of(other).names) {
      if (other !== step && items.has(name)) continue;
      items.set(name, {
        label: name,
        kind: CompletionItemKind.Field,
        detail: other === step ? `${info.type}, this step` : `${info.type}, from step ${other.key}`,
        documentation: info.description,
        sortText: other === step ? `0${name}` : `1${name}`,
      });
    }
    if (other === step) break;
  }
  if (inCheck) for (const fn of functionNames) items.set(`${fn}()`, { label: fn, kind: CompletionItemKind.Function, detail: 'function', sortText: `2${fn}` });
  return [...items.values()];
}
