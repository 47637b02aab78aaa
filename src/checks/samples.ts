// A step run several times (`samples=N interval=5s`): the check sees the last sample's values plus
// `delta.<path>` (last - first) and `rate.<path>` (delta per second) for every numeric value, so a
// counter that only grows since boot is judged by how fast it grows now, never by its total.
import type { CheckOutcome, CheckSpec } from './spec';
import type { ParseResult } from './parsers/types';
import { decideCheck, deriveValues, evaluateCheck, readOutput, type CheckContext, type ReadOutput } from './evaluate';
import { newMap, unsafeKeys } from './parsers/text';

export interface Sample {
  text: string;
  /** When the sample's command ended (or started: the same choice for every sample). */
  at: Date;
}

/** Maps with more keys than this (a peer map of a big server) get no delta beyond it. */
const MAX_KEYS = 5000;
const MAX_DEPTH = 4;

/**
 * `spilled`: the last sample's parse result when its output was too large to keep (as for evaluateCheck).
 * One sample: no delta or rate (a rule that needs them is inconclusive and says to sample twice).
 */
export function evaluateSamples(
  spec: CheckSpec,
  samples: Sample[],
  scope: Record<string, unknown>,
  spilled?: ParseResult,
  context: CheckContext = {},
): CheckOutcome {
  if (samples.length === 0) return evaluateCheck(spec, '', scope, undefined, context);
  const last = samples[samples.length - 1];
  const lastRead = readOutput(spec, last.text, spilled);
  if (samples.length === 1) return decideCheck(spec, last.text, scope, lastRead, { ...context, samples: 1 });

  const first = samples[0];
  const firstRead = readOutput(spec, first.text);
  const seconds = (last.at.getTime() - first.at.getTime()) / 1000;
  const warnings: string[] = [];
  if (!(seconds > 0)) warnings.push('the samples were taken at the same time (or out of order): there are delta. values but no rate. values');

  // Derived values of both ends too (ignoring their warnings, which the final pass repeats), so a
  // derived `ratio` gets `delta.ratio`; derived values that use delta/rate are computed last.
  const firstValues = { ...firstRead.values };
  deriveValues(spec, firstValues, scope, []);
  const parsedDelta = difference(firstRead.values, lastRead.values, seconds);
  const lastValues = { ...lastRead.values };
  deriveValues(spec, lastValues, { ...scope, delta: parsedDelta.delta, rate: parsedDelta.rate }, []);
  const { delta, rate } = difference(firstValues, lastValues, seconds);

  const read: ReadOutput = {
    values: lastRead.values,
    warnings: [...prefixed(samples, 0, firstRead), ...lastRead.warnings, ...warnings],
    // Any sample the parser did not recognise makes the comparison unreliable.
    parserWarnings: [...firstRead.parserWarnings.filter((w) => w.startsWith('unrecognised:')), ...lastRead.parserWarnings],
  };
  const extraScope: Record<string, unknown> = { delta, sampleSeconds: Math.round(seconds * 1000) / 1000 };
  if (seconds > 0) extraScope.rate = rate;
  for (const name of ['delta', 'rate', 'sampleSeconds'])
    if (name in lastRead.values) read.warnings.push(`the parser's value "${name}" is hidden by the samples' ${name}`);
  return decideCheck(spec, last.text, scope, read, { ...context, samples: samples.length, extraScope });
}

function prefixed(samples: Sample[], index: number, read: ReadOutput): string[] {
  return read.warnings.map((w) => `sample ${index + 1} of ${samples.length}: ${w}`);
}

type Tree = Record<string, unknown>;

/** delta and rate for every path that is a finite number in both `first` and `last`. */
function difference(first: Tree, last: Tree, seconds: number): { delta: Tree; rate: Tree } {
  const walk = (a: unknown, b: unknown, depth: number): { delta: Tree; rate: Tree } | undefined => {
    if (!isRecord(a) || !isRecord(b) || depth > MAX_DEPTH) return undefined;
    const delta = newMap();
    const rate = newMap();
    let keys = 0;
    for (const key of Object.keys(b)) {
      if (unsafeKeys.has(key) || keys++ >= MAX_KEYS) continue;
      const x = readOwn(a, key);
      const y = readOwn(b, key);
      if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) {
        delta[key] = y - x;
        if (seconds > 0) rate[key] = (y - x) / seconds;
      } else {
        const inner = walk(x, y, depth + 1);
        if (inner && Object.keys(inner.delta).length > 0) {
          delta[key] = inner.delta;
          rate[key] = inner.rate;
        }
      }
    }
    return { delta, rate };
  };
  return walk(first, last, 0) ?? { delta: newMap(), rate: newMap() };
}

/** Plain objects and prototype-less maps; lists (rows) have no delta. */
function isRecord(v: unknown): v is Tree {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function readOwn(tree: Tree, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(tree, key);
  return d && 'value' in d ? d.value : undefined;
}
