// The cases both fronts must agree on, as one table: a `roles=server` step, a `compare=` pair of two
// ends, and a 3-host group with one outlier. The CLI test (test/fronts/cli.test.ts) and the notebook
// UI test (test/ui/fronts.test.ts) run the same runbook on the same kind of loopback sshd and assert this table.

import type { TestSshd } from '../../src/testbed/sshd';

/** Loopback addresses: client, server, and three group members (the second is the outlier). */
export const FRONTS_ADDRESSES = 5;

export interface FrontCase {
  /** What the user runs: the step, on which target. */
  step: string;
  target: 'pair' | 'trio';
  /** Hosts that ran the step. */
  hosts: string[];
  /** Findings: host ('' for a comparison of two ends), severity and a part of the message. */
  findings: { host: string; severity: string; message: string }[];
  /** Where each host goes next: next step id (or end) -> hosts. */
  routes: Record<string, string[]>;
}

export const FRONT_CASES: FrontCase[] = [
  { step: 'who', target: 'pair', hosts: ['srv'], findings: [], routes: { end: ['srv'] } },
  {
    step: 'pairs',
    target: 'pair',
    hosts: ['cli', 'srv'],
    findings: [{ host: '', severity: 'critical', message: '1 connections ESTABLISHED on the client are unknown to the server' }],
    routes: { keepalive: ['cli', 'srv'] },
  },
  {
    step: 'load',
    target: 'trio',
    hosts: ['web-1', 'web-2', 'web-3'],
    findings: [{ host: 'web-2', severity: 'critical', message: '5000 sockets in TIME_WAIT' }],
    routes: { fix: ['web-2'], end: ['web-1', 'web-3'] },
  },
];

const CLIENT_TABLE = [
  'State Recv-Q Send-Q Local Address:Port Peer Address:Port',
  'ESTAB 0 0 10.9.9.2:50001 10.9.9.1:4222',
  'ESTAB 0 0 10.9.9.2:50002 10.9.9.1:4222',
];
const SERVER_TABLE = [
  'State Recv-Q Send-Q Local Address:Port Peer Address:Port',
  'LISTEN 0 511 10.9.9.1:4222 0.0.0.0:*',
  'ESTAB 0 0 10.9.9.1:4222 10.9.9.2:50001',
];

/** The runbook: each host answers from its own address ($SSH_CONNECTION), as real hosts differ by their state. */
export function frontsRunbook(sshd: TestSshd): string {
  const [cli, , , outlier] = sshd.addresses;
  const printf = (lines: string[]) => `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')}`;
  return `---
title: Both fronts agree
---

# Both fronts agree

\`\`\`sh {id=who roles=server}
set -- $SSH_CONNECTION; echo "ran-on $3"
\`\`\`

\`\`\`check
parse: lines
next: end
\`\`\`

\`\`\`sh {id=pairs roles=client,server compare=established-pairs}
set -- $SSH_CONNECTION
if [ "$3" = "${cli}" ]; then ${printf(CLIENT_TABLE)}; else ${printf(SERVER_TABLE)}; fi
\`\`\`

\`\`\`check
parse: ss-tan
findings:
  - when: halfOpen.count > 0
    severity: critical
    message: "{{halfOpen.count}} connections ESTABLISHED on the client are unknown to the server"
    next: keepalive
next: end
\`\`\`

\`\`\`sh {id=keepalive confirm}
echo would-enable-keepalive
\`\`\`

\`\`\`sh {id=load}
set -- $SSH_CONNECTION; if [ "$3" = "${outlier}" ]; then echo 5000; else echo 12; fi
\`\`\`

\`\`\`check
parse: numbers
options: { names: [timewait] }
findings:
  - when: timewait > 1000
    severity: critical
    message: "{{timewait}} sockets in TIME_WAIT"
    next: fix
next: end
\`\`\`

\`\`\`sh {id=fix confirm}
echo would-fix
\`\`\`
`;
}

/** The inventory: `pair` with roles, `trio` a plain group; each host an alias of the sshd's own ssh_config (testbed-N). */
export function frontsInventory(user?: string): string {
  const names = ['cli', 'srv', 'web-1', 'web-2', 'web-3'];
  return [
    'hosts:',
    ...names.map((name, i) => `  ${name}: { ssh: testbed-${i + 1}${user ? `, user: ${user}` : ''} }`),
    'groups:',
    '  pair: { client: [cli], server: [srv] }',
    '  trio: [web-1, web-2, web-3]',
    '',
  ].join('\n');
}
