// What the renderer gets for a run: values, findings and the decision for a finished step, an error
// with what to do for a failed one, and a chart list for a group. Runs real steps on this machine.
import assert from 'node:assert/strict';
import { findStep } from '../../src/engine/decide';
import { toGroupResultView } from '../../src/engine/groupView';
import { failedRuns, stepResultView } from '../../src/engine/resultView';
import { localHost } from '../../src/hosts/targets';
import type { Step } from '../../src/runbook/model';
import { fixtureSession, localGroup } from './runbookFixture';

describe('engine/resultView: the renderer payload of a step run', () => {
  it('carries values, findings and the next step with why', async () => {
    const { runbook, session, close } = fixtureSession();
    try {
      const view = stepResultView(await session.run(runbook.steps[0], [localHost()]));
      assert.equal(view.version, 1);
      assert.equal(view.stepKey, 'count');
      assert.equal(view.stepTitle, 'Count things');
      const [host] = view.hosts;
      assert.equal(host.host, 'local');
      assert.equal(host.exitCode, 0);
      assert.equal(host.values.count, 95);
      assert.deepEqual(
        host.findings.map((f) => f.message),
        ['count 95/100'],
      );
      assert.equal(view.next?.key, 'states');
      assert.match(view.next?.why ?? '', /states/);
      assert.equal(host.error, undefined);
      // JSON-safe: it travels to the renderer as an output item.
      assert.deepEqual(JSON.parse(JSON.stringify(view)), view);
    } finally {
      await close();
    }
  });

  it('marks the next step as one that asks first when it is a confirm step', async () => {
    const { runbook, session, close } = fixtureSession();
    try {
      const view = stepResultView(await session.run(findStep(runbook, 'states') as Step, [localHost()]));
      assert.equal(view.next?.key, 'fix');
      assert.equal(view.next?.confirm, true);
    } finally {
      await close();
    }
  });

  it('says what happened and what to do when the step times out', async () => {
    const { runbook, session, close } = fixtureSession();
    try {
      const run = await session.run(findStep(runbook, 'slow') as Step, [localHost()]);
      const view = stepResultView(run);
      assert.equal(failedRuns(run).length, 1);
      assert.equal(view.hosts[0].termination, 'timeout');
      assert.equal(view.hosts[0].error?.kind, 'timeout');
      assert.match(view.hosts[0].error?.message ?? '', /1000 ms/);
      assert.ok(view.hosts[0].error?.hint, 'a failed host always has something to do');
      // A run that did not finish decides nothing: no next step, and not null either (null says "End of runbook").
      assert.equal(view.hosts[0].next, undefined);
      assert.equal(view.next, undefined);
    } finally {
      await close();
    }
  });

  it('lists the numeric values all hosts of a group have, for a chart', async () => {
    const { runbook, session, close } = fixtureSession();
    try {
      const view = toGroupResultView(await session.run(runbook.steps[0], localGroup(['web-1', 'web-2', 'web-3'])));
      assert.deepEqual(
        view.hosts.map((h) => h.host),
        ['web-1', 'web-2', 'web-3'],
      );
      // No outlier: the chart shows the first numeric value the hosts share.
      assert.deepEqual(view.chartValues, ['count'], `chart: ${view.chartValues?.join(', ')}`);
      assert.ok(
        view.hosts.every((h) => h.outlier === undefined),
        'identical hosts are no outliers',
      );
    } finally {
      await close();
    }
  });
});
