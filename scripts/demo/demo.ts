// The demo's steps: start the lab's TIME_WAIT fault, a real sshd on loopback (when installed),
// run the triage runbook into an incident record with --auto, export the postmortem, clean up.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startScenario, type RunningFault } from '../../src/lab';
import { startTestSshd, type TestSshd } from '../../src/testbed/sshd';

const root = path.resolve(__dirname, '..', '..');
const demoDir = path.join(root, '.demo');
const examplesDir = path.join(root, 'docs', 'examples');
const cli = path.join(root, 'src', 'cli', 'main.ts');
const triage = path.join(root, 'runbooks', 'triage.runbook.md');
const updateExample = process.argv.includes('--update-example');
const started = Date.now();

let fault: RunningFault | undefined;
let sshd: TestSshd | undefined;

function say(text: string): void {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

/** Runs the CLI in .demo/ (so incident records land in .demo/incidents/), output to the terminal. */
function runbook(args: string[], capture = false): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: demoDir, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let stdout = '';
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      clearTimeout(limit);
      resolve({ code, stdout });
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    // Bounded: no step of the demo takes a minute.
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      process.stderr.write(`runbook ${args[0]} took over 60 s; stopped it.\n`);
      finish(1);
    }, 60_000);
    child.on('close', (code) => finish(code ?? 1));
  });
}

/** An ssh_config for the test sshd; as root, logs in as the unprivileged test user. */
function writeSshConfig(bed: TestSshd): string {
  const file = path.join(demoDir, 'ssh_config');
  fs.writeFileSync(
    file,
    [
      'Host demo-host',
      `  HostName ${bed.addresses[0]}`,
      `  Port ${bed.port}`,
      `  User ${bed.users.test ?? bed.users.current}`,
      `  IdentityFile ${bed.clientKey.privatePath}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${bed.knownHostsPath}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '',
    ].join('\n'),
  );
  return file;
}

async function cleanUp(): Promise<void> {
  const stopping = [fault?.stop(), sshd?.stop()];
  fault = undefined;
  sshd = undefined;
  await Promise.allSettled(stopping);
}

async function main(): Promise<number> {
  fs.mkdirSync(path.join(demoDir, 'incidents'), { recursive: true });

  say('1. A real fault: a server that closes every connection first (field incident 001/003)');
  fault = await startScenario('time-wait', {
    address: '127.0.0.90',
    clientAddress: '127.0.0.190',
    basePort: 0,
    log: (line) => process.stdout.write(`   ${line}\n`),
  });
  const port = String(fault.details.port);

  let target = ['--host', 'local'];
  if (fs.existsSync('/usr/sbin/sshd')) {
    say('2. A real OpenSSH server on loopback, so the runbook runs over SSH as it would on a server');
    sshd = await startTestSshd({ firstAddress: 89 });
    target = ['--host', 'demo-host', '-F', writeSshConfig(sshd)];
    process.stdout.write(`   sshd pid ${sshd.pid} on ${sshd.addresses[0]}:${sshd.port}, logging in as ${sshd.users.test ?? sshd.users.current}\n`);
  } else {
    say('2. /usr/sbin/sshd is not installed: the runbook runs on this machine with the local executor');
  }

  say(`3. Triage with --auto into an incident record: "clients of port ${port} time out"`);
  const run = await runbook(['run', triage, ...target, '--auto', '--quiet', '--var', `port=${port}`, '--incident', `Demo: clients of port ${port} time out`]);
  const records = fs
    .readdirSync(path.join(demoDir, 'incidents'))
    .filter((f) => f.endsWith('.runbook.md'))
    .map((f) => path.join(demoDir, 'incidents', f));
  const record = records.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  // Exit 4 is the verdict the demo reproduces: a critical finding (docs: exit codes of runbook run).
  if (run.code !== 4 || !record) {
    process.stderr.write(`The triage run did not end on the critical finding (exit ${run.code}: 0 none, 1 a step failed, 3 inconclusive); see above.\n`);
    return 1;
  }

  say('4. The postmortem, exported from the record and its journal');
  const outputs: string[] = [];
  for (const format of ['md', 'html']) {
    const exported = await runbook(['export', record, '--format', format], true);
    if (exported.code !== 0) return exported.code;
    outputs.push(exported.stdout.trim());
  }
  process.stdout.write(`   record:     ${path.relative(root, record)}\n`);
  for (const file of outputs) process.stdout.write(`   postmortem: ${path.relative(root, file)}\n`);

  if (updateExample) {
    fs.mkdirSync(examplesDir, { recursive: true });
    fs.copyFileSync(outputs[0], path.join(examplesDir, 'demo-postmortem.md'));
    fs.copyFileSync(outputs[1], path.join(examplesDir, 'demo-postmortem.html'));
    process.stdout.write('   copied to docs/examples/demo-postmortem.md and .html\n');
  }
  return 0;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the fault and sshd...\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

void main()
  .catch((error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  })
  .then(async (code) => {
    say('5. Stopping the fault and sshd');
    await cleanUp();
    process.stdout.write(`   done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    process.exit(code);
  });
