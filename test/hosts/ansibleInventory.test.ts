// Ansible inventories as a host source: INI and YAML inventories with groups, children, ranges,
// vars and group_vars resolve, for every pattern, to the hosts `ansible PATTERN -i INV --list-hosts`
// lists (ansible-core runs in the test), both through ansible-inventory and the built-in reader.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { RunbookError } from '../../src/base/failure';
import { mapBounded } from '../../src/engine/runStep';
import { listTargets, matchTargets, resolveTarget, type TargetOptions } from '../../src/hosts/targets';

const run = promisify(execFile);

const INI = `# a fleet: an ungrouped host, ranges, a port on the host line, children and group vars
lb-1 ansible_host=127.0.0.9

[web]
web-[01:12] ansible_user=ops
web-canary:2222 ansible_host=127.0.0.50

[db]
db-[a:c].example.com

[prod:children]
web
db

[prod:vars]
ansible_port=2200

[staging]
web-[10:12]
stage-1 ansible_ssh_common_args='-o ProxyJump=jump -o ConnectTimeout=5'

[edge:children]
staging
`;

const YAML = `all:
  hosts:
    lb-1: { ansible_host: 127.0.0.9 }
  children:
    prod:
      vars: { ansible_port: 2200 }
      children:
        web:
          hosts:
            web-[01:12]: { ansible_user: ops }
            web-canary:2222: { ansible_host: 127.0.0.50 }
        db:
          hosts:
            db-[a:c].example.com:
    edge:
      children:
        staging:
          hosts:
            web-[10:12]:
            stage-1: { ansible_ssh_common_args: "-o ProxyJump=jump -o ConnectTimeout=5" }
`;

const PATTERNS = [
  'all',
  '*',
  'web',
  'prod',
  'web:&prod',
  'web:&staging',
  'web:&prod:!web-03',
  'prod:!staging',
  '!web',
  'web,db',
  'web:db:&edge',
  'web[0]',
  'web[-1]',
  'web[2:4]',
  'web[01:20]',
  'web[5:]',
  '~web-0[1-3]',
  '~(db|lb)-',
  'db-*',
  'web-1?',
  'web-[01]?',
  '*.example.com',
  'ungrouped',
  'edge',
  'lb-1',
  'staging:&web[0:5]',
];

// Ansible's own pattern evaluator is the oracle. `ansible PATTERN -i INV --list-hosts` costs ~1-2 s of
// Python start-up per call (52 calls were most of this file's 114 s), so every pattern of an inventory
// is asked in one Python process through the same InventoryManager.list_hosts the CLI calls; one test
// below checks that this oracle prints what the CLI prints.
const ORACLE = `
import json, sys
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
inventory = InventoryManager(loader=DataLoader(), sources=[sys.argv[1]])
print(json.dumps({p: sorted(h.name for h in inventory.list_hosts(p)) for p in sys.argv[2:]}))
`;
const asked = new Map<string, Promise<Record<string, string[]>>>();

/** The Python that runs ansible (its shebang), so that `import ansible` works as it does for the CLI. */
async function ansiblePython(): Promise<string> {
  const { stdout } = await run('sh', ['-c', 'head -n 1 "$(command -v ansible)"']);
  return /^#!\s*(\S+)/.exec(stdout)?.[1] ?? 'python3';
}

/** The hosts Ansible selects for `pattern`, sorted; all PATTERNS of an inventory are asked at once. */
async function ansibleHosts(pattern: string, inventory: string): Promise<string[]> {
  if (!asked.has(inventory))
    asked.set(
      inventory,
      ansiblePython().then((python) => run(python, ['-c', ORACLE, inventory, ...PATTERNS]).then((r) => JSON.parse(r.stdout))),
    );
  const hosts = (await asked.get(inventory)!)[pattern];
  assert.ok(hosts, `pattern ${pattern} was not asked`);
  return hosts;
}

