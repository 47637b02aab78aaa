// The `runbook` command: argument parsing only; each command lives in its own file.

import { Command, Option } from 'commander';
import { version } from '../../package.json';

const program = new Command()
  .name('runbook')
  .description('Run incident runbooks (*.runbook.md) from a terminal: check them, run their steps over SSH, export the postmortem.')
  .version(version, '-v, --version')
  .showHelpAfterError('(run "runbook --help" for usage)')
  .configureHelp({ sortSubcommands: false });

const collect = (value: string, previous: string[] = []) => [...previous, value];

program
  .command('check')
  .description('Check runbooks for format errors, broken branches and risky steps; exit 1 on errors.')
  .argument('<files...>', 'runbook files')
  .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
  .action(async (files: string[], options: { format: 'text' | 'json' }) => {
    const { checkCommand } = await import('./check');
    process.exitCode = await checkCommand(files, options);
  });

program
  .command('run')
  .description("Run a runbook's steps on a host or group and print outputs, values, findings and decisions.")
  .argument('<file>', 'runbook or incident record')
  .option('--host <name>', 'host from ~/.ssh/config or the inventory, or "local"')
  .option('--group <name>', 'inventory group or Ansible pattern (web:&prod:!web-3, db[0:2], ~regex): run on every host it selects')
  .option('--step <id>', 'run only this step', collect)
  .option('--from <id>', 'start at this step')
  .option('--auto', 'follow the decisions from step to step; stops at confirm steps and critical findings')
  .option('--var <name=value>', 'set a parameter (repeatable)', collect)
  .option('--yes', 'confirm steps marked confirm in advance (you are saying yes to changing the host)')
  .option('--incident [title]', 'start an incident record from this runbook first and record into it')
  .option(
    '-i, --inventory <path>',
    'inventory: runbook-inventory.yaml (the default, in the current folder) or an Ansible inventory (INI, YAML, directory, script); repeatable. Without it, ANSIBLE_INVENTORY is read',
    collect,
  )
  .option('-F, --ssh-config <file>', 'ssh_config file to read instead of ~/.ssh/config')
  .addOption(new Option('--executor <engine>', 'how steps reach SSH hosts: our ssh2 pool, or one ansible ad-hoc run per step').choices(['ssh2', 'ansible']))
  .option('--concurrency <n>', 'hosts run at the same time in a group', (v) => Number.parseInt(v, 10))
  .option('--timeout <duration>', 'timeout for steps without their own, e.g. 30s')
  .option('--quiet', 'do not print raw outputs, only values, findings and decisions')
  .option('--reopen', 'reopen the incident if it was resolved (without a terminal, a resolved record refuses to run otherwise)')
  .option('--only-failed', 'with --step on a record: re-run the step only on the hosts whose last result failed, was unreachable or inconclusive')
  .option('--all-hosts', 'for a large group, list every host in the table, not only the summary')
  .action(async (file: string, options) => {
    const { runCommand } = await import('./run');
    process.exitCode = await runCommand(file, options);
  });

program
  .command('hosts')
  .description(
    'List the hosts and groups you can run on, and where each comes from; with a PATTERN (Ansible syntax: web:&prod:!web-3, db[0:2], ~regex), the hosts it selects.',
  )
  .argument('[pattern]', 'Ansible host pattern')
  .option('-i, --inventory <path>', 'inventory: runbook-inventory.yaml or an Ansible inventory; repeatable', collect)
  .option('-F, --ssh-config <file>', 'ssh_config file')
  .action(async (pattern: string | undefined, options) => {
    const { hostsCommand } = await import('./hosts');
    process.exitCode = await hostsCommand(options, pattern);
  });

program
  .command('start')
  .description('Start an incident: copy a runbook into an incident record (incidents/DATE-TITLE.runbook.md) with its metadata.')
  .argument('<runbook>', 'runbook template')
  .option('--title <title>', 'incident title')
  .option('--folder <dir>', 'where records go', 'incidents')
  .option('--host <name>', 'target host or group, recorded in the incident', collect)
  .option('--var <name=value>', 'set a parameter (repeatable)', collect)
  .action(async (template: string, options) => {
    const { startCommand } = await import('./start');
    process.exitCode = await startCommand(template, options);
  });

program
  .command('export')
  .description('Export an incident record as a postmortem (Markdown or self-contained HTML).')
  .argument('<record>', 'incident record (*.runbook.md)')
  .addOption(new Option('--format <format>', 'output format').choices(['md', 'html']).default('md'))
  .option('-o, --output <file>', 'write here instead of <record>.postmortem.<format>')
  .option('--anonymize', 'replace host names and IP addresses, for sharing outside the team')
  .action(async (record: string, options) => {
    const { exportCommand } = await import('./export');
    process.exitCode = await exportCommand(record, options);
  });

