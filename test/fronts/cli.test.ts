// The CLI front on the shared table of test/fronts/cases.ts: `runbook run` in-process over a real
// sshd, each case run into an incident record; the record's saved outputs must show exactly the
// table's hosts, findings and routes. test/ui/fronts.test.ts asserts the same table in VS Code.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCommand } from '../../src/cli/run';
import { startIncident } from '../../src/engine/incident';
import { parseRunbook } from '../../src/runbook/parse';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';
import { FRONT_CASES, FRONTS_ADDRESSES, frontsInventory, frontsRunbook } from './cases';

/** Runs the CLI in this process with stdout and stderr captured. */
async function cli(file: string, options: Parameters<typeof runCommand>[1]): Promise<{ code: number; out: string }> {
  const writes = [process.stdout.write, process.stderr.write];
  let out = '';
  const capture = ((chunk: string | Uint8Array) => ((out += chunk.toString()), true)) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    return { code: await runCommand(file, options), out };
  } finally {
    [process.stdout.write, process.stderr.write] = writes;
  }
}

describe('both fronts, the CLI side: roles, a comparison of two ends, a group with an outlier', function () {
  let sshd: TestSshd;
  let dir: string;
  let template: string;

  before(async function () {
    sshd = await startTestSshd({ addresses: FRONTS_ADDRESSES, firstAddress: 140 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runbook-fronts-'));
    fs.mkdirSync(path.join(dir, 'runbooks'));
    template = path.join(dir, 'runbooks', 'fronts.runbook.md');
    fs.writeFileSync(template, frontsRunbook(sshd));
    fs.writeFileSync(path.join(dir, 'runbook-inventory.yaml'), frontsInventory(sshd.users.test));
  });

  after(async function () {
    await sshd?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const c of FRONT_CASES) {
    it(`${c.step} on ${c.target}: runs on ${c.hosts.join(', ')}; ${c.findings.length ? c.findings.map((f) => f.message).join('; ') : 'no finding'}`, async () => {
      const { recordPath } = startIncident(template, { folder: path.join(dir, 'incidents'), title: `${c.step} ${c.target}` });
      const { code, out } = await cli(recordPath, {
        group: c.target,
        step: [c.step],
        inventory: path.join(dir, 'runbook-inventory.yaml'),
        sshConfig: sshd.sshConfigPath,
      });
      assert.equal(code, c.findings.some((f) => f.severity === 'critical') ? 4 : 0, out);

      const record = parseRunbook(fs.readFileSync(recordPath, 'utf8'), recordPath);
      const outputs = record.steps.find((s) => s.id === c.step)!.outputs;
      assert.deepEqual(outputs.map((o) => o.host).sort(), [...c.hosts].sort(), 'the hosts that ran the step');
      for (const other of record.steps.filter((s) => s.id !== c.step)) assert.equal(other.outputs.length, 0, `${other.key} did not run`);

      const found = outputs.flatMap((o) => o.findings.map((f) => ({ host: o.host, severity: f.severity, message: f.message })));
      for (const f of c.findings) {
        const where = found.filter((x) => x.severity === f.severity && x.message.includes(f.message));
        // A comparison's finding belongs to both ends; a host's finding to that host only.
        assert.deepEqual([...new Set(where.map((x) => x.host))].sort(), f.host ? [f.host] : [...c.hosts].sort(), `${f.message}: ${JSON.stringify(found)}`);
      }
      assert.equal(
        found.length,
        c.findings.reduce((n, f) => n + (f.host ? 1 : c.hosts.length), 0),
        `no other finding: ${JSON.stringify(found)}`,
      );

      const routes: Record<string, string[]> = {};
      for (const o of outputs) (routes[o.next ?? 'end'] ??= []).push(o.host);
      for (const hosts of Object.values(routes)) hosts.sort();
      assert.deepEqual(routes, c.routes, 'where each host goes next');
      if (Object.keys(c.routes).length > 1) assert.match(out, /next .*\(CRITICAL\) ← web-2/, 'the outlier route is printed with its severity');
    });
  }
});
