// A `confirm` the author meant but did not write cleanly: `CONFIRM`, `confrim`, or a JSON attribute
// list with "confirm" twice (JSON keeps the last one silently). The parser already reports
// `confirm=yes`, `confirm=1`, `"confirm":"yes"` and `confirm confirm`; these are the forms it cannot.
// Each is an error: the step would otherwise run without the confirmation its author asked for.

import type { Step } from '../runbook/model';
import { readAttributes } from '../runbook/attributes';
import { editDistance } from './names';

export interface ConfirmProblem {
  /** Offsets in the fence's info string. */
  start: number;
  end: number;
  message: string;
}

/** Problems with `confirm` in a fence's info string (`sh {id=x CONFIRM}`) that the parser lets through. */
export function confirmProblems(info: string): ConfirmProblem[] {
  const lead = /^\s*\S+/.exec(info)?.[0].length ?? 0;
  const rest = info.slice(lead);
  const out: ConfirmProblem[] = [];
  for (const a of readAttributes(rest).attributes) {
    if (a.name === 'confirm') continue;
    const lower = a.name.toLowerCase();
    const at = { start: lead + a.start, end: lead + a.end };
    if (lower === 'confirm') {
      out.push({
        ...at,
        message: `"${a.name}" is not the confirm attribute (names are lower case), so this step would run without a confirmation; write confirm`,
      });
    } else if (lower.length >= 5 && editDistance(lower, 'confirm') <= 2) {
      out.push({ ...at, message: `"${a.name}" is not an attribute; did you mean confirm? As written, this step runs without a confirmation` });
    }
  }
  for (const key of duplicateJsonKeys(rest)) {
    out.push({
      start: lead + key.start,
      end: lead + key.end,
      message: `"${key.name}" is given twice in the JSON attributes and only the last one counts; keep one, e.g. "confirm": true`,
    });
  }
  return out;
}

/** The step as parsed asks for a confirmation, or its info string writes one in a way that does not parse cleanly. */
export function mustConfirm(step: Step, info: string): boolean {
  if (step.confirm) return true;
  const lead = /^\s*\S+/.exec(info)?.[0].length ?? 0;
  const read = readAttributes(info.slice(lead));
  const confirmLike = read.attributes.some((a) => a.name === 'confirm' && a.value !== 'false');
  // Anything unclear about the attributes (a problem, or confirm given twice) fails closed.
  const names = read.attributes.map((a) => a.name);
  return confirmLike || read.problems.length > 0 || new Set(names).size !== names.length || confirmProblems(info).length > 0;
}

/** Keys of a top-level JSON object given more than once (the second and later, with offsets). */
function duplicateJsonKeys(text: string): { name: string; start: number; end: number }[] {
  const open = /^\s*\{/.exec(text);
  if (!open || !/^\s*\{\s*"/.test(text)) return [];
  const seen = new Set<string>();
  const out: { name: string; start: number; end: number }[] = [];
  let depth = 0;
  let expectKey = true;
  for (let i = open[0].length - 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const rest = text.slice(i + 1);
      if (depth === 1 && expectKey && /^\s*:/.test(rest)) {
        let name: string;
        try {
          name = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          return [];
        }
        if (seen.has(name.toLowerCase()) && name.toLowerCase() === 'confirm') out.push({ name, start, end: i + 1 });
        seen.add(name.toLowerCase());
        expectKey = false;
      }
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{';
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return out;
}
