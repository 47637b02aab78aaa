// The differences between an expected verdict and a replayed one, in words a runbook author reads:
// "finding X no longer raised at step Y", "after Y the path now goes to Z (was W)".

import type { HostVerdict, RootCause, VerdictFinding } from './replay';

const quote = (f: VerdictFinding) => `${f.severity} "${f.message}"`;
const arrow = (path: string[]) => (path.length ? path.join(' → ') : '(nothing ran)');

function stopWords(v: HostVerdict): string {
  const at = v.stopped.step ?? '';
  switch (v.stopped.reason) {
    case 'end':
      return 'it runs to the end of the runbook';
    case 'critical':
      return `it stops at the critical finding of ${at}`;
    case 'inconclusive':
      return `it stops because ${at} is inconclusive`;
    case 'confirm':
      return `it stops before ${at}, which changes the host`;
    case 'not-run':
      return `it goes on to ${at}, which has no recorded output`;
    case 'cycle':
      return `it comes back to ${at} (a cycle)`;
    case 'broken-next':
      return `${at} names a next step that does not exist`;
  }
}

function causeWords(rc: RootCause | undefined): string {
  if (!rc) return 'none';
  return `"${rc.message}" at ${rc.step}${rc.cause ? ` (cause ${rc.cause}, ${rc.status})` : ` (${rc.status})`}`;
}

function findingDifferences(step: string, expected: VerdictFinding[], actual: VerdictFinding[]): string[] {
  const out: string[] = [];
  const left = [...actual];
  const missing: VerdictFinding[] = [];
  for (const f of expected) {
    const i = left.findIndex((a) => a.severity === f.severity && a.message === f.message);
    if (i >= 0) {
      const [match] = left.splice(i, 1);
      if ((match.cause ?? '') !== (f.cause ?? ''))
        out.push(`finding ${quote(f)} at step ${step} now names cause ${match.cause ?? '(none)'} (was ${f.cause ?? '(none)'})`);
    } else missing.push(f);
  }
  for (const f of missing) {
    // Same message at another severity: say so in one line rather than "gone" and "new".
    const i = left.findIndex((a) => a.message === f.message);
    if (i >= 0) {
      const [moved] = left.splice(i, 1);
      out.push(`finding "${f.message}" at step ${step} is now ${moved.severity} (was ${f.severity})`);
    } else out.push(`finding ${quote(f)} no longer raised at step ${step}`);
  }
  for (const f of left) out.push(`finding ${quote(f)} now raised at step ${step}`);
  return out;
}

/** Differences for one host; empty when the replay reached the expected verdict. */
export function compareVerdict(expected: HostVerdict, actual: HostVerdict | undefined): string[] {
  if (!actual) return [`host ${expected.host}: no captured output for this host`];
  const out: string[] = [];
  const shared = expected.path.filter((s) => actual.path.includes(s));
  for (const step of shared) out.push(...findingDifferences(step, expected.findings[step] ?? [], actual.findings[step] ?? []));

  // Where the replay is heading: a step with no recorded output is still where the decision went.
  const unrecorded = actual.stopped.reason === 'not-run' ? actual.stopped.step : undefined;
  const heading = unrecorded ? [...actual.path, unrecorded] : actual.path;
  const fork = expected.path.findIndex((s, i) => heading[i] !== s);
  const forked = fork >= 0 || heading.length > expected.path.length;
  if (forked) {
    const at = fork >= 0 ? fork : expected.path.length;
    const after = at > 0 ? `after ${expected.path[at - 1]} ` : '';
    const now = heading[at];
    const was = expected.path[at];
    const note = now !== undefined && now === unrecorded && at === heading.length - 1 ? ', which has no recorded output' : '';
    out.push(
      now
        ? `${after}the path now goes to ${now}${was ? ` (was ${was})` : ' (it used to stop there)'}${note}: ${arrow(heading)}`
        : `the path now stops ${after ? `after ${expected.path[at - 1]}` : 'at once'} (it went on to ${was}): ${arrow(heading)}`,
    );
    for (const step of expected.path.filter((s) => !actual.path.includes(s))) {
      const raised = expected.findings[step] ?? [];
      if (raised.length) out.push(`step ${step} is no longer reached (it raised ${raised.map(quote).join('; ')})`);
    }
  }

  if (causeWords(expected.rootCause) !== causeWords(actual.rootCause)) {
    out.push(`root cause is now ${causeWords(actual.rootCause)} (was ${causeWords(expected.rootCause)})`);
  }
  const refutedNow = actual.refuted.filter((c) => !expected.refuted.includes(c));
  const refutedNoLonger = expected.refuted.filter((c) => !actual.refuted.includes(c));
  if (refutedNow.length) out.push(`cause ${refutedNow.join(', ')} is now refuted`);
  if (refutedNoLonger.length) out.push(`cause ${refutedNoLonger.join(', ')} is no longer refuted`);

  const key = (i: { step: string; reason: string }) => i.step;
  for (const i of actual.inconclusive) if (!expected.inconclusive.some((e) => key(e) === key(i))) out.push(`step ${i.step} is now inconclusive: ${i.reason}`);
  for (const e of expected.inconclusive)
    if (!actual.inconclusive.some((i) => key(i) === key(e))) out.push(`step ${e.step} is no longer inconclusive (was: ${e.reason})`);

  const stopChanged = expected.stopped.reason !== actual.stopped.reason || (expected.stopped.step ?? '') !== (actual.stopped.step ?? '');
  // A path that now runs into a step with no output was said above; the stop adds nothing then.
  if (stopChanged && !(forked && unrecorded)) out.push(`${stopWords(actual)} (it used to be: ${stopWords(expected).replace(/^it /, '')})`);
  return out.map((line) => `${expected.host}: ${line}`);
}

export function compareVerdicts(expected: readonly HostVerdict[], actual: readonly HostVerdict[]): string[] {
  const out = expected.flatMap((e) =>
    compareVerdict(
      e,
      actual.find((a) => a.host === e.host),
    ),
  );
  for (const a of actual) if (!expected.some((e) => e.host === a.host)) out.push(`${a.host}: this host has captured outputs but no expectation in the fixture`);
  return out;
}

/** One line per host for a passing fixture: the path and what it concluded. */
export function verdictSummary(v: HostVerdict): string {
  const cause = v.rootCause ? `root cause (${v.rootCause.status}): ${v.rootCause.message}` : 'no root cause';
  const inconclusive = v.inconclusive.length ? `; inconclusive: ${v.inconclusive.map((i) => i.step).join(', ')}` : '';
  return `${v.host}: ${arrow(v.path)}; ${cause}${inconclusive}`;
}
