// Edits a runbook the way the notebook and the engine need: each edit changes only the bytes of the
// part it touches (new text uses the file's dominant line ending) and returns a freshly parsed runbook.

import { parseDocument } from 'yaml';
import type { Part, Runbook, SavedOutput } from './model';
import { endsWithLineBreak, splitTrailingBlank, withEol } from './lines';
import { replaceFenceContent } from './fence';
import { parseRunbook } from './parse';
import { renderSavedOutput } from './savedOutput';

function reparse(runbook: Runbook, parts: string[]): Runbook {
  return parseRunbook((runbook.bom ? '\uFEFF' : '') + parts.join(''), runbook.fileName);
}

function stepPartIndex(runbook: Runbook, stepKey: string): number {
  const index = runbook.parts.findIndex((p) => p.kind === 'step' && p.step.key === stepKey);
  if (index < 0) throw new Error(`no step "${stepKey}" in ${runbook.fileName}`);
  return index;
}

/** Replaces one part's bytes. */
export function replacePart(runbook: Runbook, index: number, raw: string): Runbook {
  const parts = runbook.parts.map((p) => p.raw);
  parts[index] = raw;
  return reparse(runbook, parts);
}

/** Replaces the command of a step, keeping its fence lines and the blank lines after it. */
export function replaceStepCommand(runbook: Runbook, stepKey: string, command: string): Runbook {
  const index = stepPartIndex(runbook, stepKey);
  const [body, trailing] = splitTrailingBlank(runbook.parts[index].raw);
  return replacePart(runbook, index, replaceFenceContent(body, command, runbook.eol) + trailing);
}

/** Adds a saved output after the step's check block and earlier outputs. */
export function appendOutput(runbook: Runbook, stepKey: string, output: SavedOutput): Runbook {
  let index = stepPartIndex(runbook, stepKey);
  const owned = (p: Part) => (p.kind === 'check' || p.kind === 'output') && p.stepKey === stepKey;
  while (index + 1 < runbook.parts.length && owned(runbook.parts[index + 1])) index++;
  const parts = runbook.parts.map((p) => p.raw);
  const { eol } = runbook;
  const before = parts[index];
  // Separate the block from what precedes and follows it by a blank line, without touching their bytes.
  let block = endsWithLineBreak(before) ? '' : eol;
  if (!/(\r\n|\r|\n)[ \t]*(\r\n|\r|\n)$/.test(before)) block += eol;
  block += renderSavedOutput(output, eol);
  if (index + 1 < parts.length) block += eol;
  parts.splice(index + 1, 0, block);
  return reparse(runbook, parts);
}

/** Replaces the front matter's YAML (or adds front matter at the top). */
export function setFrontMatter(runbook: Runbook, yamlText: string): Runbook {
  const { eol } = runbook;
  const yaml = withEol(yamlText, eol);
  const block = `---${eol}${yaml}${yaml === '' || endsWithLineBreak(yaml) ? '' : eol}---${eol}`;
  const parts = runbook.parts.map((p) => p.raw);
  if (runbook.parts[0]?.kind === 'front-matter') {
    parts[0] = block + splitTrailingBlank(parts[0])[1];
  } else {
    parts.unshift(block + (parts.length > 0 ? eol : ''));
  }
  return reparse(runbook, parts);
}

/** Sets one top-level front matter key (e.g. `incident`), keeping the rest of the YAML and its comments. */
export function setFrontMatterValue(runbook: Runbook, key: string, value: unknown): Runbook {
  const doc = parseDocument(runbook.frontMatter?.yamlText ?? '');
  if (doc.errors.length > 0)
    throw new Error(
      `${runbook.fileName}: ${runbook.diagnostics.find((d) => d.code === 'front-matter-yaml')?.message ?? 'the front matter is not valid YAML'}; fix it first`,
    );
  doc.set(key, value);
  return setFrontMatter(runbook, doc.toString());
}
