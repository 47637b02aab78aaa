// Parses a runbook file into parts that cover every byte (so printing gives the file back):
// front matter, prose (split at headings), steps, their check blocks and saved outputs.
// Never throws: problems become diagnostics with a line and what to do.

import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type { CheckBlock, Diagnostic, Part, Runbook, SavedOutput, Step } from './model';
import { LineIndex, dominantEol } from './lines';
import { diagnostic } from './diagnostics';
import { frontMatterEnd, readFrontMatter } from './frontMatter';
import { isClosingFence, languageOf, readFenceLine } from './fence';
import { SHELL_LANGUAGES, fenceContent, readStep } from './step';
import { OUTPUT_CLOSE, OUTPUT_OPEN_PATTERN, readSavedOutput } from './savedOutput';
import { readCheckSpec } from '../checks/readSpec';

/** A top-level block of the Markdown: lines [start, end). */
interface Block {
  start: number;
  end: number;
  type: string;
  /** Fences only: the info string's language and whether a closing fence was found. */
  language?: string;
  closed?: boolean;
}

type Draft =
  | { kind: 'front-matter' | 'prose'; start: number }
  | { kind: 'step'; start: number; step: Step }
  | { kind: 'check'; start: number; step: Step; check: CheckBlock }
  | { kind: 'output'; start: number; step: Step; output: SavedOutput }
  | { kind: 'orphan'; start: number };

let markdown: MarkdownIt | undefined;

// Block structure only: inline parsing is skipped, which keeps a 5 MB file fast.
function blockParser(): MarkdownIt {
  if (!markdown) {
    markdown = new MarkdownIt('default', { html: true });
    markdown.core.ruler.disable(['inline', 'linkify', 'replacements', 'smartquotes', 'text_join']);
  }
  return markdown;
}

export function parseRunbook(text: string, fileName = 'runbook.md'): Runbook {
  const bom = text.startsWith('\uFEFF');
  const body = bom ? text.slice(1) : text;
  const lines = new LineIndex(body);
  const diagnostics: Diagnostic[] = [];
  const runbook: Runbook = { fileName, bom, eol: dominantEol(body), parts: [], steps: [], diagnostics };
  if (body === '') return runbook;

  const drafts: Draft[] = [];
  const fmEnd = frontMatterEnd(lines, diagnostics);
  let first = 0;
  if (fmEnd !== undefined) {
    runbook.frontMatter = readFrontMatter(lines, fmEnd, diagnostics);
    drafts.push({ kind: 'front-matter', start: 0 });
    first = fmEnd;
  }
  const blocks = topLevelBlocks(lines, first);
  const outputTexts: [number, number][] = [];
  // Blank lines before the first block belong to the front matter, or form a prose part of their own.
  if (blocks.length > 0 && blocks[0].start > first && fmEnd === undefined) drafts.push({ kind: 'prose', start: first });
  if (blocks.length === 0 && first < lines.lineCount && fmEnd === undefined) drafts.push({ kind: 'prose', start: first });

  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    const previous = drafts[drafts.length - 1];
    if (block.type === 'fence' && !block.closed) {
      diagnostics.push(diagnostic(lines.lineRange(block.start, block.start + 1), 'error', 'unclosed-fence', unclosedFenceMessage(lines.content(block.start))));
    } else if (block.type === 'fence' && SHELL_LANGUAGES.includes(block.language ?? '')) {
      const step = readStep(lines, block.start, block.end, diagnostics);
      runbook.steps.push(step);
      drafts.push({ kind: 'step', start: block.start, step });
      continue;
    } else if (block.type === 'fence' && block.language === 'check') {
      if (previous?.kind === 'step' && !previous.step.check) {
        const check = readCheck(lines, block, diagnostics);
        previous.step.check = check;
        drafts.push({ kind: 'check', start: block.start, step: previous.step, check });
      } else {
        diagnostics.push(
          diagnostic(
            lines.lineRange(block.start, block.start + 1),
            'warning',
            'orphan-check',
            'this check block does not follow a step; put it right after the ```sh block it checks (only blank lines between)',
          ),
        );
        drafts.push({ kind: 'orphan', start: block.start });
      }
      continue;
    } else if (block.type === 'html_block' && OUTPUT_OPEN_PATTERN.test(lines.content(block.start))) {
      const found = readOutput(lines, blocks, i, diagnostics);
      if (found) {
        outputTexts.push(found.textSpan);
        const owner = ownerStep(previous);
        if (owner) {
          owner.outputs.push(found.output);
          drafts.push({ kind: 'output', start: block.start, step: owner, output: found.output });
        } else {
          diagnostics.push(
            diagnostic(
              lines.lineRange(block.start, block.start + 1),
              'warning',
              'orphan-output',
              'this saved output does not follow a step (or its check block); it is kept as written',
            ),
          );
          drafts.push({ kind: 'orphan', start: block.start });
        }
        i = found.lastBlock;
        continue;
      }
    }
    if (previous?.kind !== 'prose' || block.type === 'heading') drafts.push({ kind: 'prose', start: block.start });
  }

  assignStepKeys(runbook, diagnostics);
  runbook.parts = drafts.map((draft, k) => toPart(draft, lines, k + 1 < drafts.length ? drafts[k + 1].start : lines.lineCount, runbook));
  reportBinary(lines, outputTexts, diagnostics);
  return runbook;
}

