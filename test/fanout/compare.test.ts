// Comparing the two ends of a connection: the pure comparison over real `ss -tan` rows, and a real
// half-open pair (the lab's two network namespaces, the link cut while the server dies) found by
// `runbook run --group pair` with a step `roles=client,server compare=established-pairs`.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { compareEstablishedPairs } from '../../src/checks/compareEnds';
import { ssTanParser } from '../../src/checks/parsers/ss';
import type { SocketRow } from '../../src/checks/parsers/socketTally';
import { runOnRoles } from '../../src/engine/compare';
import { createExecutors } from '../../src/engine/executors';
import { toGroupResultView } from '../../src/engine/groupView';
import { runStep } from '../../src/engine/runStep';
import { ValueStore } from '../../src/engine/scope';
import { resolveRoles } from '../../src/hosts/targets';
import { startScenario, type RunningFault } from '../../src/lab';
import { parseRunbook } from '../../src/runbook/parse';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { isRoot } from '../../src/testbed/users';

const CLI = ['--import', 'tsx', path.resolve('src/cli/main.ts')];
const rowsOf = (text: string) => ssTanParser.parse(text, { maxRows: 100_000 }).values.rows as SocketRow[];

describe('comparing two ends of a connection', function () {
  this.timeout(60_000);

  describe('over real ss -tan rows of loopback connections', () => {
    const serverAddress = '127.0.0.124';
    const clientAddress = '127.0.0.125';
    let server: net.Server;
    const sockets: net.Socket[] = [];
    let table = '';

    before(async () => {
      server = net.createServer((s) => sockets.push(s));
      await new Promise<void>((resolve) => server.listen(0, serverAddress, resolve));
      const { port } = server.address() as net.AddressInfo;
      for (let i = 0; i < 3; i++) {
        const c = net.connect({ host: serverAddress, port, localAddress: clientAddress });
        await new Promise<void>((resolve) => c.once('connect', () => resolve()));
        sockets.push(c);
      }
      // Both ends live on this machine, so one `ss -tan` holds both sides of each connection.
      table = execFileSync('ss', ['-tan', `( src ${serverAddress} or src ${clientAddress} )`], { encoding: 'utf8' });
    });
    after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('matches every connection when both ends know it', () => {
      const rows = rowsOf(table);
      const client = rows.filter((r) => r.localAddress === clientAddress);
      const serverSide = rows.filter((r) => r.localAddress === serverAddress);
      const result = compareEstablishedPairs(client, serverSide);
      assert.equal(result.matched, 3, table);
      assert.deepEqual(result.established, { client: 3, server: 3 });
      assert.equal(result.halfOpen.count, 0);
      assert.equal(result.onlyOnServer.count, 0);
    });

    it('names the 4-tuple ESTABLISHED on one end that the other end lost', () => {
      const rows = rowsOf(table);
      const client = rows.filter((r) => r.localAddress === clientAddress);
      const lost = client[0];
      const serverSide = rows.filter((r) => r.localAddress === serverAddress && !(r.peerPort === lost.localPort && r.state !== 'LISTEN'));
      const result = compareEstablishedPairs(client, serverSide);
      assert.equal(result.halfOpen.count, 1);
      assert.deepEqual(result.halfOpen.connections, [`${clientAddress}:${lost.localPort} -> ${serverAddress}:${lost.peerPort}`]);
      assert.equal(result.matched, 2);
      assert.deepEqual(result.established, { client: 3, server: 2 });

      const reverse = compareEstablishedPairs(
        client.filter((r) => r !== lost),
        rows.filter((r) => r.localAddress === serverAddress),
      );
      assert.deepEqual(reverse.onlyOnServer.connections, [`${clientAddress}:${lost.localPort} -> ${serverAddress}:${lost.peerPort}`]);
      assert.equal(reverse.halfOpen.count, 0);
    });
  });

  describe('a real half-open pair in two network namespaces', () => {
    if (!isRoot()) {
      it('needs root (network namespaces): run the tests as root to check the half-open pair', () => {
        assert.throws(() => execFileSync('ip', ['netns', 'add', 'rb-fanout-probe'], { stdio: 'pipe' }));
      });
      return;
    }

    let fault: RunningFault;
    let bed: TestSshd;
    let dir: string;

    before(async () => {
      fault = await startScenario('half-open', { basePort: 0 });
      const { clientNamespace, serverNamespace } = fault.details;
      // One sshd on two loopback addresses; a login on each lands in one namespace, as a login on
      // the client machine and one on the server machine would. Root: `ip netns exec` needs it.
      bed = await startTestSshd({
        addresses: 2,
        firstAddress: 122,
        extraConfig: [
          'Match LocalAddress 127.0.0.122',
          `  ForceCommand exec ip netns exec ${clientNamespace} /bin/sh -c "$SSH_ORIGINAL_COMMAND"`,
          'Match LocalAddress 127.0.0.123',
          `  ForceCommand exec ip netns exec ${serverNamespace} /bin/sh -c "$SSH_ORIGINAL_COMMAND"`,
        ],
      });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-pair-'));
      fs.writeFileSync(
        path.join(dir, 'runbook-inventory.yaml'),
        [
          'hosts:',
          '  app-1: { ssh: testbed-1 }',
          '  nats-1: { ssh: testbed-2 }',
          'groups:',
          '  pair: { client: [app-1], server: [nats-1] }',
          '  plain: [app-1, nats-1]',
          '',
        ].join('\n'),
      );
      fs.writeFileSync(path.join(dir, 'pair.runbook.md'), runbook(Number(fault.details.port)));
    });
    after(async () => {
      await bed?.stop();
      await fault?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const run = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [...CLI, 'run', path.join(dir, 'pair.runbook.md'), '--inventory', path.join(dir, 'runbook-inventory.yaml'), '-F', bed.sshConfigPath, ...args],
        { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 45_000 },
      );

    it('finds the connections ESTABLISHED on the client and unknown to the server, and follows the finding', () => {
      const result = run('--group', 'pair', '--step', 'both-ends', '--step', 'listener');
      assert.equal(result.status, 4, `exit 4: a critical finding was raised\n${result.stderr}${result.stdout}`);
      const d = fault.details;
      assert.match(result.stdout, /compared client \(app-1\) with server \(nats-1\)/);
      assert.match(result.stdout, /halfOpen\.count\s+2\n/);
      const tuples = [
        ...result.stdout.matchAll(
          new RegExp(`${String(d.clientAddress).replace(/\./g, '\\.')}:\\d+ -> ${String(d.serverAddress).replace(/\./g, '\\.')}:${d.port}`, 'g'),
        ),
      ];
      assert.ok(tuples.length >= 2, result.stdout);
      assert.match(result.stdout, /onlyOnServer\.count\s+0\n/);
      assert.match(result.stdout, /established\.client\s+2\n\s+established\.server\s+0\n/);
      assert.match(result.stdout, /CRITICAL 2 connections ESTABLISHED on the client are unknown to the server/);
      assert.match(result.stdout, /next Keepalive on the client \[keepalive\] .*halfOpen\.count > 0 \(2 > 0\)/);
      // A step with roles=server runs on the server's hosts only: the restarted listener, no connection.
      assert.match(result.stdout, /▶ Listener on the server \[listener\]\n\s+nats-1 ·/);
      assert.doesNotMatch(result.stdout.split('▶ Listener')[1], /app-1/);
      // Two ends are not a group to chart: no bar chart for a comparison.
      assert.doesNotMatch(result.stdout, /per host\n/);
    });

    it('gives the renderer the comparison and its findings (engine API)', async () => {
      const options = { workspaceRoot: dir, sshConfigPath: bed.sshConfigPath, trustConfig: true };
      const roles = await resolveRoles('pair', options);
      const book = parseRunbook(fs.readFileSync(path.join(dir, 'pair.runbook.md'), 'utf8'), 'pair.runbook.md');
      const values = new ValueStore({});
      const executors = createExecutors({ prompter: { askSecret: async () => undefined, confirm: async () => false } });
      try {
        const step = book.steps[0];
        const result = await runOnRoles(step, roles, {
          runbook: book,
          values,
          run: (s, hosts) => runStep({ runbook: book, step: s, hosts, executorFor: (h) => executors.executorFor(h), values }),
        });
        assert.deepEqual(
          result.hostRuns.map((r) => r.host.name),
          ['app-1', 'nats-1'],
        );
        assert.equal(result.decision.next?.id, 'keepalive');
        const view = toGroupResultView(result);
        assert.equal((view.comparison?.values.halfOpen as { count: number }).count, 2);
        assert.deepEqual(
          view.comparison?.findings.map((f) => f.severity),
          ['critical'],
        );
        assert.deepEqual(view.comparison?.client, { role: 'client', hosts: ['app-1'] });
        // The next step sees the comparison's values.
        assert.equal((values.scope().halfOpen as { count: number }).count, 2);
      } finally {
        await executors.closeAll();
      }
    });

    it('says what is wrong when the group has no roles, and compares the two ends under --auto too', () => {
      const plain = run('--group', 'plain', '--step', 'both-ends');
      assert.equal(plain.status, 2);
      assert.match(plain.stderr, /pair\.runbook\.md: step "both-ends" runs on roles client, server, which the target does not have \(it has: all\)/);
      // Automatic progression runs the comparison on the group's roles, as a step-by-step run does.
      const auto = run('--group', 'pair', '--auto');
      assert.equal(auto.status, 4, auto.stderr + auto.stdout);
      assert.match(auto.stdout, /compared client \(app-1\) with server \(nats-1\)/);
      assert.match(auto.stdout, /Stopped: stopped at a critical finding in .*both-ends.*: 2 connections ESTABLISHED on the client are unknown to the server/);
    });
  });
});

function runbook(port: number): string {
  return `---
title: Half-open connections after a power cut
---

# Do both ends agree on the connections?

\`\`\`sh {id=both-ends title="Sockets on both ends" roles=client,server compare=established-pairs timeout=20s}
ss -tan
\`\`\`

\`\`\`check
parse: ss-tan
findings:
  - when: halfOpen.count > 0
    severity: critical
    message: "{{halfOpen.count}} connections ESTABLISHED on the client are unknown to the server: {{halfOpen.connections}}"
    hint: enable TCP keepalive on the client (or in its NATS client library) so dead peers are found
    next: keepalive
next: end
\`\`\`

\`\`\`sh {id=keepalive title="Keepalive on the client" roles=client}
sysctl net.ipv4.tcp_keepalive_time
\`\`\`

\`\`\`sh {id=listener title="Listener on the server" roles=server}
ss -ltn sport = :${port}
\`\`\`
`;
}
