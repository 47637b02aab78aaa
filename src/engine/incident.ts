// Starting an incident: copy a runbook template into the incidents folder as a record, with an
// `incident:` map in its front matter (the rest of the file byte-identical), and open its journal.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Document, isMap, parseDocument } from 'yaml';
import type { IncidentMeta } from '../runbook/model';
import { Journal } from './journal';

export interface StartIncidentOptions {
  /** Where records go; relative paths are taken from `workspaceRoot`. Default `incidents`. */
  folder?: string;
  /** Default: the template's parent's parent (templates live in `<root>/runbooks/`). */
  workspaceRoot?: string;
  /** Default: the template's `title`, else its file name. */
  title?: string;
  /** Default: the logged-in user's name. */
  responder?: string;
  target?: string[];
  parameters?: Record<string, string>;
  now?: Date;
}

/** The front matter block at the start of a runbook: where its YAML text starts and ends. */
interface FrontMatterBlock {
  /** Offsets of the YAML text between the `---` lines. */
  yamlStart: number;
  yamlEnd: number;
  yamlText: string;
}

/** The front matter is the `---` line at the very start (after a BOM) up to the next `---` or `...` line. */
function findFrontMatter(text: string): FrontMatterBlock | undefined {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  const first = /^---[ \t]*\r?\n/.exec(text.slice(bom));
  if (!first) return undefined;
  const yamlStart = bom + first[0].length;
  const close = /^(?:---|\.\.\.)[ \t]*$/m;
  const rest = text.slice(yamlStart);
  const m = close.exec(rest);
  if (!m) return undefined;
  // The YAML text keeps the line break of its last line; the closing line starts right after it.
  const yamlEnd = yamlStart + m.index;
  return { yamlStart, yamlEnd, yamlText: text.slice(yamlStart, yamlEnd) };
}

/** True when the text is an incident record: its front matter has an `incident:` map with an id. */
export function isIncidentRecord(text: string): boolean {
  const block = findFrontMatter(text);
  if (!block) return false;
  const doc = parseDocument(block.yamlText);
  if (doc.errors.length > 0) return false;
  const incident = doc.get('incident');
  return isMap(incident) && typeof incident.get('id') === 'string';
}

/** `Connection timeouts on web-1!` -> `connection-timeouts-on-web-1`. Non-Latin titles fall back to the caller's default. */
export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
}

/** Names of parameters the template marks `secret: true` (parameters as a map or as a list of maps). */
function secretParameterNames(data: unknown): Set<string> {
  const names = new Set<string>();
  // The format's key is `params` (docs/FORMAT.md); `parameters` is accepted too, so a secret is never missed.
  const holder = data as { params?: unknown; parameters?: unknown } | null;
  const params = holder?.params ?? holder?.parameters;
  const consider = (name: unknown, spec: unknown) => {
    if (typeof name === 'string' && (spec as { secret?: unknown } | null)?.secret === true) names.add(name);
  };
  if (Array.isArray(params)) for (const p of params) consider((p as { name?: unknown } | null)?.name, p);
  else if (params && typeof params === 'object') for (const [name, spec] of Object.entries(params)) consider(name, spec);
  return names;
}

function templateError(templatePath: string, text: string, offset: number, what: string): Error {
  const line = text.slice(0, offset).split('\n').length;
  return new Error(`${templatePath}:${line}: ${what}`);
}

/** The template text with the `incident:` map added to its front matter; everything else byte-identical. */
export function addIncidentToFrontMatter(templatePath: string, text: string, incident: IncidentMeta): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const meta = new Document({ incident }).toString({ lineWidth: 0 }).replace(/\n/g, eol);
  const block = findFrontMatter(text);
  if (!block) {
    const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
    return `${bom}---${eol}${meta}---${eol}${eol}${text.slice(bom.length)}`;
  }
  const doc = parseDocument(block.yamlText);
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    throw templateError(
      templatePath,
      text,
      block.yamlStart + err.pos[0],
      `the front matter is not valid YAML (${err.message.split('\n')[0]}); fix it before starting an incident.`,
    );
  }
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw templateError(templatePath, text, block.yamlStart, 'the front matter must be a YAML map (key: value lines).');
  }
  if (doc.has('incident')) {
    throw templateError(templatePath, text, block.yamlStart, 'this file already is an incident record (it has `incident:`); start from its template instead.');
  }
  if (isMap(doc.contents) && doc.contents.flow) {
    // A `{...}` front matter cannot take an appended key: rewrite it (only the front matter changes).
    doc.set('incident', doc.createNode(incident));
    return text.slice(0, block.yamlStart) + doc.toString({ lineWidth: 0 }).replace(/\n/g, eol) + text.slice(block.yamlEnd);
  }
  // Append the new key after the existing YAML, so the template's own front matter stays as written.
  return text.slice(0, block.yamlStart) + block.yamlText + meta + text.slice(block.yamlEnd);
}

/** Creates the record file with `wx` so two responders never write over each other: `-2`, `-3`... */
function createUnique(folder: string, base: string, content: string): string {
  for (let n = 1; n < 1000; n++) {
    const file = path.join(folder, `${base}${n === 1 ? '' : `-${n}`}.runbook.md`);
    try {
      fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
      return file;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  throw new Error(`${folder}: 999 records named ${base} already exist; choose another title.`);
}

export function startIncident(templatePath: string, options: StartIncidentOptions = {}): { recordPath: string; incident: IncidentMeta } {
  const text = fs.readFileSync(templatePath, 'utf8');
  const now = options.now ?? new Date();
  const root = options.workspaceRoot ?? path.dirname(path.dirname(path.resolve(templatePath)));
  const folder = path.resolve(root, options.folder ?? 'incidents');
  const block = findFrontMatter(text);
  const parsed = block ? parseDocument(block.yamlText) : undefined;
  const data: unknown = parsed && parsed.errors.length === 0 ? parsed.toJS() : undefined;
  const templateTitle = (data as { title?: unknown } | undefined)?.title;
  const templateName = path.basename(templatePath).replace(/(\.runbook)?\.md$/i, '');
  const title = options.title?.trim() || (typeof templateTitle === 'string' && templateTitle.trim()) || templateName;

  // Secret parameter values never reach the record or the journal.
  const secrets = secretParameterNames(data);
  const parameters = Object.fromEntries(
    Object.entries(options.parameters ?? {}).map(([name, value]) => [name, secrets.has(name) ? '[REDACTED:secret]' : value]),
  );
  const date = now.toISOString().slice(0, 10);
  const base = `${date}-${slugify(title) || slugify(templateName) || 'incident'}`;
  fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  // Reserve the file name first (the id is the file's name), then write the content.
  const recordPath = createUnique(folder, base, '');
  const incident: IncidentMeta = {
    id: path.basename(recordPath).replace(/\.runbook\.md$/, ''),
    title,
    startedAt: now.toISOString(),
    responder: options.responder ?? os.userInfo().username,
    template: path.relative(folder, path.resolve(templatePath)).split(path.sep).join('/'),
    target: options.target ?? [],
    parameters,
  };
  try {
    fs.writeFileSync(recordPath, addIncidentToFrontMatter(templatePath, text, incident));
  } catch (err) {
    fs.rmSync(recordPath, { force: true });
    throw err;
  }
  const journal = Journal.open(recordPath);
  try {
    journal.append({
      type: 'incident-start',
      id: incident.id,
      title: incident.title,
      template: incident.template,
      responder: incident.responder,
      target: incident.target ?? [],
      parameters,
      time: incident.startedAt,
    });
  } finally {
    journal.close();
  }
  return { recordPath, incident };
}
