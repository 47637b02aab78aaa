// Runs one step of a bundled runbook on this machine, as root or as another local user, the way the
// contract says the engine will: `samples=N interval=D` runs the command N times and the check sees
// the last sample plus `delta.<path>` (last - first) and `rate.<path>` (per second) of every numeric
// value; `ok-exit=` lists accepted exit codes; `sudo` runs it through `sudo -n`. The real commands
// and the real check evaluator: this is how the rules are tried on the lab's faults and controls
// before the pipeline that does the same over SSH is merged.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { evaluateCheck } from '../../src/checks/evaluate';
import type { CheckOutcome } from '../../src/checks/spec';
import { parseDuration } from '../../src/runbook/attributes';
import type { Runbook, Step } from '../../src/runbook/model';
import { parseRunbook } from '../../src/runbook/parse';
import { buildStepScript } from '../../src/ssh/script';

export function loadRunbook(name: string): Runbook {
  const file = path.resolve('runbooks', `${name}.runbook.md`);
  return parseRunbook(fs.readFileSync(file, 'utf8'), file);
}

export interface LocalRun {
  exitCode: number | null;
  /** Exit code accepted by the step (0, or listed in ok-exit=). */
  ok: boolean;
  stdout: string;
  stderr: string;
  outcome?: CheckOutcome;
}

function attribute(step: Step, name: string): string | undefined {
  return step.attributes.find((a) => a.name === name)?.value;
}

function sh(command: string, user: string | undefined, sudo: boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const argv = sudo ? ['sudo', '-n', 'sh', '-c', command] : ['sh', '-c', command];
  const [file, ...args] = user ? ['runuser', '-u', user, '--', ...argv] : argv;
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every numeric leaf of `values` by its dotted path (`states.CLOSE_WAIT`). */
function numericLeaves(values: Record<string, unknown>, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'number' && Number.isFinite(value)) out[prefix + key] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) numericLeaves(value as Record<string, unknown>, `${prefix}${key}.`, out);
  }
  return out;
}

function nest(flat: Record<string, number>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [dotted, value] of Object.entries(flat)) {
    const parts = dotted.split('.');
    let at = root;
    for (const part of parts.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
    at[parts.at(-1)!] = value;
  }
  return root;
}

/** Runs `stepId` with `vars` (parameters and earlier steps' values) as `user` (default: this process's). */
export async function runStep(runbook: Runbook, stepId: string, vars: Record<string, string | number>, user?: string): Promise<LocalRun> {
  const step = runbook.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`${runbook.fileName}: no step ${stepId}`);
  const textVars = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)]));
  const command = buildStepScript(step.command, textVars);
  const samples = Number(attribute(step, 'samples') ?? 1);
  const intervalMs = parseDuration(attribute(step, 'interval') ?? '0s') ?? 0;
  const okExit = (attribute(step, 'ok-exit') ?? '0').split(',').map(Number);
  const sudo = step.attributes.some((a) => a.name === 'sudo' && a.value !== 'false');
  const taken: { text: string; at: number; run: Awaited<ReturnType<typeof sh>> }[] = [];
  for (let i = 0; i < samples; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const run = await sh(command, user, sudo && user !== undefined);
    taken.push({ text: run.stdout, at: Date.now(), run });
    if (!okExit.includes(run.code ?? -1)) break;
  }
  const last = taken.at(-1)!;
  const ok = okExit.includes(last.run.code ?? -1);
  const result: LocalRun = { exitCode: last.run.code, ok, stdout: last.run.stdout, stderr: last.run.stderr };
  if (!ok || !step.check?.spec) return result;
  const scope: Record<string, unknown> = { ...vars };
  if (taken.length > 1) {
    const first = numericLeaves(evaluateCheck(step.check.spec, taken[0].text, scope).values);
    const end = numericLeaves(evaluateCheck(step.check.spec, last.text, scope).values);
    const seconds = (last.at - taken[0].at) / 1000;
    const delta: Record<string, number> = {};
    const rate: Record<string, number> = {};
    for (const [key, value] of Object.entries(end)) {
      if (!(key in first)) continue;
      delta[key] = value - first[key];
      rate[key] = seconds > 0 ? delta[key] / seconds : 0;
    }
    scope.delta = nest(delta);
    scope.rate = nest(rate);
  }
  result.outcome = evaluateCheck(step.check.spec, last.text, scope);
  return result;
}

/** "CRITICAL message" / "WARNING message" lines of an outcome, as a reader would scan them. */
export function raised(run: LocalRun): string[] {
  return (run.outcome?.findings ?? []).map((f) => `${f.severity.toUpperCase()} ${f.message}`);
}