/** Says which fence, how much of the file it swallows, and the exact line to add. */
function unclosedFenceMessage(line: string): string {
  const fence = readFenceLine(line);
  const marker = fence?.marker ?? '```';
  const opened = fence ? `${marker}${fence.info}`.trim() : 'fenced block';
  return `the fence "${opened}" is never closed, so everything after it to the end of the file is read as its content and no step after it runs: add a line with just ${marker} where its content ends`;
}

function topLevelBlocks(lines: LineIndex, first: number): Block[] {
  const source = lines.text.slice(lines.startOf(first));
  const tokens: Token[] = blockParser().parse(source, {});
  const blocks: Block[] = [];
  let cursor = first;
  for (const token of tokens) {
    if (token.level !== 0 || !token.map || token.nesting === -1) continue;
    const start = token.map[0] + first;
    const end = token.map[1] + first;
    if (start < cursor) continue;
    // Lines markdown-it makes no token for (link reference definitions) are prose of their own.
    if (hasText(lines, cursor, start)) blocks.push({ start: cursor, end: start, type: 'paragraph_open' });
    const block: Block = { start, end, type: token.type === 'heading_open' ? 'heading' : token.type };
    if (token.type === 'fence') {
      const fence = readFenceLine(lines.content(start));
      block.language = languageOf(fence?.info ?? '').language;
      block.closed = end - start >= 2 && !!fence && isClosingFence(lines.content(end - 1), fence.marker);
    }
    blocks.push(block);
    cursor = end;
  }
  if (hasText(lines, cursor, lines.lineCount)) blocks.push({ start: cursor, end: lines.lineCount, type: 'paragraph_open' });
  return blocks;
}

function hasText(lines: LineIndex, from: number, to: number): boolean {
  for (let n = from; n < to; n++) if (!lines.isBlank(n)) return true;
  return false;
}

function readCheck(lines: LineIndex, block: Block, diagnostics: Diagnostic[]): CheckBlock {
  const content = fenceContent(lines, block.start, block.end);
  const { spec, problems } = readCheckSpec(content.text);
  for (const p of problems) {
    const severity = p.code === 'check-unknown-key' || p.code === 'check-empty' ? 'warning' : 'error';
    const at = lines.range(content.from + Math.min(p.start, content.text.length), content.from + Math.min(p.end, content.text.length));
    diagnostics.push(diagnostic(at, severity, p.code, p.message));
  }
  return { yamlText: content.text, spec, range: lines.lineRange(block.start, block.end), contentRange: lines.range(content.from, content.to) };
}

