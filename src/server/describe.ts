// Words about runbook things for completion details and hovers: a step, a parser, a value.

import type { Step } from '../runbook/model';
import type { ParserInfo } from '../checks/spec';

export function stepLabel(step: Step): string {
  return step.title ? `${step.title} (${step.key})` : step.key;
}

/** The first lines of a step's command, as Markdown. */
export function commandPreview(step: Step, lines = 4): string {
  const all = step.command.split(/\r\n|\r|\n/);
  const shown = all.slice(0, lines).join('\n') + (all.length > lines ? '\n…' : '');
  return '```sh\n' + shown + '\n```';
}

export function stepMarkdown(step: Step): string {
  const facts = [
    `line ${step.range.start.line + 1}`,
    step.confirm ? 'needs confirm' : undefined,
    step.check?.spec?.parse ? `parse: ${step.check.spec.parse}` : undefined,
  ].filter(Boolean);
  return `**${stepLabel(step)}** — ${facts.join(', ')}\n\n${commandPreview(step)}`;
}

export function parserMarkdown(parser: ParserInfo): string {
  const values = parser.values.map((v) => `- \`${v.name}\` (${v.type}): ${v.description}`).join('\n');
  const options = parser.options?.length ? `\n\nOptions:\n${parser.options.map((o) => `- \`${o.name}\` (${o.type}): ${o.description}`).join('\n')}` : '';
  return `**${parser.name}** — ${parser.summary}\n\nReads: ${parser.commands.map((c) => `\`${c}\``).join(', ')}\n\nValues:\n${values}${options}`;
}
