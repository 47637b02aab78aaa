// Parameters for a run: the runbook's defaults, then --var, then (on a terminal) a question for
// each one still missing. Values are checked against their declared type before any step runs.

import * as readline from 'node:readline/promises';
import type { Runbook } from '../runbook/model';
import { validateVariable, type VariableType } from '../ssh/script';
import { RunbookError } from '../base/failure';
import type { Prompter } from '../base/prompter';
import { splitVar } from './run';

export async function resolveParameters(runbook: Runbook, vars: string[], prompter: Prompter): Promise<Record<string, string> | undefined> {
  const declared = runbook.frontMatter?.parameters ?? [];
  const given = new Map(vars.map(splitVar));
  const recorded = runbook.frontMatter?.incident?.parameters ?? {};
  const values: Record<string, string> = {};
  const missing: string[] = [];

  for (const p of declared) {
    const value = given.get(p.name) ?? recorded[p.name] ?? p.default;
    if (value !== undefined) values[p.name] = String(value);
    else missing.push(p.name);
  }
  for (const [name, value] of given) if (!(name in values)) values[name] = value; // undeclared: plain strings

  for (const name of missing) {
    const p = declared.find((d) => d.name === name);
    const question = `${p?.prompt ?? name}${p?.type ? ` (${p.type})` : ''}:`;
    const answer = p?.secret ? await prompter.askSecret(question) : await askLine(question);
    if (answer === undefined) {
      process.stderr.write(
        `${runbook.fileName}:${(p?.range.start.line ?? 0) + 1}: parameter "${name}" has no value and no default.\n` +
          `Give it on the command line: --var ${name}=VALUE${missing.length > 1 ? ` (also missing: ${missing.filter((m) => m !== name).join(', ')})` : ''}\n`,
      );
      return undefined;
    }
    values[name] = answer;
  }

  for (const p of declared) {
    if (values[p.name] === undefined) continue;
    try {
      validateVariable(p.name, values[p.name], { type: p.type as VariableType | undefined, pattern: p.pattern });
    } catch (error) {
      if (!(error instanceof RunbookError)) throw error;
      process.stderr.write(`${runbook.fileName}:${p.range.start.line + 1}: ${error.message}\n${error.hint ?? ''}\n`);
      return undefined;
    }
  }
  return values;
}

async function askLine(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} `);
    return answer.trim() === '' ? undefined : answer.trim();
  } finally {
    rl.close();
  }
}
