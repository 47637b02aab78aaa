// Going from a `next:` to its step, finding every `next:` that names a step, and the outline of
// steps under their headings.

import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { Position, Range, Step } from '../runbook/model';
import { fenceLine, nextReferences, stepsById } from '../analysis/flow';
import { cursorAt } from './cursor';
import { stepLabel } from './describe';
import type { Place, RunbookView } from './views';

export function definition(view: RunbookView, position: Position): Place | undefined {
  const cursor = cursorAt(view, position);
  if (cursor?.kind !== 'next') return undefined;
  const target = stepsById(view.runbook).get(cursor.word);
  return target ? view.toDocument(fenceLine(target)) : undefined;
}

/** The step the cursor names: a `next:` value, or the step's own fence line. */
function namedStep(view: RunbookView, position: Position): Step | undefined {
  const cursor = cursorAt(view, position);
  if (!cursor) return undefined;
  if (cursor.kind === 'next') return stepsById(view.runbook).get(cursor.word);
  if (cursor.kind === 'fence' || cursor.kind === 'attribute-name' || cursor.kind === 'attribute-value')
    return cursor.step.id !== undefined ? cursor.step : undefined;
  return undefined;
}

export function references(view: RunbookView, position: Position, includeDeclaration: boolean): Place[] {
  const step = namedStep(view, position);
  if (!step) return [];
  const places: Place[] = [];
  if (includeDeclaration) {
    const id = step.attributes.find((a) => a.name === 'id');
    const place = view.toDocument(id?.valueRange ?? fenceLine(step));
    if (place) places.push(place);
  }
  for (const other of view.runbook.steps) {
    for (const ref of nextReferences(other)) {
      if (ref.target !== step.id || !other.check) continue;
      const place = view.toDocument(view.source.checkRange(other.check, ref.span));
      if (place) places.push(place);
    }
  }
  return places;
}

/** Headings (from prose, outside fences) with the steps after them nested inside. */
export function documentSymbols(view: RunbookView): DocumentSymbol[] {
  const roots: DocumentSymbol[] = [];
  const open: { level: number; symbol: DocumentSymbol }[] = [];
  const add = (symbol: DocumentSymbol, level: number) => {
    while (open.length > 0 && open[open.length - 1].level >= level) open.pop();
    (open.length > 0 ? (open[open.length - 1].symbol.children ??= []) : roots).push(symbol);
    if (level < 99) open.push({ level, symbol });
    // A heading's range grows to cover what is nested in it.
    for (const o of open) o.symbol.range = { start: o.symbol.range.start, end: maxEnd(o.symbol.range.end, symbol.range.end) };
  };
  for (const part of view.runbook.parts) {
    if (part.kind === 'prose') {
      let fence: string | undefined;
      part.raw.split(/\r\n|\r|\n/).forEach((text, i) => {
        const marker = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
        if (marker && (!fence || (marker[0] === fence[0] && marker.length >= fence.length))) fence = fence ? undefined : marker;
        const heading = fence ? undefined : /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(text);
        if (!heading || heading[2] === '') return;
        const line = part.range.start.line + i;
        const range: Range = { start: { line, character: 0 }, end: { line, character: text.length } };
        add({ name: heading[2], kind: SymbolKind.Namespace, range, selectionRange: range, children: [] }, heading[1].length);
      });
    } else if (part.kind === 'step') {
      const step = part.step;
      const end = step.check ? step.check.range.end : step.range.end;
      add(
        {
          name: stepLabel(step),
          detail: step.check?.spec?.parse,
          kind: SymbolKind.Function,
          range: { start: step.range.start, end },
          selectionRange: fenceLine(step),
        },
        99,
      );
    }
  }
  return roots;
}

function maxEnd(a: Position, b: Position): Position {
  return a.line > b.line || (a.line === b.line && a.character >= b.character) ? a : b;
}
