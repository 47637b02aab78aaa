// Reads an executable step from a closed shell fence: command, attributes (validated, with their
// ranges), and the fence's ranges. Bad attributes become diagnostics, never exceptions.

import type { Attribute, Diagnostic, Step } from './model';
import type { LineIndex } from './lines';
import { KNOWN_ATTRIBUTES, STEP_ID_PATTERN, parseDuration, readAttributes } from './attributes';
import { diagnostic } from './diagnostics';
import { languageOf, readFenceLine, unindent } from './fence';

export const SHELL_LANGUAGES = ['sh', 'bash', 'shell', 'zsh', 'console'];

/** The text between a closed fence's lines [start, end), without the final line break. */
export function fenceContent(lines: LineIndex, start: number, end: number): { text: string; from: number; to: number } {
  const from = lines.startOf(start + 1);
  const to = end - 2 >= start + 1 ? lines.lines[end - 2].end : from;
  const indent = readFenceLine(lines.content(start))?.indent ?? 0;
  return { text: unindent(lines.text.slice(from, to), indent), from, to };
}

export function readStep(lines: LineIndex, start: number, end: number, diagnostics: Diagnostic[]): Step {
  const lineStart = lines.startOf(start);
  const fence = readFenceLine(lines.content(start));
  const info = fence?.info ?? '';
  const infoOffset = lineStart + (fence?.infoOffset ?? 0);
  const { language, rest, restOffset } = languageOf(info);
  const content = fenceContent(lines, start, end);
  const step: Step = {
    key: '',
    language,
    command: content.text,
    attributes: [],
    confirm: false,
    outputs: [],
    range: lines.lineRange(start, end),
    commandRange: lines.range(content.from, content.to),
    infoRange: lines.range(infoOffset, infoOffset + info.length),
  };
  const base = infoOffset + restOffset;
  const { attributes, problems } = readAttributes(rest);
  const unclean: string[] = problems.map((p) => p.message);
  // JSON keeps the last of a key given twice ({"confirm":true,"confirm":false}) without a word: that is unclear too.
  for (const name of duplicateJsonKeys(rest)) unclean.push(`"${name}" is given twice in the JSON attributes`);
  for (const p of problems) diagnostics.push(diagnostic(lines.range(base + p.start, base + p.end), 'error', 'bad-attribute', p.message));
  const seen = new Set<string>();
  for (const raw of attributes) {
    const attribute: Attribute = {
      name: raw.name,
      value: raw.value,
      range: lines.range(base + raw.start, base + raw.end),
      valueRange: lines.range(base + raw.valueStart, base + raw.valueEnd),
    };
    step.attributes.push(attribute);
    const bad = (message: string) => {
      unclean.push(message);
      diagnostics.push(diagnostic(attribute.valueRange, 'error', 'bad-attribute', message));
    };
    if (seen.has(raw.name)) {
      unclean.push(`attribute "${raw.name}" is given twice`);
      diagnostics.push(diagnostic(attribute.range, 'error', 'bad-attribute', `attribute "${raw.name}" is given twice: keep one`));
      continue;
    }
    seen.add(raw.name);
    applyAttribute(step, raw.name, raw.value, raw.flag, bad, () => {
      unclean.push(`unknown attribute "${raw.name}"`);
      diagnostics.push(
        diagnostic(attribute.range, 'warning', 'unknown-attribute', `unknown attribute "${raw.name}"; known attributes: ${KNOWN_ATTRIBUTES.join(', ')}`),
      );
    });
  }
  // Fail closed: a step whose attributes do not read cleanly may be a host change whose `confirm`
  // was misspelt (`confirm=yes`, `CONFIRM`, given twice): it never runs without a yes.
  if (unclean.length > 0 && !step.confirm) {
    step.confirm = true;
    step.confirmBecause = `its attributes do not read cleanly (${unclean.join('; ')}), so it is treated as a step that changes the host`;
  }
  return step;
}

