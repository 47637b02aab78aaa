// `runbook lab [SCENARIO]`: list the reproducible faults, or start one and keep it running until
// Ctrl-C (or --for seconds), printing what a runbook should find.

import { listScenarios, startScenario } from '../lab';
import { bold, dim } from './print';

export async function labCommand(scenario: string | undefined, options: { address?: string; for?: number }): Promise<number> {
  const scenarios = listScenarios();
  if (!scenario) {
    for (const s of scenarios) process.stdout.write(`${bold(s.name.padEnd(15))} ${s.summary}${s.needsRoot ? dim(' (needs root)') : ''}\n`);
    return 0;
  }
  if (!scenarios.some((s) => s.name === scenario)) {
    process.stderr.write(`No lab scenario "${scenario}". Scenarios: ${scenarios.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const fault = await startScenario(scenario, { address: options.address, log: (line) => process.stderr.write(`${dim(line)}\n`) });
  process.stdout.write(`${bold(fault.name)}: ${fault.summary}\n`);
  for (const [key, value] of Object.entries(fault.details)) process.stdout.write(`  ${key.padEnd(14)} ${value}\n`);
  const seconds = options.for ?? 0;
  process.stderr.write(seconds > 0 ? `Running for ${seconds} s.\n` : 'Running; Ctrl-C stops it and cleans up.\n');
  // Ends on its timer, Ctrl-C or SIGTERM, whichever comes first; the timer never outlives the fault.
  const code = await new Promise<number>((resolve) => {
    const done = (exitCode: number) => () => {
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(exitCode);
    };
    const onInt = done(130);
    const onTerm = done(143);
    const timer = seconds > 0 ? setTimeout(done(0), seconds * 1000) : undefined;
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
  await fault.stop();
  process.stderr.write('Stopped and cleaned up.\n');
  return code;
}
