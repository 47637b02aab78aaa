// Reads ssh_config files the way OpenSSH tokenizes them (readconf.c, argv_split) and splices in
// `Include`d files, so evaluation and `runbook hosts` see one stream of lines with file:line.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { RunbookError } from '../base/failure';
import { matchPattern } from './patterns';

export interface ConfigLine {
  kind: 'line';
  /** Lowercased, as OpenSSH compares keywords case-insensitively. */
  keyword: string;
  args: string[];
  file: string;
  line: number;
}

/** Included files are bracketed so the evaluator can restore the includer's Host/Match state. */
export type ConfigEntry = ConfigLine | { kind: 'enter'; file: string } | { kind: 'leave' };

export interface ReadOptions {
  /** Directory relative `Include` paths start from: `~/.ssh` for user files, `/etc/ssh` for the system file. */
  includeBase: string;
  homeDir: string;
}

/** OpenSSH's limit on nested includes (READCONF_MAX_DEPTH). */
const MAX_DEPTH = 16;

/** Reads one config file and everything it includes; a missing top-level file yields no lines. */
export function readConfigFile(file: string, options: ReadOptions): ConfigEntry[] {
  const out: ConfigEntry[] = [];
  readInto(file, options, out, 0, true);
  return out;
}

function readInto(file: string, options: ReadOptions, out: ConfigEntry[], depth: number, top: boolean): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    if ((err as NodeJS.ErrnoException).code === 'EISDIR' && !top) return;
    throw new RunbookError('config', `Cannot read ssh config ${file}: ${(err as Error).message}`, 'Check the file exists and is readable.', { cause: err });
  }
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const parsed = tokenizeLine(lines[i], file, i + 1);
    if (!parsed) continue;
    if (parsed.keyword !== 'include') {
      out.push(parsed);
      continue;
    }
    if (depth >= MAX_DEPTH) {
      throw new RunbookError('config', `${file}:${i + 1}: Include nested too deeply (more than ${MAX_DEPTH} levels)`, 'Look for an Include loop.');
    }
    for (const arg of parsed.args) {
      for (const included of expandIncludeGlob(arg, options)) {
        out.push({ kind: 'enter', file: included });
        readInto(included, options, out, depth + 1, false);
        out.push({ kind: 'leave' });
      }
    }
  }
}

/** Splits a line into keyword and arguments; `Key value`, `Key=value`, `Key = value`, quotes, `#` comments. */
export function tokenizeLine(text: string, file: string, line: number): ConfigLine | undefined {
  const trimmed = text.replace(/^[ \t\f\r]+/, '');
  if (trimmed === '' || trimmed.startsWith('#')) return undefined;
  const keywordMatch = /^[^ \t=]+/.exec(trimmed);
  if (!keywordMatch) return undefined;
  const keyword = keywordMatch[0].toLowerCase();
  let rest = trimmed.slice(keywordMatch[0].length).replace(/^[ \t]*/, '');
  if (rest.startsWith('=')) rest = rest.slice(1).replace(/^[ \t]*/, '');
  const args = splitArgs(rest);
  if (args === undefined) {
    throw new RunbookError('config', `${file}:${line}: unbalanced quotes in "${text.trim()}"`, 'Close the quote or remove it.');
  }
  return { kind: 'line', keyword, args, file, line };
}

/** argv_split() with comment termination: whitespace-separated, '"' and "'" quotes, backslash escapes. */
function splitArgs(s: string): string[] | undefined {
  const args: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === ' ' || s[i] === '\t' || s[i] === '\r' || s[i] === '\f') {
      i++;
      continue;
    }
    if (s[i] === '#') break;
    let arg = '';
    let quote = '';
    for (; i < s.length; i++) {
      const c = s[i];
      const next = s[i + 1];
      if (c === '\\' && (next === "'" || next === '"' || next === '\\' || (quote === '' && next === ' '))) {
        arg += next;
        i++;
      } else if (quote === '' && (c === ' ' || c === '\t')) {
        break;
      } else if (quote === '' && (c === '"' || c === "'")) {
        quote = c;
      } else if (quote !== '' && c === quote) {
        quote = '';
      } else {
        arg += c;
      }
    }
    if (quote !== '') return undefined;
    args.push(arg);
  }
  return args;
}

/** glob(3) over an Include argument: `~` expanded, relative to `includeBase`, results in lexical order. */
export function expandIncludeGlob(arg: string, options: ReadOptions): string[] {
  let pattern = arg;
  if (pattern === '~' || pattern.startsWith('~/')) pattern = options.homeDir + pattern.slice(1);
  if (!path.isAbsolute(pattern)) pattern = path.join(options.includeBase, pattern);
  const segments = pattern.split('/').filter((s) => s !== '');
  let found = ['/'];
  for (const segment of segments) {
    const next: string[] = [];
    for (const dir of found) {
      if (!/[*?[]/.test(segment)) {
        next.push(path.join(dir, segment));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (matchPattern(name, segment)) next.push(path.join(dir, name));
      }
    }
    found = next;
  }
  return found.filter((p) => exists(p)).sort();
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}