function applyAttribute(step: Step, name: string, value: string, flag: boolean, bad: (message: string) => void, unknown: () => void): void {
  switch (name) {
    case 'id':
      if (STEP_ID_PATTERN.test(value) && !flag) step.id = value;
      else
        bad(`step id "${flag ? '' : value}" is not valid: use lowercase letters, digits, "-", "_" and ".", starting with a letter or digit, e.g. id=conntrack`);
      break;
    case 'title':
      step.title = value;
      break;
    case 'timeout': {
      const ms = flag ? undefined : parseDuration(value);
      if (ms !== undefined && ms > 0) step.timeoutMs = ms;
      else bad(`timeout "${flag ? '' : value}" is not a duration: write e.g. 10s, 2m, 500ms or 1h`);
      break;
    }
    case 'confirm':
      if (value === 'true' || value === 'false') step.confirm = value === 'true';
      else bad(`confirm must be a bare flag or true/false, not "${value}"`);
      break;
    case 'hosts': {
      const hosts = value.split(',').map((h) => h.trim());
      if (!flag && hosts.every((h) => h !== '')) step.hosts = hosts;
      else bad('hosts must be host names separated by commas, e.g. hosts=web-1,web-2');
      break;
    }
    case 'shell':
      if (!flag && /^[\w./-]+$/.test(value)) step.shell = value;
      else bad(`shell "${flag ? '' : value}" is not a shell name: write e.g. shell=bash`);
      break;
    case 'ok-exit': {
      const codes = value.split(',').map((c) => Number(c.trim()));
      if (!flag && codes.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) step.okExit = codes;
      else bad(`ok-exit must list exit codes that mean the command worked, e.g. ok-exit=0,1 (grep exits 1 when nothing matches)`);
      break;
    }
    case 'samples': {
      const n = Number(value);
      if (!flag && Number.isInteger(n) && n >= 1 && n <= 10) step.samples = n;
      else bad(`samples must be a whole number from 1 to 10, e.g. samples=2 (with interval=5s)`);
      break;
    }
    case 'interval': {
      const ms = flag ? undefined : parseDuration(value);
      if (ms !== undefined && ms > 0 && ms <= 600_000) step.intervalMs = ms;
      else bad(`interval "${flag ? '' : value}" is not a duration up to 10m: write e.g. interval=5s`);
      break;
    }
    case 'sudo':
      if (value === 'true' || value === 'false') step.sudo = value === 'true';
      else bad(`sudo must be a bare flag or true/false, not "${value}"`);
      break;
    case 'canary':
    case 'batch':
    case 'max-hosts':
    case 'max-failures':
      // Read by engine/batches.ts (parsePolicy), which says what is wrong with a value when the step runs.
      if (flag || value.trim() === '') bad(`${name} needs a value, e.g. ${name}=${name === 'max-hosts' ? '50' : '1'}`);
      break;
    case 'roles':
    case 'compare':
      // Read by engine/compare.ts (stepRoles), which checks the names against the target's roles.
      if (flag || value.trim() === '') bad(`${name} needs a value, e.g. ${name === 'roles' ? 'roles=client,server' : 'compare=established-pairs'}`);
      break;
    case 'fetch':
    case 'fetch-max':
      // Read by pipeline/evidenceFiles.ts (fetchPaths, fetchCap) after the step ran.
      if (flag || value.trim() === '') bad(`${name} needs a value, e.g. ${name === 'fetch' ? 'fetch=/tmp/capture.pcap' : 'fetch-max=10MB'}`);
      else if (name === 'fetch-max' && !/^\d+(\.\d+)?\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/i.test(value.trim()))
        bad(`fetch-max "${value}" is not a size: write e.g. fetch-max=10MB`);
      break;
    default:
      unknown();
  }
}

/** Keys written more than once in a JSON attribute list; JSON.parse would silently keep the last. */
function duplicateJsonKeys(text: string): string[] {
  if (!/^\s*\{\s*"/.test(text)) return [];
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"\s*:/g)) {
    if (seen.has(m[1])) twice.add(m[1]);
    seen.add(m[1]);
  }
  return [...twice];
}
