// The notebook view of a runbook, as plain data (no vscode): cells for front matter, prose, steps and
// check blocks, saved outputs on their step's cell. A check block is a Markdown cell holding its whole
// fence (drawn as one line by media/checkCell): it shows no run button; a check the user adds as a
// code cell of CHECK_LANGUAGE works too. Each cell keeps the bytes it came from, so writing
// the notebook back reproduces unchanged cells byte for byte and regenerates only edited ones.

import { readTermination } from '../base/run';
import { createHash } from 'node:crypto';
import type { Diagnostic, Runbook, SavedOutput } from './model';
import { LineIndex, dominantEol, endsWithLineBreak, normalizeEol, splitTrailingBlank, withEol } from './lines';
import { languageOf, readFenceLine, replaceFenceContent, writeFence } from './fence';
import { fenceContent } from './step';
import { renderSavedOutput } from './savedOutput';

import { CHECK_LANGUAGE, OUTPUT_MIME, STEP_LANGUAGE } from '../protocol/ids';

export { OUTPUT_MIME };

export type CellRole = 'front-matter' | 'prose' | 'step' | 'check' | 'orphan';

export interface CellMetadata {
  role: CellRole;
  /** The cell's bytes as read, without the blank lines after it; absent in a new cell. */
  raw?: string;
  /** The blank lines after the cell, as read. */
  separator?: string;
  /** Place among the cells when read: tells whether two cells were neighbours in the file. */
  index?: number;
  /** Step and check cells: the info string after the fence, e.g. `sh {id=x timeout=10s}`. */
  info?: string;
  stepKey?: string;
  id?: string;
  title?: string;
  attributes?: { name: string; value: string }[];
  /** Step cells: each saved output block as read (with its blank lines), and a digest of its output. */
  outputBlocks?: { raw: string; digest: string }[];
}

export interface NotebookCell {
  kind: 'markup' | 'code';
  languageId: string;
  value: string;
  metadata: CellMetadata;
  outputs: SavedOutput[];
}

export interface NotebookModel {
  cells: NotebookCell[];
  metadata: { eol: '\n' | '\r\n'; bom: boolean; /** Blank lines at the top of a file without front matter. */ leading?: string };
}

const LANGUAGE: Record<string, string> = { step: STEP_LANGUAGE, check: CHECK_LANGUAGE, 'front-matter': 'yaml' };
/** Roles read as Markdown cells: their value is their text as written (a check's, its whole fence). */
const MARKUP_ROLES = new Set<CellRole>(['prose', 'orphan', 'check']);

/** A check block's cell: a Markdown cell that opens with a ```check fence, or a code cell of CHECK_LANGUAGE. */
export function isCheckCell(cell: { kind: 'markup' | 'code'; languageId: string; value: string }): boolean {
  if (cell.kind === 'code') return cell.languageId === CHECK_LANGUAGE;
  const fence = readFenceLine(/^[^\r\n]*/.exec(cell.value)?.[0] ?? '');
  return !!fence && languageOf(fence.info).language === 'check';
}

/** Diagnostics that make a faithful round trip through an editor impossible: the file must not open as a notebook. */
export function blockingProblem(runbook: Runbook): Diagnostic | undefined {
  return runbook.diagnostics.find((d) => d.code === 'binary-content');
}

export function toNotebook(runbook: Runbook): NotebookModel {
  const model: NotebookModel = { cells: [], metadata: { eol: runbook.eol, bom: runbook.bom } };
  let step: NotebookCell | undefined;
  runbook.parts.forEach((part, n) => {
    if (n === 0 && part.kind === 'prose' && part.raw.trim() === '') {
      model.metadata.leading = part.raw;
      return;
    }
    if (part.kind === 'output') {
      step?.outputs.push(part.output);
      step?.metadata.outputBlocks?.push({ raw: part.raw, digest: digest(part.output) });
      return;
    }
    const [raw, separator] = splitTrailingBlank(part.raw);
    const metadata: CellMetadata = { role: part.kind, raw, separator, index: model.cells.length };
    const kind = MARKUP_ROLES.has(part.kind) ? 'markup' : 'code';
    const languageId = kind === 'markup' ? 'markdown' : LANGUAGE[part.kind];
    const cell: NotebookCell = { kind, languageId, value: valueOf(part.kind, kind, raw), metadata, outputs: [] };
    if (part.kind === 'step' || part.kind === 'check') metadata.info = infoOf(raw);
    if (part.kind === 'step') {
      const s = part.step;
      Object.assign(metadata, {
        stepKey: s.key,
        id: s.id,
        title: s.title,
        attributes: s.attributes.map((a) => ({ name: a.name, value: a.value })),
        outputBlocks: [],
      });
      step = cell;
    } else if (part.kind === 'check') metadata.stepKey = part.stepKey;
    else step = undefined;
    model.cells.push(cell);
  });
  return model;
}

/** Writes the notebook back as runbook text. `original` (the file as read) supplies the line ending when the model has none. */
export function fromNotebook(model: NotebookModel, original?: string): string {
  const eol = model.metadata?.eol ?? (original !== undefined ? dominantEol(original) : '\n');
  const writer = new Writer(eol);
  const cells = model.cells;
  let previous: number | undefined;
  if (model.metadata?.leading && (cells.length === 0 || cells[0]?.metadata?.index === 0)) {
    writer.push(model.metadata.leading);
    previous = -1;
  }
  let pending: NotebookCell | undefined;
  cells.forEach((cell, n) => {
    const index = cell.metadata?.index;
    const adjacent = previous !== undefined && index === previous + 1;
    // A step's outputs go after its check block when that still follows it, else right after the step.
    if (pending && !(cell.metadata?.role === 'check' && adjacent)) {
      writeOutputs(writer, pending);
      pending = undefined;
    }
    writer.cell(cellText(cell, eol), cell.metadata?.raw !== undefined ? (cell.metadata.separator ?? '') : '', adjacent);
    if (cell.kind === 'code' && (cell.metadata?.role === 'step' || cell.outputs?.length)) pending = cell;
    previous = index ?? Number.NaN;
    if (n === cells.length - 1 && pending) writeOutputs(writer, pending);
  });
  return (model.metadata?.bom ? '\uFEFF' : '') + writer.text();
}

