// Hovers: a parser's summary and values, the step a `next:` goes to, a step's title and command,
// and what an expression's value is.

import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import type { Position } from '../runbook/model';
import { getParser } from '../checks/parsers/index';
import { valuesOfStep } from '../analysis/values';
import { stepsById, nextReferences } from '../analysis/flow';
import { cursorAt } from './cursor';
import { parserMarkdown, stepMarkdown } from './describe';
import type { RunbookView } from './views';

export function hover(view: RunbookView, position: Position): Hover | undefined {
  const cursor = cursorAt(view, position);
  if (!cursor) return undefined;
  const markdown = (value: string, range = 'range' in cursor ? cursor.range : undefined): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range });
  switch (cursor.kind) {
    case 'parse': {
      const parser = getParser(cursor.word);
      return parser ? markdown(parserMarkdown(parser.info)) : undefined;
    }
    case 'next': {
      if (cursor.word === 'end') return markdown('`end`: the runbook stops here.');
      const target = stepsById(view.runbook).get(cursor.word);
      return target ? markdown(`Goes to ${stepMarkdown(target)}`) : undefined;
    }
    case 'fence':
    case 'attribute-name':
    case 'attribute-value': {
      const step = cursor.step;
      const callers = step.id ? view.runbook.steps.flatMap((s) => nextReferences(s)).filter((r) => r.target === step.id).length : 0;
      return markdown(
        `${stepMarkdown(step)}\n\n${callers === 0 ? 'No check branches here by name.' : `${callers} \`next:\` value${callers === 1 ? ' names' : 's name'} this step.`}`,
        undefined,
      );
    }
    case 'expression': {
      const root = cursor.word.split('.')[0];
      const info = valuesOfStep(cursor.step).names.get(root);
      if (info) return markdown(`\`${info.name}\` (${info.type}): ${info.description}`);
      const param = view.runbook.frontMatter?.parameters.find((p) => p.name === root);
      return param
        ? markdown(
            `Parameter \`${param.name}\`${param.default !== undefined ? `, default \`${param.default}\`` : ''}${param.prompt ? `: ${param.prompt}` : ''}`,
          )
        : undefined;
    }
    default:
      return undefined;
  }
}