/** A saved output: the opening comment, the first fence after it, up to the closing comment. */
function readOutput(
  lines: LineIndex,
  blocks: Block[],
  i: number,
  diagnostics: Diagnostic[],
): { output: SavedOutput; lastBlock: number; textSpan: [number, number] } | undefined {
  const open = blocks[i];
  let fence: Block | undefined;
  let problem = 'no closing "<!-- /runbook:output -->" line follows';
  for (let j = i + 1; j < blocks.length; j++) {
    const block = blocks[j];
    if (block.type === 'html_block' && lines.content(block.start) === OUTPUT_CLOSE && block.end - block.start === 1) {
      if (!fence) {
        problem = 'it has no ```text block with the output';
        break;
      }
      const content = fenceContent(lines, fence.start, fence.end);
      // The fenced text keeps its own line breaks: read the raw bytes up to the closing fence line.
      const raw = lines.text.slice(content.from, lines.startOf(fence.end - 1));
      const json = OUTPUT_OPEN_PATTERN.exec(lines.content(open.start))?.[1] ?? '';
      const output = readSavedOutput(json, raw);
      if (typeof output === 'string') {
        problem = output;
        break;
      }
      output.range = lines.lineRange(open.start, block.end);
      return { output, lastBlock: j, textSpan: [content.from, lines.startOf(fence.end - 1)] };
    }
    if (block.type === 'html_block' && OUTPUT_OPEN_PATTERN.test(lines.content(block.start))) break;
    if (block.type === 'fence') {
      if (fence || block.language !== 'text' || !block.closed) break;
      fence = block;
    }
  }
  diagnostics.push(
    diagnostic(
      lines.lineRange(open.start, open.start + 1),
      'warning',
      'bad-output',
      `this looks like a saved output but ${problem}; it is kept as prose. Run the step again to record a fresh output`,
    ),
  );
  return undefined;
}

// Outputs follow their step, its check block, or the step's earlier outputs (blank lines between).
function ownerStep(previous: Draft | undefined): Step | undefined {
  if (previous?.kind === 'step' || previous?.kind === 'check' || previous?.kind === 'output') return previous.step;
  return undefined;
}

/** Step keys (`id`, else `step-<n>`) and duplicate-id errors; the language server's piecewise parse reuses it. */
export function assignStepKeys(runbook: Runbook, diagnostics: Diagnostic[]): void {
  const firstById = new Map<string, Step>();
  runbook.steps.forEach((step, n) => {
    step.key = step.id ?? `step-${n + 1}`;
    if (!step.id) return;
    const first = firstById.get(step.id);
    if (!first) {
      firstById.set(step.id, step);
      return;
    }
    step.key = `step-${n + 1}`;
    const at = step.attributes.find((a) => a.name === 'id')?.valueRange ?? step.infoRange;
    diagnostics.push(
      diagnostic(
        at,
        'error',
        'duplicate-step-id',
        `step id "${step.id}" is already used by the step on line ${first.range.start.line + 1}; give this step another id`,
      ),
    );
  });
}

function toPart(draft: Draft, lines: LineIndex, end: number, runbook: Runbook): Part {
  const raw = lines.text.slice(lines.startOf(draft.start), lines.startOf(end));
  switch (draft.kind) {
    case 'front-matter':
      return { kind: 'front-matter', raw, frontMatter: runbook.frontMatter! };
    case 'step':
      return { kind: 'step', raw, step: draft.step };
    case 'check':
      return { kind: 'check', raw, stepKey: draft.step.key, check: draft.check };
    case 'output':
      return { kind: 'output', raw, stepKey: draft.step.key, output: draft.output };
    default:
      return { kind: draft.kind, raw, range: lines.lineRange(draft.start, end) };
  }
}

// NUL bytes and U+FFFD (what invalid UTF-8 decodes to) mean the file is not text we can edit safely.
// Saved output text is exempt: it records what a command printed, and control bytes there are escaped.
function reportBinary(lines: LineIndex, exempt: [number, number][], diagnostics: Diagnostic[]): void {
  const text = lines.text;
  const pattern = /[\0\uFFFD]/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const at = m.index;
    const span = exempt.find(([s, e]) => at >= s && at < e);
    if (span) {
      pattern.lastIndex = span[1];
      continue;
    }
    const what = m[0] === '\0' ? 'a NUL byte' : 'a replacement character (bytes that are not UTF-8)';
    diagnostics.push(
      diagnostic(
        lines.range(at, at + 1),
        'error',
        'binary-content',
        `the file contains ${what}: it is binary or not UTF-8. Open it in a text editor and remove or re-encode that data`,
      ),
    );
    return;
  }
}
