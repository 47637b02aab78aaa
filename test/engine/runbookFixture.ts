// A small runbook whose steps run on this machine with /bin/sh: real executor, real checks, real
// decisions. Used by the progression and result-view tests.
import { localHost } from '../../src/hosts/targets';
import type { HostConfig } from '../../src/hosts/types';
import { createRedactor } from '../../src/redact/redactor';
import { parseRunbook } from '../../src/runbook/parse';
import { LocalExecutor } from '../../src/ssh/local';
import { IncidentSession } from '../../src/engine/session';

export const TEXT = `---
title: Loopback check
---

# Loopback check

\`\`\`sh {id=count title="Count things"}
echo 95 100
\`\`\`

\`\`\`check
parse: numbers
options: { names: [count, max] }
findings:
  - when: count >= max * 0.9
    severity: warning
    message: "count {{count}}/{{max}}"
next: states
\`\`\`

\`\`\`sh {id=states}
printf '3\\n4500\\n'
\`\`\`

\`\`\`check
parse: numbers
options: { names: [established, timewait] }
findings:
  - when: timewait > 1000
    severity: critical
    message: "{{timewait}} sockets in TIME_WAIT"
\`\`\`

\`\`\`sh {id=fix confirm}
echo changed
\`\`\`

\`\`\`sh {id=slow timeout=1s}
sleep 5
\`\`\`
`;

export function fixtureSession(text = TEXT) {
  const runbook = parseRunbook(text, 'loopback.runbook.md');
  const local = new LocalExecutor();
  const session = new IncidentSession({ runbook, params: {}, executorFor: () => local, redactor: createRedactor() });
  return {
    runbook,
    session,
    close: async () => {
      session.close();
      await local.close();
    },
  };
}

/** Differently named hosts that all run on this machine: a group without a network. */
export function localGroup(names: string[]): HostConfig[] {
  return names.map((name) => ({ ...localHost(), name }));
}