/** `ansible PATTERN -i INV --list-hosts`, the names it prints, sorted. */
async function listHosts(pattern: string, inventory: string): Promise<string[]> {
  const { stdout } = await run('ansible', [pattern, '-i', inventory, '--list-hosts'], { env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => /^\s*hosts \(\d+\):/.test(l));
  assert.ok(start >= 0, `ansible printed no host list for ${pattern}:\n${stdout}`);
  return lines
    .slice(start + 1)
    .map((l) => l.trim())
    .filter(Boolean)
    .sort();
}

describe('hosts/ansible inventories and patterns', function () {
  this.timeout(180_000);
  let root: string;
  let base: TargetOptions;
  const files: Record<string, string> = {};

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ansible-inv-'));
    files.ini = path.join(root, 'ini', 'hosts.ini');
    files.yaml = path.join(root, 'yaml', 'hosts.yml');
    mkdirSync(path.dirname(files.ini));
    mkdirSync(path.dirname(files.yaml));
    writeFileSync(files.ini, INI);
    writeFileSync(files.yaml, YAML);
    // group_vars/host_vars beside each inventory, as Ansible reads them.
    for (const dir of [path.dirname(files.ini), path.dirname(files.yaml)]) {
      mkdirSync(path.join(dir, 'group_vars'));
      mkdirSync(path.join(dir, 'host_vars'));
      writeFileSync(path.join(dir, 'group_vars', 'db.yml'), 'ansible_user: dba\n');
      writeFileSync(path.join(dir, 'host_vars', 'web-02.yml'), 'ansible_host: 127.0.0.62\n');
    }
    writeFileSync(path.join(root, 'ssh_config'), 'Host *\n  IdentitiesOnly yes\n');
    base = { workspaceRoot: root, sshConfigPath: path.join(root, 'ssh_config'), trustConfig: true, env: { ...process.env, ANSIBLE_INVENTORY: '' } };
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('the oracle prints what `ansible PATTERN -i INV --list-hosts` prints', async () => {
    for (const format of ['ini', 'yaml'] as const) {
      for (const pattern of ['web:&prod:!web-03', 'web[2:4]', '~(db|lb)-']) {
        assert.deepEqual(await ansibleHosts(pattern, files[format]), await listHosts(pattern, files[format]), `${format}: ${pattern}`);
      }
    }
  });

  for (const format of ['ini', 'yaml'] as const) {
    for (const reader of ['ansible-inventory', 'built-in parser'] as const) {
      it(`${format} inventory through ${reader}: every pattern selects the hosts ansible --list-hosts lists`, async () => {
        const options: TargetOptions = { ...base, inventoryPath: files[format], ansible: { builtinOnly: reader === 'built-in parser' } };
        const mismatches: string[] = [];
        await mapBounded(PATTERNS, 2, async (pattern) => {
          const expected = await ansibleHosts(pattern, files[format]);
          const ours = (await matchTargets(pattern, options)).map((e) => e.name).sort();
          if (JSON.stringify(ours) !== JSON.stringify(expected)) mismatches.push(`${pattern}: ours [${ours.join(' ')}] ansible [${expected.join(' ')}]`);
        });
        assert.deepEqual(mismatches, []);
        assert.equal((await matchTargets('web', options)).length, 13);
      });

      it(`${format} inventory through ${reader}: ansible_host, ansible_port, ansible_user and ssh args become the connection`, async () => {
        const options: TargetOptions = { ...base, inventoryPath: files[format], ansible: { builtinOnly: reader === 'built-in parser' } };
        const hosts = new Map((await resolveTarget('all', options)).map((h) => [h.name, h]));
        assert.equal(hosts.size, 18);
        const canary = hosts.get('web-canary')!;
        assert.deepEqual([canary.hostname, canary.port], ['127.0.0.50', 2222]);
        const web1 = hosts.get('web-01')!;
        assert.deepEqual([web1.hostname, web1.port, web1.user], ['web-01', 2200, 'ops']);
        assert.equal(hosts.get('web-02')!.hostname, '127.0.0.62', 'host_vars/web-02.yml');
        assert.equal(hosts.get('db-b.example.com')!.user, 'dba', 'group_vars/db.yml');
        assert.equal(hosts.get('lb-1')!.hostname, '127.0.0.9');
        const stage = hosts.get('stage-1')!;
        assert.equal(stage.connectTimeout, 5);
        assert.deepEqual(
          stage.proxyJump.map((h) => h.hostname),
          ['jump'],
        );
        assert.deepEqual(web1.ansible, { inventory: [files[format]], name: 'web-01' });
      });
    }
  }

  it('lists Ansible groups with their members, and ANSIBLE_INVENTORY is used when no inventory is given', async () => {
    const options: TargetOptions = { ...base, env: { ...process.env, ANSIBLE_INVENTORY: files.ini } };
    const targets = await listTargets(options);
    const prod = targets.find((t) => t.name === 'prod')!;
    assert.equal(prod.kind, 'group');
    assert.equal(prod.members?.length, 16);
    assert.ok(targets.some((t) => t.name === 'db-a.example.com' && t.source === 'ansible'));
    assert.deepEqual((await resolveTarget('web:&staging', options)).map((h) => h.name).sort(), ['web-10', 'web-11', 'web-12']);
  });

  it('reports a pattern that matches nothing, and a bad inventory line with file:line', async () => {
    const options: TargetOptions = { ...base, inventoryPath: files.ini, ansible: { builtinOnly: true } };
    await assert.rejects(resolveTarget('web:&db', options), (e: unknown) => e instanceof RunbookError && /"web:&db" matches no host/.test(e.message));
    const bad = path.join(root, 'bad.ini');
    writeFileSync(bad, '[web]\nweb-1\n[web:chidren]\nx\n');
    await assert.rejects(
      resolveTarget('web', { ...options, inventoryPath: bad }),
      (e: unknown) => e instanceof RunbookError && e.message.startsWith(`${bad}:3:`) && /unknown type "chidren"/.test(e.message),
    );
    writeFileSync(bad, '[web]\nweb-[1:x]\n');
    await assert.rejects(
      resolveTarget('web', { ...options, inventoryPath: bad }),
      (e: unknown) => e instanceof RunbookError && e.message.startsWith(`${bad}:2:`),
    );
    // Through Ansible the same file fails with Ansible's own message, not an empty inventory.
    await assert.rejects(
      resolveTarget('web', { ...options, inventoryPath: bad, ansible: {} }),
      (e: unknown) => e instanceof RunbookError && /ansible-inventory/.test(e.message),
    );
  });

  it('keeps the project inventory and ~/.ssh/config hosts working, with patterns over them', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'runbook-inv-'));
    try {
      writeFileSync(path.join(dir, 'ssh_config'), 'Host app-1 app-2 app-3 db-9\n  HostName 127.0.0.7\n');
      writeFileSync(path.join(dir, 'runbook-inventory.yaml'), 'hosts:\n  edge-1: { hostname: 127.0.0.8 }\ngroups:\n  apps: ["app-*"]\n');
      const options: TargetOptions = {
        workspaceRoot: dir,
        sshConfigPath: path.join(dir, 'ssh_config'),
        trustConfig: true,
        env: { ...process.env, ANSIBLE_INVENTORY: '' },
      };
      assert.deepEqual(
        (await resolveTarget('apps:!app-2', options)).map((h) => h.name),
        ['app-1', 'app-3'],
      );
      assert.deepEqual((await resolveTarget('all', options)).map((h) => h.name).sort(), ['app-1', 'app-2', 'app-3', 'db-9', 'edge-1']);
      assert.deepEqual((await resolveTarget('~(db|edge)-', options)).map((h) => h.name).sort(), ['db-9', 'edge-1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
