// Saved outputs: one run of a step written into the runbook (an incident record) as a block that
// reads well on GitHub and is read back exactly. Metadata is JSON in the opening comment; the text is
// the fenced content, with control characters shown as Unicode control pictures (reversibly).

import { readTermination } from '../base/run';
import type { SavedComparison, SavedOutput } from './model';
import type { Finding } from '../checks/spec';
import { endsWithLineBreak } from './lines';

export const OUTPUT_OPEN = '<!-- runbook:output ';
export const OUTPUT_CLOSE = '<!-- /runbook:output -->';
export const OUTPUT_OPEN_PATTERN = /^<!-- runbook:output (\{.*\}) -->$/;

/** How the text is written in the fence: as is, with control pictures, or (rarely) in the metadata. */
type TextEncoding = 'controls' | 'json';

interface OutputMeta extends Omit<SavedOutput, 'text' | 'range'> {
  /** Set when the text is not written as is (see FORMAT.md, "Saved outputs"). */
  textEncoding?: TextEncoding;
  /** The line break added after text that did not end with one; removed again on reading. */
  addedEol?: string;
  /** Only with textEncoding `json`: the exact text (it holds characters a file cannot carry). */
  text?: string;
}

const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;
const CONTROL_ALL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g;
const PICTURE = /[\u2400-\u2421]/;
const PICTURE_ALL = /[\u2400-\u2421]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function toPicture(c: string): string {
  const code = c.charCodeAt(0);
  return String.fromCharCode(code === 0x7f ? 0x2421 : 0x2400 + code);
}

function fromPicture(c: string): string {
  const code = c.charCodeAt(0);
  return String.fromCharCode(code === 0x2421 ? 0x7f : code - 0x2400);
}

function encodeText(text: string): { shown: string; encoding?: TextEncoding } {
  const lone = LONE_SURROGATE.test(text);
  if (!lone && !CONTROL.test(text)) return { shown: text };
  // Control pictures are only reversible when the text has none of its own.
  if (!lone && !PICTURE.test(text)) return { shown: text.replace(CONTROL_ALL, toPicture), encoding: 'controls' };
  return { shown: text.replace(CONTROL_ALL, toPicture).replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD'), encoding: 'json' };
}

/** JSON that cannot end the HTML comment early: no `--`, `<` or `>` outside escapes. */
export function commentSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/-(?=-)/g, '\\u002d');
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return longest;
}

/** The block for one saved output, ending with `eol` after the closing marker. */
export function renderSavedOutput(output: SavedOutput, eol: string): string {
  const { text, range: _range, ...fields } = output;
  const { shown, encoding } = encodeText(text);
  const meta: OutputMeta = { ...fields };
  if (encoding) meta.textEncoding = encoding;
  if (encoding === 'json') meta.text = text;
  let content = shown;
  if (content !== '' && !endsWithLineBreak(content)) {
    content += eol;
    meta.addedEol = eol;
  }
  const fence = '`'.repeat(Math.max(4, longestBacktickRun(shown) + 1));
  const lines = [`${OUTPUT_OPEN}${commentSafeJson(meta)} -->`, `<details><summary>${escapeHtml(summaryOf(output))}</summary>`, ''];
  const block = lines.join(eol) + eol + fence + 'text' + eol + content + fence + eol + eol;
  const after = [...detailLines(output), '</details>', '', OUTPUT_CLOSE];
  return block + after.join(eol) + eol;
}

function summaryOf(output: SavedOutput): string {
  const when = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)/.exec(output.startedAt);
  const started = when ? `${when[1]} ${when[2]} UTC` : output.startedAt;
  const seconds = `${(output.durationMs / 1000).toFixed(1)} s`;
  const end =
    output.termination === 'exit' ? `exit ${output.exitCode}` : output.termination === 'signal' ? `signal ${output.signal ?? ''}`.trim() : output.termination;
  return `${output.step} on ${output.host} — ${started} — ${seconds} — ${end}`;
}

