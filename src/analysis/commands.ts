// A step's command: `{{var}}` it uses must be defined before it runs, and commands that change the
// host need `confirm` on the step.

import type { Diagnostic, Range, Step } from '../runbook/model';
import { diagnostic } from '../runbook/diagnostics';
import { hostChangesInLine } from './hostChanges';
import { didYouMean } from './names';
import { reparsedVariables } from './reparse';

/** The same pattern the engine substitutes (src/ssh/script.ts). */
const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;

export function commandLines(step: Step): { text: string; range: (from: number, to: number) => Range }[] {
  const start = step.commandRange.start;
  return step.command.split(/\r\n|\r|\n/).map((text, i) => ({
    text,
    range: (from: number, to: number) => {
      const character = i === 0 ? start.character : 0;
      return { start: { line: start.line + i, character: character + from }, end: { line: start.line + i, character: character + to } };
    },
  }));
}

// Steps are not changed after parsing; the language server reuses unchanged ones across edits.
const changesOf = new WeakMap<Step, Diagnostic[]>();

export function hostChangeDiagnostics(step: Step): Diagnostic[] {
  let found = changesOf.get(step);
  if (!found) {
    found = readHostChanges(step);
    changesOf.set(step, found);
  }
  return found;
}

function readHostChanges(step: Step): Diagnostic[] {
  if (step.confirm) return [];
  const out: Diagnostic[] = [];
  for (const line of commandLines(step)) {
    for (const change of hostChangesInLine(line.text)) {
      out.push(
        diagnostic(
          line.range(change.start, change.end),
          'warning',
          'unconfirmed-change',
          `this step changes the host (${change.what}) but is not marked confirm; add confirm to its fence ({${step.id ? `id=${step.id} ` : ''}confirm}) so it runs only after an explicit confirmation`,
        ),
      );
    }
  }
  return out;
}

/** `{{name}}` in the command that no parameter and no earlier step defines. */
export function variableDiagnostics(step: Step, known: (name: string) => boolean, candidates: () => Iterable<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const line of commandLines(step)) {
    for (const m of line.text.matchAll(VARIABLE)) {
      const name = m[1];
      if (known(name)) continue;
      out.push(
        diagnostic(
          line.range(m.index, m.index + m[0].length),
          'warning',
          'undefined-variable',
          `{{${name}}} has no value when this step runs: no parameter and no earlier step defines "${name}"; ${didYouMean(name, candidates())}declare it under params: in the front matter, or capture it in an earlier step's check (extract: or values:)`,
        ),
      );
    }
  }
  return out;
}

const REPARSE_ADVICE: Record<string, string> = {
  eval: 'do not eval a command built from values; write the command out and pass the value as its own argument',
  ssh: 'the remote shell parses the command line again; run the step on that host instead (hosts=...), or pass the value on stdin',
  heredoc: 'the shell reading the heredoc expands or runs its text; pass the value as an argument instead',
  watch: 'watch runs its command through sh -c; use watch -x, or pass the value as an argument',
};

/** `{{name}}` where a second shell would parse the value (sh -c, eval, ssh host ..., su -c, | sh, heredoc). */
export function reparseDiagnostics(step: Step): Diagnostic[] {
  const found = reparsedVariables(step.command);
  if (found.length === 0) return [];
  const lineStarts = [0];
  for (let i = step.command.indexOf('\n'); i >= 0; i = step.command.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lines = commandLines(step);
  return found.map(({ name, construct, offset }) => {
    let n = lineStarts.length - 1;
    while (lineStarts[n] > offset) n--;
    const column = offset - lineStarts[n];
    const length = /^\{\{[^}]*\}\}/.exec(step.command.slice(offset))?.[0].length ?? 2;
    const advice =
      REPARSE_ADVICE[construct] ??
      (construct.startsWith('|') || construct.startsWith('<<<')
        ? `do not feed commands built from values to ${construct.replace(/^\| |^<<< to /, '')}; run the command directly with the value as an argument`
        : `pass the value as an argument after the script instead: ${construct} '... "$1"' _ {{${name}}}`);
    return diagnostic(
      lines[n].range(column, column + length),
      'warning',
      'value-parsed-again',
      `{{${name}}} is parsed again by a shell (${construct}): a value holding quotes, ; or $(...) would run as a command; ${advice}`,
    );
  });
}
