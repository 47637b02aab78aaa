// Builds runbooks and recorded incidents by hand for the report and journal tests, so they depend
// only on the model types. The incident follows field incident 002 (gateway timeouts, conntrack full),
// with outputs shaped like Debian 12's sysctl, dmesg and /proc/<pid>/limits.

import type { Termination } from '../../src/base/run';
import type { FindingRule } from '../../src/checks/spec';
import { Journal, journalPathFor, readJournal, writeOutput, type JournalEntry } from '../../src/engine/journal';
import type { FrontMatter, Part, Range, Runbook, Step } from '../../src/runbook/model';

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export interface StepSpec {
  key: string;
  title?: string;
  command: string;
  confirm?: boolean;
  findings?: Pick<FindingRule, 'when' | 'severity' | 'message' | 'hint' | 'next'>[];
  next?: string;
}

export function buildRunbook(steps: StepSpec[], frontMatter: Partial<FrontMatter> = {}, fileName = 'record.runbook.md'): Runbook {
  const built: Step[] = steps.map((s) => ({
    id: s.key,
    key: s.key,
    title: s.title,
    language: 'sh',
    command: s.command,
    attributes: [],
    confirm: s.confirm ?? false,
    check: s.findings
      ? {
          yamlText: '',
          spec: { findings: s.findings.map((f) => ({ ...f, spans: {} })), next: s.next, spans: {} },
          range: ZERO,
          contentRange: ZERO,
        }
      : undefined,
    outputs: [],
    range: ZERO,
    commandRange: ZERO,
    infoRange: ZERO,
  }));
  const fm: FrontMatter = { yamlText: '', data: {}, tags: [], hosts: [], parameters: [], range: ZERO, ...frontMatter };
  const parts: Part[] = [{ kind: 'front-matter', raw: '', frontMatter: fm }, ...built.map((step) => ({ kind: 'step' as const, raw: '', step }))];
  return { fileName, bom: false, eol: '\n', frontMatter: fm, parts, steps: built, diagnostics: [] };
}

/** One run as the engine records it: step-start, the output file, step-end. */
export interface RunSpec {
  runId: string;
  step: StepSpec;
  host: string;
  startedAt: string;
  durationMs: number;
  exitCode?: number | null;
  termination?: Termination;
  output: string;
  values?: Record<string, unknown>;
  /** Indexes into the step's finding rules, with the message as interpolated. */
  raised?: { rule: number; message: string }[];
  next?: string;
  why?: string;
  confirmedBy?: { user: string; at: string };
}

export function recordRun(journal: Journal, recordPath: string, run: RunSpec): void {
  journal.append({
    type: 'step-start',
    runId: run.runId,
    step: { key: run.step.key, id: run.step.key, title: run.step.title },
    host: run.host,
    command: run.step.command,
    startedAt: run.startedAt,
    ...(run.confirmedBy ? { confirmedBy: run.confirmedBy } : {}),
  });
  const outputRef = writeOutput(recordPath, run.runId, run.output);
  const rules = run.step.findings ?? [];
  journal.append({
    type: 'step-end',
    runId: run.runId,
    endedAt: new Date(Date.parse(run.startedAt) + run.durationMs).toISOString(),
    durationMs: run.durationMs,
    exitCode: run.exitCode === undefined ? 0 : run.exitCode,
    signal: null,
    termination: run.termination ?? 'exit',
    outputRef,
    outputBytes: Buffer.byteLength(run.output),
    truncated: false,
    values: run.values ?? {},
    findings: (run.raised ?? []).map(({ rule, message }) => ({
      severity: rules[rule].severity,
      message,
      hint: rules[rule].hint,
      next: rules[rule].next,
      rule,
      when: rules[rule].when,
    })),
    next: run.next,
    why: run.why,
  });
}

const ESC = '\u001b';

export const steps = {
  conntrack: {
    key: 'conntrack-full',
    title: 'Is the conntrack table full?',
    command: "sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max\ndmesg -T --color=always | grep 'nf_conntrack: table full' | tail -n 40",
    findings: [
      {
        when: 'count >= max * 0.9',
        severity: 'critical',
        message: 'conntrack table full: {{count}}/{{max}} entries, packets dropped',
        hint: 'Raise net.netfilter.nf_conntrack_max and nf_conntrack_buckets, and persist them in /etc/sysctl.d/',
        next: 'raise-conntrack',
      },
    ],
    next: 'open-files',
  },
  openFiles: {
    key: 'open-files',
    title: 'Open files of nginx vs its limit',
    command: "pid=$(pgrep -o nginx)\nls /proc/$pid/fd | wc -l\ngrep 'Max open files' /proc/$pid/limits",
    findings: [
      {
        when: 'open >= limit * 0.8',
        severity: 'warning',
        message: 'nginx uses {{open}} of {{limit}} file descriptors',
        hint: 'Raise LimitNOFILE for nginx.service (systemd drop-in) and worker_rlimit_nofile',
      },
    ],
    next: 'raise-conntrack',
  },
  raise: {
    key: 'raise-conntrack',
    title: 'Raise the conntrack limit',
    command: 'sysctl -w net.netfilter.nf_conntrack_max=262144',
    confirm: true,
    next: 'verify',
  },
  verify: {
    key: 'verify',
    title: 'Verify: conntrack usage and drops',
    command: "sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max\ndmesg -T | grep -c 'nf_conntrack: table full' || true",
    findings: [{ when: 'count < max * 0.5', severity: 'info', message: 'conntrack table at {{percent}}% ({{count}}/{{max}})' }],
    next: 'end',
  },
} satisfies Record<string, StepSpec>;

