// The inventory file: hosts refine ssh_config entries, groups expand (lists, globs, roles),
// `local` is built in, and every mistake names the file and line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseInventory } from '../../src/hosts/inventory';
import { listTargets, resolveRoles, resolveTarget, type TargetOptions } from '../../src/hosts/targets';
import { RunbookError } from '../../src/base/failure';

const sshConfig = [
  'Host web-2.prod',
  '  HostName 127.0.0.3',
  '  User deploy',
  '  Port 2022',
  'Host db-1 relay-a relay-b',
  '  HostName 127.0.0.4',
  'Host *.pattern',
  '  User nobody',
  '',
].join('\n');

const inventoryText = [
  'hosts:',
  '  web-1: { hostname: 127.0.0.2, port: 2222, user: ops }',
  '  web-2: { ssh: web-2.prod }       # an ~/.ssh/config alias',
  '  db-1: {}',
  'groups:',
  '  web: [web-1, web-2]',
  '  relays: ["relay-*"]',
  '  client-server: { client: [web-1], server: [db-1] }',
  '',
].join('\n');

/** Asserts a config error whose message starts with file:line and contains `text`. */
function configError(where: string, text: RegExp) {
  return (e: unknown) => e instanceof RunbookError && e.kind === 'config' && e.message.startsWith(where) && text.test(e.message);
}

