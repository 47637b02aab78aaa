// A notebook's cells put back together as runbook text (steps and code check cells in fences, in cell
// order; Markdown cells, a check's fence among them, as they are), with a map from lines of that text
// back to the cells, so diagnostics land on the right cell.

import { CHECK_LANGUAGE, STEP_LANGUAGE } from '../protocol/ids';
import { markerFor } from '../runbook/fence';
import type { Position, Range } from '../runbook/model';

export interface NotebookCellText {
  uri: string;
  languageId: string;
  text: string;
  /** The cell's metadata from the serializer: `info` is a step's fence info, e.g. `sh {id=x}`. */
  metadata?: { role?: string; info?: string };
}

interface CellLines {
  uri: string;
  /** First line of the cell's block (its fence line) in the assembled text. */
  blockStart: number;
  /** First line of the cell's own text. */
  contentStart: number;
  lineCount: number;
  /** Last line of the block (the closing fence, or the last content line). */
  blockEnd: number;
}

export interface AssembledNotebook {
  text: string;
  cells: CellLines[];
}

export function assembleNotebook(cells: NotebookCellText[]): AssembledNotebook {
  const out: string[] = [];
  const map: CellLines[] = [];
  let line = 0;
  for (const cell of cells) {
    const content = cell.text.replace(/\r\n?/g, '\n').replace(/\n$/, '');
    const contentLines = content === '' ? 0 : content.split('\n').length;
    let open: string | undefined;
    let close: string | undefined;
    if (cell.languageId === STEP_LANGUAGE || cell.languageId === CHECK_LANGUAGE) {
      const marker = markerFor(content);
      const info = cell.languageId === CHECK_LANGUAGE ? 'check' : stepInfo(cell.metadata?.info);
      open = `${marker}${info}`;
      close = marker;
    } else if (cell.languageId === 'yaml' && cell.metadata?.role === 'front-matter' && map.length === 0) {
      open = '---';
      close = '---';
    }
    const blockStart = line;
    const contentStart = open !== undefined ? line + 1 : line;
    const block = [...(open !== undefined ? [open] : []), ...(contentLines > 0 ? [content] : []), ...(close !== undefined ? [close] : [])].join('\n');
    out.push(block);
    const blockLines = (open !== undefined ? 1 : 0) + contentLines + (close !== undefined ? 1 : 0);
    map.push({ uri: cell.uri, blockStart, contentStart, lineCount: Math.max(contentLines, 1), blockEnd: blockStart + Math.max(blockLines, 1) - 1 });
    // A blank line between cells, as between blocks in a file.
    line += Math.max(blockLines, 1) + 1;
  }
  return { text: out.join('\n\n') + '\n', cells: map };
}

/** The info string of a step cell: what the serializer kept, or a plain `sh` for a new cell. */
function stepInfo(info: string | undefined): string {
  if (info && /^\s*(sh|bash|shell|zsh|console)\b/i.test(info)) return info;
  return 'sh';
}

/** A range of the assembled text as a range in one cell; fence lines map to the cell's first line. */
export function toCellRange(assembled: AssembledNotebook, range: Range): { uri: string; range: Range } | undefined {
  const cell = assembled.cells.find((c) => range.start.line >= c.blockStart && range.start.line <= c.blockEnd);
  if (!cell) return undefined;
  // Fence lines are not in the cell: their problems (a bad attribute) go to the cell's start.
  if (range.start.line < cell.contentStart || range.start.line >= cell.contentStart + cell.lineCount) {
    const line = range.start.line < cell.contentStart ? 0 : cell.lineCount - 1;
    return { uri: cell.uri, range: { start: { line, character: 0 }, end: { line, character: 0 } } };
  }
  const endLine = Math.min(range.end.line, cell.contentStart + cell.lineCount - 1);
  const end =
    endLine === range.end.line ? { line: endLine - cell.contentStart, character: range.end.character } : { line: endLine - cell.contentStart, character: 0 };
  return { uri: cell.uri, range: { start: { line: range.start.line - cell.contentStart, character: range.start.character }, end } };
}

/** A position in a cell as a position in the assembled text. */
export function fromCellPosition(assembled: AssembledNotebook, uri: string, position: Position): Position | undefined {
  const cell = assembled.cells.find((c) => c.uri === uri);
  return cell ? { line: cell.contentStart + position.line, character: position.character } : undefined;
}
