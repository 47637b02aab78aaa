// Front matter: the YAML between `---` lines at the top of a runbook (title, hosts, params, incident).
// Parsed with `yaml` keeping node offsets, so each problem points at its own line.

import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { Diagnostic, FrontMatter, IncidentMeta, Parameter } from './model';
import type { LineIndex } from './lines';
import { diagnostic } from './diagnostics';

const OPEN = /^---[ \t]*$/;
const CLOSE = /^(---|\.\.\.)[ \t]*$/;
const KNOWN_KEYS = ['title', 'description', 'tags', 'hosts', 'group', 'params', 'incident', 'allow-local'];
const PARAM_KEYS = ['default', 'prompt', 'type', 'pattern', 'secret'];
const PARAM_TYPES = ['string', 'int', 'port', 'ipv4', 'host', 'path', 'pid', 'identifier'];
const INCIDENT_KEYS = ['id', 'title', 'startedAt', 'responder', 'template', 'target', 'parameters'];

/** Line after the closing `---`, or undefined when the file has no front matter. */
export function frontMatterEnd(lines: LineIndex, diagnostics: Diagnostic[]): number | undefined {
  if (lines.lineCount < 2 || !OPEN.test(lines.content(0))) return undefined;
  for (let n = 1; n < lines.lineCount; n++) {
    if (CLOSE.test(lines.content(n))) return n + 1;
  }
  // A lone `---` on line 1 may be a thematic break; say what we saw without guessing more.
  diagnostics.push(
    diagnostic(
      lines.lineRange(0, 1),
      'warning',
      'front-matter-unclosed',
      'this "---" starts front matter but no closing "---" line follows; add one after the YAML, or put a blank line above a thematic break',
    ),
  );
  return undefined;
}

/** Reads lines [0, end) as front matter (end is the line after the closing `---`). */
export function readFrontMatter(lines: LineIndex, end: number, diagnostics: Diagnostic[]): FrontMatter {
  const yamlStart = lines.startOf(1);
  const yamlEnd = lines.startOf(end - 1);
  const yamlText = lines.text.slice(yamlStart, yamlEnd);
  const at = (start: number, stop: number) => lines.range(yamlStart + start, yamlStart + Math.max(start, stop));
  const report = (node: Node | Pair | undefined | null, severity: 'error' | 'warning', code: string, message: string) => {
    const r = rangeOf(node);
    diagnostics.push(diagnostic(r ? at(r[0], r[1]) : lines.lineRange(0, 1), severity, code, message));
  };
  const frontMatter: FrontMatter = { yamlText, data: undefined, tags: [], hosts: [], parameters: [], range: lines.lineRange(0, end) };
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  for (const error of doc.errors) {
    diagnostics.push(
      diagnostic(
        at(error.pos[0], error.pos[1]),
        'error',
        'front-matter-yaml',
        `front matter is not valid YAML: ${error.message.split('\n')[0]}. Fix the YAML between the --- lines`,
      ),
    );
  }
  if (doc.errors.length > 0) return frontMatter;
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    frontMatter.data = {};
    return frontMatter;
  }
  if (!isMap(root)) {
    report(root, 'error', 'front-matter-yaml', 'front matter must be a map of keys (title: ..., hosts: ...)');
    return frontMatter;
  }
  const data = toData(doc);
  if (typeof data === 'string') {
    const alias = firstAlias(doc);
    diagnostics.push(
      diagnostic(
        alias ? at(alias[0], alias[1]) : lines.lineRange(0, 1),
        'error',
        'front-matter-yaml',
        `front matter is not valid YAML: ${data}. ${alias ? 'Write the values out instead of repeating aliases (*name)' : 'Fix the YAML between the --- lines'}`,
      ),
    );
    return frontMatter;
  }
  frontMatter.data = data;
  for (const pair of root.items) {
    const key = keyOf(pair);
    const value = pair.value as Node | null;
    switch (key) {
      case 'title':
      case 'description':
      case 'group': {
        if (isScalar(value) && typeof value.value === 'string') frontMatter[key] = value.value;
        else report(value ?? pair, 'error', 'front-matter-type', `"${key}" must be a string`);
        break;
      }
      case 'tags':
      case 'hosts': {
        const list = stringList(value);
        if (list) frontMatter[key] = list;
        else report(value ?? pair, 'error', 'front-matter-type', `"${key}" must be a list of names or a comma-separated string`);
        break;
      }
      case 'params':
        if (isMap(value)) frontMatter.parameters = readParams(value, report, at);
        else report(value ?? pair, 'error', 'front-matter-type', '"params" must be a map: name -> {default, prompt, type, pattern, secret}');
        break;
      case 'allow-local':
        if (!isScalar(value) || typeof value.value !== 'boolean')
          report(value ?? pair, 'error', 'front-matter-type', '"allow-local" must be true or false (true lets steps with hosts=local run on this machine)');
        break;
      case 'incident':
        if (isMap(value)) frontMatter.incident = readIncident(value, report);
        else report(value ?? pair, 'error', 'front-matter-type', '"incident" must be a map (id, title, startedAt, responder, ...)');
        break;
      default:
        report(pair.key as Node, 'warning', 'front-matter-unknown-key', `unknown front matter key "${key}"; known keys: ${KNOWN_KEYS.join(', ')}`);
    }
  }
  return frontMatter;
}