class Writer {
  private chunks: string[] = [];
  private last = '';

  constructor(readonly eol: string) {}

  push(chunk: string): void {
    if (chunk === '') return;
    this.chunks.push(chunk);
    this.last = (this.last + chunk).slice(-8);
  }

  /** Starts a new line (and, between cells that were not neighbours, a blank line). */
  cell(body: string, separator: string, adjacent: boolean): void {
    if (this.chunks.length > 0) {
      if (!endsWithLineBreak(this.last)) this.push(this.eol);
      if (!adjacent && !/(\r\n|\r|\n)[ \t]*(\r\n|\r|\n)$/.test(this.last)) this.push(this.eol);
    }
    this.push(body);
    this.push(separator);
  }

  text(): string {
    return this.chunks.join('');
  }
}

function writeOutputs(writer: Writer, cell: NotebookCell): void {
  const blocks = cell.metadata?.outputBlocks ?? [];
  (cell.outputs ?? []).forEach((output, k) => {
    const block = blocks[k];
    if (block && block.digest === digest(output)) writer.cell(block.raw, '', true);
    else writer.cell(renderSavedOutput(output, writer.eol), writer.eol, false);
  });
}

function cellText(cell: NotebookCell, eol: string): string {
  const meta = cell.metadata ?? { role: cell.kind === 'markup' ? 'prose' : 'step' };
  const raw = meta.raw;
  const role = meta.role;
  // A check cell reads either way: as Markdown (its whole fence, as opened) or as code (its YAML).
  const sameKind =
    raw !== undefined && (cell.kind === 'markup' ? MARKUP_ROLES.has(role) : role !== 'prose' && role !== 'orphan' && cell.languageId === LANGUAGE[role]);
  if (raw !== undefined && sameKind) {
    const infoChanged = cell.kind === 'code' && meta.info !== undefined && meta.info !== infoOf(raw);
    if (!infoChanged && normalizeEol(cell.value) === valueOf(role, cell.kind, raw)) return raw;
    const finalBreak = endsWithLineBreak(raw) ? eol : '';
    if (cell.kind === 'markup') return withEol(cell.value, eol) + finalBreak;
    const withInfo = infoChanged ? replaceInfo(raw, meta.info ?? '') : raw;
    return role === 'front-matter' ? frontMatterText(cell.value, eol, finalBreak) : replaceFenceContent(withInfo, cell.value, eol);
  }
  if (cell.kind === 'markup') return withEol(cell.value, eol) + eol;
  if (role === 'front-matter' && cell.languageId === 'yaml') return frontMatterText(cell.value, eol, eol);
  const language = cell.languageId === STEP_LANGUAGE ? 'sh' : cell.languageId === CHECK_LANGUAGE ? 'check' : cell.languageId;
  return writeFence(meta.info ?? language, cell.value, eol);
}

function frontMatterText(value: string, eol: string, finalBreak: string): string {
  const yaml = withEol(value, eol);
  return `---${eol}${yaml}${yaml === '' ? '' : eol}---${finalBreak}`;
}

/** What a cell shows for its raw bytes: a Markdown cell its text, a code cell its fence or front matter content; \n line breaks. */
function valueOf(role: CellRole, kind: 'markup' | 'code', raw: string): string {
  if (kind === 'markup' || role === 'prose' || role === 'orphan') return normalizeEol(raw).replace(/\n$/, '');
  const lines = new LineIndex(raw);
  return normalizeEol(fenceContent(lines, 0, lines.lineCount).text);
}

function infoOf(raw: string): string {
  const firstLine = /^[^\r\n]*/.exec(raw)?.[0] ?? '';
  return readFenceLine(firstLine)?.info ?? '';
}

function replaceInfo(raw: string, info: string): string {
  const firstLine = /^[^\r\n]*/.exec(raw)?.[0] ?? '';
  const fence = readFenceLine(firstLine);
  return fence ? ' '.repeat(fence.indent) + fence.marker + info + raw.slice(firstLine.length) : raw;
}

/** A digest of an output's content (without its position), to tell an unchanged output from an edited one. */
function digest(output: SavedOutput): string {
  const { range: _range, ...rest } = output;
  return createHash('sha1').update(canonicalJson(rest)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A notebook output item's JSON as a saved output, or undefined when it is not one (only runs that
 * carry a run id and their text are written into the record; anything else with the same MIME type,
 * e.g. a live view, stays out of the file).
 */
export function savedOutputFromJson(data: Uint8Array): SavedOutput | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  const candidate = value as Partial<SavedOutput> | null;
  if (!candidate || typeof candidate !== 'object') return undefined;
  if (typeof candidate.runId !== 'string' || typeof candidate.text !== 'string' || typeof candidate.step !== 'string' || typeof candidate.host !== 'string')
    return undefined;
  // A hand-edited or old record's termination never passes for a finished run unless it says so.
  return { ...(candidate as SavedOutput), termination: readTermination((candidate as SavedOutput).termination) };
}
