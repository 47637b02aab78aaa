// Puts a step's variables into its command safely: each `{{name}}` becomes one single-quoted POSIX sh
// word after the value passed its declared type. The result travels on stdin, never on the exec line.
import { RunbookError } from '../base/failure';

export type VariableType = 'int' | 'port' | 'ipv4' | 'host' | 'path' | 'pid' | 'identifier' | 'string';

export interface VariableRule {
  type?: VariableType;
  /** A JavaScript regular expression the whole value must match. */
  pattern?: string;
}

/** Quotes a value as one literal word for POSIX sh: `'` becomes `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const checks: Record<VariableType, { test: (v: string) => boolean; rule: string }> = {
  int: { test: (v) => /^-?\d{1,18}$/.test(v), rule: 'a whole number' },
  port: { test: (v) => /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535, rule: 'a port number 1-65535' },
  ipv4: {
    test: (v) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(v) && v.split('.').every((o) => Number(o) <= 255 && String(Number(o)) === o),
    rule: 'an IPv4 address like 10.0.0.1',
  },
  // A leading '-' would make the value an option of the command it is given to.
  host: { test: (v) => /^[A-Za-z0-9_.:[\]%]{1,253}$/.test(v) && !v.startsWith('-'), rule: 'a host name or IP address (letters, digits, . - _ :)' },
  path: { test: (v) => /^[^\0\n\r]{1,4096}$/.test(v) && !v.startsWith('-'), rule: 'a file path on one line, not starting with -' },
  pid: { test: (v) => /^[1-9]\d{0,9}$/.test(v), rule: 'a process id (a positive whole number)' },
  identifier: { test: (v) => /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/.test(v), rule: 'an identifier (letters, digits, _ . -, starting with a letter or _)' },
  string: { test: (v) => !v.includes('\0'), rule: 'text without NUL bytes' },
};

/** Throws RunbookError('config') naming the variable and the rule when `value` does not fit. */
export function validateVariable(name: string, value: string, rule: VariableRule = {}): void {
  const type = rule.type ?? 'string';
  const check = checks[type];
  if (!check) throw new RunbookError('config', `Variable "${name}" declares unknown type "${type}".`, `Use one of: ${Object.keys(checks).join(', ')}.`);
  if (!check.test(value)) {
    throw new RunbookError(
      'config',
      `Variable "${name}" = ${JSON.stringify(clip(value))} is not ${check.rule}; the step was not run.`,
      `Check where "${name}" came from (the earlier step's output) or change its declared type.`,
    );
  }
  if (rule.pattern !== undefined && !new RegExp(`^(?:${rule.pattern})$`).test(value)) {
    throw new RunbookError(
      'config',
      `Variable "${name}" = ${JSON.stringify(clip(value))} does not match its pattern /${rule.pattern}/; the step was not run.`,
      `Check where "${name}" came from or loosen its pattern.`,
    );
  }
}

/**
 * Puts the values into `command` so that no quoting around a `{{name}}` can turn one into code: each
 * value is assigned once, single-quoted, to a shell variable in a prologue, and every `{{name}}`
 * becomes an expansion of that variable fitted to where it stands — `"$RB_V1"` outside quotes,
 * `${RB_V1}` inside double quotes, and `'"$RB_V1"'` inside single quotes (close, expand, reopen).
 * An expansion's result is never parsed again by the shell. A name with no value is an error, so a
 * step never runs with a hole in its command line.
 */
export function buildStepScript(command: string, variables: Record<string, string>, declared: Record<string, VariableRule> = {}): string {
  const assigned = new Map<string, string>();
  const variableOf = (name: string): string => {
    const known = assigned.get(name);
    if (known) return known;
    const value = variables[name];
    if (value === undefined) {
      throw new RunbookError(
        'config',
        `The command uses {{${name}}} but no value for "${name}" is known.`,
        `Run the step that captures "${name}" first, or give it a value.`,
      );
    }
    validateVariable(name, value, declared[name]);
    const variable = `RB_V${assigned.size + 1}`;
    assigned.set(name, variable);
    return variable;
  };
  const body = substituteByQuoting(command, variableOf);
  if (assigned.size === 0) return command;
  const prologue = [...assigned].map(([name, variable]) => `${variable}=${shellQuote(variables[name])}`).join('\n');
  return `${prologue}\n${body}`;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/y;

/** Walks the command keeping track of sh quoting (single, double, backslash) and replaces each `{{name}}` by the expansion that fits there. */
function substituteByQuoting(command: string, variableOf: (name: string) => string): string {
  let out = '';
  let quote: '' | "'" | '"' = '';
  for (let i = 0; i < command.length;) {
    PLACEHOLDER.lastIndex = i;
    const m = PLACEHOLDER.exec(command);
    if (m) {
      const v = variableOf(m[1]);
      out += quote === "'" ? `'"$${v}"'` : quote === '"' ? `\${${v}}` : `"$${v}"`;
      i += m[0].length;
      continue;
    }
    const c = command[i];
    if (c === '#' && quote === '' && (i === 0 || /\s/.test(command[i - 1]))) {
      // A comment: its apostrophes are not quotes.
      const end = command.indexOf('\n', i);
      out += command.slice(i, end < 0 ? command.length : end);
      i = end < 0 ? command.length : end;
      continue;
    }
    if (c === '\\' && quote !== "'") {
      out += command.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === "'" && quote !== '"') quote = quote === "'" ? '' : "'";
    else if (c === '"' && quote !== "'") quote = quote === '"' ? '' : '"';
    out += c;
    i++;
  }
  return out;
}

function clip(value: string): string {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value;
}