program
  .command('note')
  .description("Add a note to the incident's timeline, at the time it happened.")
  .argument('<record>', 'incident record (*.runbook.md)')
  .argument('<text>', 'the note')
  .option('--at <time>', 'when it happened: HH:MM (today, local), HH:MMZ, ISO 8601, "10 min ago" (default: now)')
  .option('--step <id>', 'the step the note is about')
  .option('--host <name>', 'the host the note is about')
  .action(async (record: string, text: string, options) => {
    const { noteCommand } = await import('./note');
    process.exitCode = await noteCommand(record, text, options);
  });

program
  .command('status')
  .description('Show or set where the incident stands: declared, mitigated, resolved (or reopened), with the time it happened.')
  .argument('<record>', 'incident record (*.runbook.md)')
  .argument('[status]', 'declared | mitigated | resolved | reopened (omit to show the current status)')
  .option('--at <time>', 'when it happened: HH:MM (today, local), HH:MMZ, ISO 8601, "10 min ago" (default: now)')
  .option('--impact-start <time>', 'when the user-visible impact started')
  .option('--impact-end <time>', 'when the user-visible impact ended')
  .option('--detected-at <time>', 'when the incident was detected (default: --at)')
  .option('--detected-by <how>', 'how it was detected: alert, user report, by chance...')
  .option('--alert <name>', 'the alert that fired')
  .option('--text <text>', 'a line saying why')
  .action(async (record: string, status: string | undefined, options) => {
    const { statusCommand } = await import('./status');
    process.exitCode = await statusCommand(record, status, options);
  });

program
  .command('plan')
  .description('Show what a run would do, without connecting: hosts per step, commands after substitution, confirm gates, sudo steps, missing parameters.')
  .argument('<runbook>', 'runbook or incident record')
  .option('--host <name>', 'host from ~/.ssh/config or the inventory, or "local"')
  .option('--group <name>', 'inventory group or Ansible pattern')
  .option('--var <name=value>', 'set a parameter (repeatable)', collect)
  .option('-i, --inventory <path>', 'inventory: runbook-inventory.yaml or an Ansible inventory; repeatable', collect)
  .option('-F, --ssh-config <file>', 'ssh_config file to read instead of ~/.ssh/config')
  .action(async (file: string, options) => {
    const { planCommand } = await import('./plan');
    process.exitCode = await planCommand(file, options);
  });

program
  .command('lab')
  .description('Reproduce a TCP fault on this machine (loopback) to practise or test a runbook; Ctrl-C stops it.')
  .argument('[scenario]', 'scenario name; omit to list them')
  .option('--address <ip>', 'loopback address to use (127.x.y.z)')
  .option('--for <seconds>', 'stop by itself after this many seconds', (v) => Number.parseInt(v, 10))
  .action(async (scenario: string | undefined, options) => {
    const { labCommand } = await import('./lab');
    process.exitCode = await labCommand(scenario, options);
  });

program
  .command('map')
  .description("Draw a runbook's decision graph (steps, findings, next), with the path an incident took when given its record.")
  .argument('<runbook>', 'runbook or incident record')
  .option('--record <record>', 'incident record whose saved outputs show the path taken (default: the file itself, if it is a record)')
  .addOption(new Option('--format <format>', 'output format').choices(['svg', 'mermaid', 'dot']).default('svg'))
  .option('-o, --output <file>', 'write here instead of standard output')
  .action(async (file: string, options) => {
    const { mapCommand } = await import('./map');
    process.exitCode = await mapCommand(file, options);
  });

program
  .command('test')
  .description('Replay outputs recorded in incidents and fixtures through the current runbooks; report where the verdict changed (exit 1).')
  .argument('[paths...]', 'fixture folders or files (fixture.yaml), incident records or journals (default: fixtures under the current folder)')
  .option('--make-fixture <record>', 'turn a recorded incident into a fixture instead (captured outputs + the verdict it reached)')
  .option('--out <dir>', 'with --make-fixture: the fixture folder to write (default: <record>.fixture next to the record)')
  .option('--runbook <file>', 'the runbook to replay a record through (default: the template the record names)')
  .option('--source <text>', 'with --make-fixture: where the outputs came from, written into the fixture')
  .action(async (paths: string[], options) => {
    const { testCommand } = await import('./replay');
    process.exitCode = await testCommand(paths, options);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`runbook: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
});