/** The document as plain data, or why it cannot be (an alias bomb: "Excessive alias count"). */
function toData(doc: Document): Record<string, unknown> | string {
  try {
    return doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

function firstAlias(doc: Document): [number, number] | undefined {
  let found: [number, number] | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.range) found = [node.range[0], node.range[1]];
      return visit.BREAK;
    },
  });
  return found;
}

/** Whether the front matter lets steps with `hosts=local` run on the operator's machine (`allow-local: true`). */
export function allowsLocal(frontMatter: FrontMatter | undefined): boolean {
  return frontMatter?.data?.['allow-local'] === true;
}

type Report = (node: Node | Pair | undefined | null, severity: 'error' | 'warning', code: string, message: string) => void;

function readParams(map: YAMLMap, report: Report, at: (s: number, e: number) => Parameter['range']): Parameter[] {
  const parameters: Parameter[] = [];
  for (const pair of map.items) {
    const name = keyOf(pair);
    const r = rangeOf(pair.key as Node) ?? [0, 0];
    const parameter: Parameter = { name, range: at(r[0], r[1]) };
    parameters.push(parameter);
    const value = pair.value as Node | null;
    if (value === null || isScalar(value)) {
      // `port: 8080` is shorthand for a parameter with that default.
      if (isScalar(value) && value.value !== null) parameter.default = String(value.value);
      continue;
    }
    if (!isMap(value)) {
      report(value, 'error', 'front-matter-type', `parameter "${name}" must be a value or a map {default, prompt, type, pattern, secret}`);
      continue;
    }
    for (const item of value.items) {
      const key = keyOf(item);
      const v = item.value as Node | null;
      const scalar = isScalar(v) ? v.value : undefined;
      if (!PARAM_KEYS.includes(key)) {
        report(item.key as Node, 'warning', 'front-matter-unknown-key', `unknown key "${key}" in parameter "${name}"; known keys: ${PARAM_KEYS.join(', ')}`);
      } else if (key === 'secret') {
        if (typeof scalar === 'boolean') parameter.secret = scalar;
        else report(v ?? item, 'error', 'front-matter-type', `"secret" of parameter "${name}" must be true or false`);
      } else if (scalar === undefined || scalar === null || typeof scalar === 'object') {
        report(v ?? item, 'error', 'front-matter-type', `"${key}" of parameter "${name}" must be a single value`);
      } else {
        const text = String(scalar);
        if (key === 'type' && !PARAM_TYPES.includes(text)) {
          report(v, 'error', 'front-matter-type', `unknown type "${text}" for parameter "${name}"; use one of ${PARAM_TYPES.join(', ')}`);
        } else if (key === 'pattern' && !compiles(text)) {
          report(v, 'error', 'front-matter-pattern', `the pattern of parameter "${name}" is not a valid regular expression; fix it`);
        }
        parameter[key as 'default' | 'prompt' | 'type' | 'pattern'] = text;
      }
    }
  }
  return parameters;
}

function readIncident(map: YAMLMap, report: Report): IncidentMeta {
  const incident: IncidentMeta = { id: '', title: '', startedAt: '', responder: '' };
  for (const pair of map.items) {
    const key = keyOf(pair);
    const value = pair.value as Node | null;
    if (!INCIDENT_KEYS.includes(key)) {
      report(pair.key as Node, 'warning', 'front-matter-unknown-key', `unknown key "${key}" in incident; known keys: ${INCIDENT_KEYS.join(', ')}`);
    } else if (key === 'target') {
      const list = stringList(value);
      if (list) incident.target = list;
      else report(value ?? pair, 'error', 'front-matter-type', '"target" must be a list of host names');
    } else if (key === 'parameters') {
      if (isMap(value))
        incident.parameters = Object.fromEntries(value.items.map((p) => [keyOf(p), String((p.value as { value?: unknown } | null)?.value ?? '')]));
      else report(value ?? pair, 'error', 'front-matter-type', '"parameters" must be a map name -> value');
    } else if (isScalar(value) && value.value !== null && typeof value.value !== 'object') {
      incident[key as 'id' | 'title' | 'startedAt' | 'responder' | 'template'] = String(value.value);
    } else {
      report(value ?? pair, 'error', 'front-matter-type', `incident "${key}" must be a single value`);
    }
  }
  return incident;
}

function stringList(value: Node | null): string[] | undefined {
  if (isScalar(value) && typeof value.value === 'string') return value.value.split(/[\s,]+/).filter((s) => s !== '');
  if (isSeq(value) && value.items.every((item) => isScalar(item) && item.value !== null && typeof item.value !== 'object')) {
    return value.items.map((item) => String((item as { value: unknown }).value));
  }
  return undefined;
}

function keyOf(pair: Pair): string {
  const key = pair.key as Node | null;
  return isScalar(key) ? String(key.value) : String(key);
}

function rangeOf(node: Node | Pair | undefined | null): [number, number] | undefined {
  if (!node) return undefined;
  if ('range' in node && node.range) return [node.range[0], node.range[1]];
  if ('key' in node) {
    const k = rangeOf(node.key as Node);
    const v = rangeOf(node.value as Node);
    if (k) return [k[0], v ? v[1] : k[1]];
  }
  return undefined;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
