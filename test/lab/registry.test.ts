import assert from 'node:assert/strict';
import { listRecordings, listScenarios, recordedOutputs, startScenario } from '../../src/lab';

describe('lab registry', () => {
  it('lists the live faults and look-alike controls; only half-open needs root', () => {
    const scenarios = listScenarios();
    assert.deepEqual(scenarios.map((s) => s.name).sort(), [
      'busy-server',
      'close-wait',
      'conn-cap',
      'conn-cap-served',
      'half-open',
      'healthy',
      'idle-client',
      'old-overflows',
      'open-files',
      'time-wait',
    ]);
    assert.deepEqual(
      scenarios.filter((s) => s.needsRoot).map((s) => s.name),
      ['half-open'],
    );
    for (const s of scenarios) assert.ok(s.summary.length > 20, `${s.name} has a summary`);
  });

  it('names the scenarios there are when asked for an unknown one', async () => {
    await assert.rejects(startScenario('syn-flood'), /no scenario "syn-flood"; scenarios: time-wait, close-wait/);
  });

  it('refuses any address outside 127.0.0.0/8 before starting anything', async () => {
    await assert.rejects(startScenario('time-wait', { address: '10.0.0.5' }), /"10\.0\.0\.5" is not a loopback address/);
    await assert.rejects(startScenario('conn-cap', { address: '127.0.0.40', clientAddress: '192.168.1.2' }), /clientAddress "192\.168\.1\.2"/);
    await assert.rejects(startScenario('healthy', { address: 'localhost' }), /not a loopback address/);
    await assert.rejects(startScenario('healthy', { address: '127.0.0.40', basePort: 70000 }), /70000 is not a TCP port/);
    await assert.rejects(startScenario('busy-server', { address: '127.0.0.40', otherClientAddress: '10.1.1.1' }), /otherClientAddress "10\.1\.1\.1"/);
  });

  it('does not run conntrack-full live and points to its recorded outputs', async () => {
    await assert.rejects(startScenario('conntrack-full'), /not reproduced live.*recordedOutputs\("conntrack-full"\)/);
    assert.deepEqual(
      listRecordings().map((r) => r.name),
      ['conntrack-full'],
    );
  });

  it("replays the incidents' own conntrack outputs", () => {
    const outputs = recordedOutputs('conntrack-full');
    const byCommand = new Map(outputs.map((o) => [o.command, o.output]));
    assert.equal(byCommand.get('cat /proc/sys/net/netfilter/nf_conntrack_max'), '65535\n');
    assert.equal(byCommand.get('cat /proc/sys/net/netfilter/nf_conntrack_count'), '67549\n');
    const messages = byCommand.get('tail -500f /var/log/messages') ?? '';
    assert.equal(messages.match(/kernel: nf_conntrack: table full, dropping packet/g)?.length, 10);
    assert.match(byCommand.get('dmesg') ?? '', /^ip_conntrack: table full, dropping packet$/m);
    for (const o of outputs) assert.match(o.source, /field-incidents\/00[01]/);
    // Callers get copies: changing one must not change the next replay.
    outputs[0].output = 'changed';
    assert.notEqual(recordedOutputs('conntrack-full')[0].output, 'changed');
    assert.throws(() => recordedOutputs('time-wait'), /no recorded outputs for "time-wait"; recorded: conntrack-full/);
  });
});
