// The fault lab: reproduces each TCP incident condition on this machine with real sockets, so
// runbooks and parsers can be tried against the real thing. Start one by name, stop it when done.

import { busyServer } from './busyServer';
import { closeWait } from './closeWait';
import { connCap, connCapServed } from './connCap';
import { halfOpen } from './halfOpen';
import { healthy } from './healthy';
import { idleClient } from './idleClient';
import { requireLoopback, requirePort } from './loopback';
import { openFiles } from './openFiles';
import { oldOverflows } from './oldOverflows';
import { listRecordings, recordedOutputs } from './recorded';
import { timeWait } from './timeWait';
import type { RunningFault, Scenario, ScenarioInfo, StartOptions } from './types';

export type { RecordedOutput, RunningFault, ScenarioInfo, StartOptions } from './types';
export { listRecordings, recordedOutputs };

// Faults first, then the look-alike controls a runbook must not mistake for a fault.
const scenarios: Scenario[] = [timeWait, closeWait, openFiles, connCap, connCapServed, halfOpen, healthy, busyServer, idleClient, oldOverflows];

export function listScenarios(): ScenarioInfo[] {
  return scenarios.map(({ name, summary, needsRoot }) => ({ name, summary, needsRoot }));
}

/** Starts the named fault; resolves once the condition can be observed. */
export async function startScenario(name: string, options: StartOptions = {}): Promise<RunningFault> {
  const scenario = scenarios.find((s) => s.name === name);
  if (!scenario) {
    const recorded = listRecordings().some((r) => r.name === name);
    throw new Error(
      recorded
        ? `lab: "${name}" is not reproduced live (it would change this machine's global firewall state); play recordedOutputs("${name}") through the parsers instead.`
        : `lab: no scenario "${name}"; scenarios: ${scenarios.map((s) => s.name).join(', ')}.`,
    );
  }
  const address = requireLoopback(options.address ?? '127.0.0.1', 'address');
  const clientAddress = requireLoopback(options.clientAddress ?? address, 'clientAddress');
  const otherClientAddress = requireLoopback(options.otherClientAddress ?? shifted(clientAddress), 'otherClientAddress');
  if (otherClientAddress === clientAddress) {
    throw new Error(`lab: otherClientAddress must differ from clientAddress (${clientAddress}): the lab tells the two clients apart by address.`);
  }
  const basePort = requirePort(options.basePort ?? scenario.defaultPort, 'basePort');
  return scenario.start({ ...options, address, clientAddress, otherClientAddress, basePort });
}

/** 127.0.0.N -> 127.0.0.(N + 100 mod 256): a second client address next to the first. */
function shifted(address: string): string {
  const parts = address.split('.');
  parts[3] = String((Number(parts[3]) + 100) % 256 || 1);
  return parts.join('.');
}