function dmesgLines(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = String(2 + i).padStart(2, '0');
    lines.push(
      `${ESC}[32m[Mon Nov 23 08:0${Math.floor(i / 10)}:${s} 2026]${ESC}[0m nf_conntrack: ${ESC}[01;31mnf_conntrack: table full${ESC}[0m, dropping packet`,
    );
  }
  return lines.join('\n');
}

/** The recorded incident: conntrack critical, open files warning, a confirmed remediation, a verification. */
export function recordIncident(recordPath: string): { runbook: Runbook; entries: JournalEntry[] } {
  const all = [steps.conntrack, steps.openFiles, steps.raise, steps.verify];
  const runbook = buildRunbook(
    all,
    {
      title: 'Connection timeouts: TCP diagnosis',
      tags: ['tcp', 'conntrack'],
      hosts: ['gw-1.prod'],
      incident: {
        id: '2026-11-23-api-gateway-connection-timeouts',
        title: 'API gateway connection timeouts',
        startedAt: '2026-11-23T08:12:40.000Z',
        responder: 'mei.lin',
        template: '../runbooks/tcp-connection-timeouts.runbook.md',
        target: ['gw-1.prod'],
        parameters: { service: 'nginx', port: '443' },
      },
    },
    '2026-11-23-api-gateway-connection-timeouts.runbook.md',
  );
  const journal = Journal.open(recordPath);
  journal.append({
    type: 'incident-start',
    id: '2026-11-23-api-gateway-connection-timeouts',
    title: 'API gateway connection timeouts',
    template: '../runbooks/tcp-connection-timeouts.runbook.md',
    responder: 'mei.lin',
    target: ['gw-1.prod'],
    parameters: { service: 'nginx', port: '443' },
    time: '2026-11-23T08:12:40.000Z',
  });
  recordRun(journal, recordPath, {
    runId: '20261123T081302-1',
    step: steps.conntrack,
    host: 'gw-1.prod',
    startedAt: '2026-11-23T08:13:02.120Z',
    durationMs: 184,
    output: `net.netfilter.nf_conntrack_count = 65536\nnet.netfilter.nf_conntrack_max = 65536\n${dmesgLines(40)}\n`,
    values: { count: 65536, max: 65536, drops: 40 },
    raised: [{ rule: 0, message: 'conntrack table full: 65536/65536 entries, packets dropped' }],
    next: 'raise-conntrack',
    why: 'count >= max * 0.9 (65536 >= 58982.4)',
  });
  journal.append({
    type: 'note',
    text: 'Checking the fd limit before touching sysctl: nginx logged "Too many open files" yesterday.',
    time: '2026-11-23T08:14:10.000Z',
    author: 'mei.lin',
  });
  recordRun(journal, recordPath, {
    runId: '20261123T081431-2',
    step: steps.openFiles,
    host: 'gw-1.prod',
    startedAt: '2026-11-23T08:14:31.500Z',
    durationMs: 97,
    output: '1018\nMax open files            1024                 1024                 files     \n',
    values: { open: 1018, limit: 1024 },
    raised: [{ rule: 0, message: 'nginx uses 1018 of 1024 file descriptors' }],
    next: 'raise-conntrack',
    why: 'no finding has a next step; the check block says raise-conntrack',
  });
  recordRun(journal, recordPath, {
    runId: '20261123T081705-3',
    step: steps.raise,
    host: 'gw-1.prod',
    startedAt: '2026-11-23T08:17:05.010Z',
    durationMs: 61,
    output: 'net.netfilter.nf_conntrack_max = 262144\n',
    confirmedBy: { user: 'mei.lin', at: '2026-11-23T08:17:04.200Z' },
    next: 'verify',
    why: 'the check block says verify',
  });
  recordRun(journal, recordPath, {
    runId: '20261123T082230-4',
    step: steps.verify,
    host: 'gw-1.prod',
    startedAt: '2026-11-23T08:22:30.000Z',
    durationMs: 143,
    output: 'net.netfilter.nf_conntrack_count = 41230\nnet.netfilter.nf_conntrack_max = 262144\n0\n',
    values: { count: 41230, max: 262144, drops: 0, percent: 16 },
    raised: [{ rule: 0, message: 'conntrack table at 16% (41230/262144)' }],
    next: 'end',
    why: 'count < max * 0.5 (41230 < 131072)',
  });
  journal.append({
    type: 'note',
    text: 'API gateway p99 back under 200 ms; 5xx rate at baseline since 08:21.',
    time: '2026-11-23T08:25:00.000Z',
    author: 'arjun.k',
  });
  journal.append({ type: 'incident-end', time: '2026-11-23T08:31:00.000Z', author: 'mei.lin', status: 'resolved' });
  journal.close();
  return { runbook, entries: readJournal(journalPathFor(recordPath)).entries };
}