describe('hosts/inventory and targets', () => {
  let root: string;
  let options: TargetOptions;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'inventory-'));
    writeFileSync(path.join(root, 'ssh_config'), sshConfig);
    writeFileSync(path.join(root, 'runbook-inventory.yaml'), inventoryText);
    options = { workspaceRoot: root, sshConfigPath: path.join(root, 'ssh_config'), trustConfig: true };
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('userKnownHostsFile: the host keys are checked against that file (absolute or ~), a relative path is refused', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'inventory-kh-'));
    try {
      // Several files are separated by spaces, as in ssh_config.
      const files = [path.join(dir, 'fleet_known_hosts'), path.join(dir, 'old_known_hosts')];
      writeFileSync(path.join(dir, 'runbook-inventory.yaml'), `hosts:\n  k-1: { hostname: 127.0.0.9, userKnownHostsFile: ${files.join(' ')} }\n`);
      const [host] = await resolveTarget('k-1', { ...options, workspaceRoot: dir });
      assert.deepEqual(host.userKnownHostsFiles, files);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.throws(
      () => parseInventory('hosts:\n  k-2: { userKnownHostsFile: keys/known_hosts }\n', 'inv.yaml'),
      configError('inv.yaml:2', /userKnownHostsFile of host "k-2" must be an absolute path or start with ~/),
    );
  });

  it('inventory fields override ssh_config; `ssh:` refers to an alias', async () => {
    const [web1] = await resolveTarget('web-1', options);
    assert.deepEqual([web1.name, web1.hostname, web1.port, web1.user], ['web-1', '127.0.0.2', 2222, 'ops']);
    assert.equal(web1.origin, 'runbook-inventory.yaml:2');
    const [web2] = await resolveTarget('web-2', options);
    assert.deepEqual([web2.name, web2.hostname, web2.port, web2.user], ['web-2', '127.0.0.3', 2022, 'deploy']);
    const [db] = await resolveTarget('db-1', options);
    assert.equal(db.hostname, '127.0.0.4');
  });

  it('groups expand to their members, globs over known names, roles kept apart', async () => {
    assert.deepEqual(
      (await resolveTarget('web', options)).map((h) => h.name),
      ['web-1', 'web-2'],
    );
    assert.deepEqual(
      (await resolveTarget('relays', options)).map((h) => h.name),
      ['relay-a', 'relay-b'],
    );
    const roles = await resolveRoles('client-server', options);
    assert.deepEqual(Object.fromEntries(Object.entries(roles).map(([r, hs]) => [r, hs.map((h) => h.hostname)])), {
      client: ['127.0.0.2'],
      server: ['127.0.0.4'],
    });
  });

  it('`local` is the machine itself', async () => {
    const [local] = await resolveTarget('local', options);
    assert.equal(local.kind, 'local');
    assert.equal(local.user, os.userInfo().username);
  });

  it('lists ssh_config hosts (not patterns), inventory hosts, groups and local, with origins', async () => {
    const targets = await listTargets(options);
    const byName = new Map(targets.map((t) => [t.name, t]));
    assert.deepEqual(targets.map((t) => `${t.kind}:${t.name}`).sort(), [
      'group:client-server',
      'group:relays',
      'group:web',
      'host:db-1',
      'host:relay-a',
      'host:relay-b',
      'host:web-1',
      'host:web-2',
      'host:web-2.prod',
      'local:local',
    ]);
    assert.equal(byName.get('relay-b')?.origin, `${root}/ssh_config:5`);
    assert.equal(byName.get('relay-b')?.source, '~/.ssh/config');
    assert.equal(byName.get('db-1')?.source, 'inventory');
    assert.deepEqual(byName.get('relays')?.members, ['relay-a', 'relay-b']);
    assert.equal(byName.get('client-server')?.description, 'roles: client, server');
  });

  it('an unknown name is a config error naming the closest names and where names come from', async () => {
    await assert.rejects(resolveTarget('web1', options), (e: unknown) => {
      assert.ok(e instanceof RunbookError);
      assert.equal(e.kind, 'config');
      assert.match(e.message, /Unknown host or group "web1"; did you mean .*"web-1"/);
      assert.match(e.message, /runbook-inventory\.yaml/);
      return true;
    });
  });

  it('a group member that matches nothing names its line', async () => {
    const file = path.join(root, 'bad-group.yaml');
    writeFileSync(file, 'hosts:\n  a: {}\ngroups:\n  g:\n    - a\n    - "zzz-*"\n');
    await assert.rejects(
      resolveTarget('g', { ...options, inventoryPath: file }),
      configError('bad-group.yaml:6', /"zzz-\*" in group "g" matches no known host/),
    );
  });

  const badInventories: Array<[string, string, RegExp]> = [
    ['hosts:\n  web-1: { hostname: 127.0.0.2, prot: 22 }\n', 'inv.yaml:2', /unknown setting "prot".*/],
    ['hosts:\n  web-1:\n    port: 99999\n', 'inv.yaml:3', /port of host "web-1" must be 1-65535/],
    ['hosts:\n  web-1: {}\n  web-1: {}\n', 'inv.yaml:3', /unique/],
    ['hosts:\n  local: {}\n', 'inv.yaml:2', /"local" is the built-in name/],
    ['groups:\n  g: "web-1"\n', 'inv.yaml:2', /must be a list of hosts or a mapping of roles/],
    ['hosts: [a, b]\n', 'inv.yaml:1', /`hosts:` must map names to settings/],
    ['hosts:\n  a: { hostname: "x y" }\n', 'inv.yaml:2', /bad value/],
    ['hosts:\n  a: {}\nservers: {}\n', 'inv.yaml:3', /unknown top-level key "servers"/],
    ['hosts:\n  a: { hostname: [1, 2 }\n', 'inv.yaml:2', /./],
  ];
  badInventories.forEach(([text, where, message], i) => {
    it(`bad inventory ${i + 1} is rejected with file:line (${message.source.slice(0, 30)})`, () => {
      assert.throws(() => parseInventory(text, 'inv.yaml'), configError(where, message));
    });
  });

  it('a missing default inventory is fine; a missing configured one is an error', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'no-inventory-'));
    try {
      const targets = await listTargets({ ...options, workspaceRoot: empty });
      assert.ok(targets.some((t) => t.name === 'web-2.prod'));
      await assert.rejects(listTargets({ ...options, workspaceRoot: empty, inventoryPath: 'nope.yaml' }), /does not exist/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
