// Renderer payloads shaped like the engine's StepResultView, with the values of a real
// conntrack/open-files diagnosis (field incident: nofile 1024 against 1237 established).
import type { StepResultView } from '../../src/protocol/renderer';

export function singleHostResult(overrides: Partial<StepResultView> = {}): StepResultView {
  return {
    version: 1,
    stepKey: 'socket-states',
    stepTitle: 'Count sockets by state',
    hosts: [
      {
        host: 'web-1',
        startedAt: '2026-11-23T16:00:00Z',
        durationMs: 412,
        exitCode: 0,
        termination: 'exit',
        values: {
          established: 1237,
          nofile: 1024,
          states: { ESTAB: 1237, 'TIME-WAIT': 30211, 'CLOSE-WAIT': 12 },
          ports: Array.from({ length: 25 }, (_, i) => 8000 + i),
        },
        findings: [
          { severity: 'info', message: 'TIME_WAIT is high but expected for a proxy', rule: 2, when: 'states["TIME-WAIT"] > 10000' },
          {
            severity: 'critical',
            message: 'open-files limit below established sockets',
            hint: 'Raise LimitNOFILE in the unit file',
            next: 'open-files',
            rule: 0,
            when: 'nofile < established',
          },
        ],
        next: { key: 'open-files', title: 'Check open-files limit', why: 'nofile < established (1024 < 1237)' },
      },
    ],
    ...overrides,
  };
}

export function groupResult(): StepResultView {
  const host = (name: string, timeWait: number, outlier?: string[]) => ({
    host: name,
    startedAt: '2026-11-23T16:00:00Z',
    durationMs: 300,
    exitCode: 0,
    termination: 'exit' as const,
    values: { states: { TIME_WAIT: timeWait, ESTAB: 100 } },
    findings: outlier ? [{ severity: 'warning' as const, message: `TIME_WAIT ${timeWait}`, rule: 0, when: 'x' }] : [],
    outlier,
  });
  return {
    version: 1,
    stepKey: 'socket-states',
    hosts: [host('web-1', 120), host('web-2', 30211, ['states.TIME_WAIT']), host('web-3', 140)],
    next: { key: 'time-wait', title: 'Look at TIME_WAIT', why: 'states.TIME_WAIT > 10000 on web-2' },
    chartValues: ['states.TIME_WAIT'],
  };
}