// Values and findings for people; the metadata is what is read back, so these lines only need to be safe.
function detailLines(output: SavedOutput): string[] {
  const lines: string[] = [];
  if (output.truncated) lines.push(`_Output trimmed${output.fullOutputRef ? `; full output: ${cell(output.fullOutputRef)}` : ''}._`, '');
  const names = Object.keys(output.values);
  if (names.length > 0) {
    lines.push('| value | |', '|---|---|');
    for (const name of names) lines.push(`| ${cell(name)} | ${cell(display(output.values[name]))} |`);
    lines.push('');
  }
  const compared = output.comparison;
  if (compared) lines.push(`Compared ${cell(sideText(compared.client))} with ${cell(sideText(compared.server))} (${cell(compared.name)}).`, '');
  for (const finding of output.findings) lines.push(`- ${findingLine(finding)}`);
  if (output.findings.length > 0) lines.push('');
  if (output.next) lines.push(`Next: ${cell(output.next)}${output.why ? ` (${cell(output.why)})` : ''}`, '');
  return lines;
}

function sideText(side: { role: string; hosts: string[] }): string {
  return `${side.role} (${side.hosts.join(', ')})`;
}

function findingLine(finding: Finding): string {
  const hint = finding.hint ? ` — ${cell(finding.hint)}` : '';
  return `**${finding.severity}**: ${cell(finding.message)}${hint}`;
}

function display(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function escapeHtml(text: string): string {
  return text
    .replace(/[\x00-\x1F\x7F]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function cell(text: string): string {
  return escapeHtml(text).replace(/\|/g, '\\|');
}

/**
 * Reads a saved output from its opening comment's JSON and the raw fenced content (exact bytes
 * between the fence lines). Returns a message instead when the metadata is not a saved output.
 */
export function readSavedOutput(metaJson: string, fenced: string): SavedOutput | string {
  let meta: OutputMeta;
  try {
    meta = JSON.parse(metaJson) as OutputMeta;
  } catch (err) {
    return `its metadata is not valid JSON (${(err as Error).message})`;
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return 'its metadata is not a JSON object';
  for (const key of ['step', 'host'] as const) {
    if (typeof meta[key] !== 'string') return `its metadata has no "${key}" string`;
  }
  let text = fenced;
  if (meta.addedEol !== undefined) {
    if (!text.endsWith(meta.addedEol)) return 'its text does not end with the recorded line break (was it edited?)';
    text = text.slice(0, text.length - meta.addedEol.length);
  }
  if (meta.textEncoding === 'controls') text = text.replace(PICTURE_ALL, fromPicture);
  else if (meta.textEncoding === 'json') {
    if (typeof meta.text !== 'string') return 'its metadata says the text is in the metadata, but there is none';
    text = meta.text;
  }
  const { textEncoding: _e, addedEol: _a, text: _t, ...fields } = meta;
  // Hand-edited metadata may lack fields; fill what a reader needs so it still opens.
  const defaults: Omit<SavedOutput, 'step' | 'host' | 'text'> = {
    startedAt: '',
    durationMs: 0,
    exitCode: null,
    termination: 'exit',
    truncated: false,
    values: {},
    findings: [],
    runId: '',
  };
  const output = { ...defaults, ...fields, text } as SavedOutput;
  // Anything but a known ending reads as `error`: a hand-edited record never passes for a finished run.
  if (fields.termination !== undefined) output.termination = readTermination(fields.termination);
  // A comparison that does not read as one is left out: the output opens as an end without its comparison.
  if (output.comparison !== undefined && !isSavedComparison(output.comparison)) delete output.comparison;
  return output;
}

function isSavedComparison(value: unknown): value is SavedComparison {
  const c = value as SavedComparison | null;
  const side = (s: unknown) => {
    const x = s as { role?: unknown; hosts?: unknown } | null;
    return !!x && typeof x.role === 'string' && Array.isArray(x.hosts) && x.hosts.every((h) => typeof h === 'string');
  };
  return (
    !!c &&
    typeof c === 'object' &&
    typeof c.name === 'string' &&
    side(c.client) &&
    side(c.server) &&
    !!c.values &&
    typeof c.values === 'object' &&
    !Array.isArray(c.values) &&
    Array.isArray(c.findings) &&
    c.findings.every((f) => !!f && typeof f.message === 'string' && typeof f.severity === 'string') &&
    Array.isArray(c.warnings) &&
    c.warnings.every((w) => typeof w === 'string') &&
    typeof c.why === 'string' &&
    typeof c.compared === 'boolean'
  );
}
