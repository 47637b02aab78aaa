// Differential tests: the fallback evaluator must give the same HostConfig as the real `ssh -G`
// (OpenSSH on this machine) for each config below; each case also pins what a user expects.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveHost, localFacts } from '../../src/hosts/sshConfig';
import type { HostConfig } from '../../src/hosts/types';
import { RunbookError } from '../../src/base/failure';

interface Case {
  title: string;
  /** Files by name; `main` is passed as `-F`. `$DIR` is replaced by the case's directory. */
  files: Record<string, string>;
  hosts: string[];
  overrides?: Record<string, string>;
  expect: (got: Record<string, HostConfig>) => void;
}

const home = localFacts().homeDir;
const me = localFacts().user;

const cases: Case[] = [
  {
    title: 'wildcards * and ?',
    files: { main: 'Host web-?\n  Port 2201\nHost web-*\n  HostName %h.prod.example\n  Port 2299\n' },
    hosts: ['web-1', 'web-10', 'db'],
    expect: (g) => {
      assert.equal(g['web-1'].port, 2201);
      assert.equal(g['web-10'].port, 2299);
      assert.equal(g['web-10'].hostname, 'web-10.prod.example');
      assert.equal(g.db.hostname, 'db');
    },
  },
  {
    title: 'negated Host pattern vetoes the whole line',
    files: { main: 'Host *.prod !bastion.prod\n  User deploy\nHost *\n  User nobody\n' },
    hosts: ['a.prod', 'bastion.prod'],
    expect: (g) => {
      assert.equal(g['a.prod'].user, 'deploy');
      assert.equal(g['bastion.prod'].user, 'nobody');
    },
  },
  {
    title: 'Host * defaults after specific blocks: first value wins',
    files: { main: 'Host db\n  User dbadmin\nHost *\n  User everyone\n  Port 2222\n' },
    hosts: ['db', 'other'],
    expect: (g) => {
      assert.equal(g.db.user, 'dbadmin');
      assert.equal(g.db.port, 2222);
      assert.equal(g.other.user, 'everyone');
    },
  },
  {
    title: 'Host * before specific blocks shadows them',
    files: { main: 'Host *\n  Port 2022\nHost db\n  Port 3333\n  User dbadmin\n' },
    hosts: ['db'],
    expect: (g) => {
      assert.equal(g.db.port, 2022);
      assert.equal(g.db.user, 'dbadmin');
    },
  },
  {
    title: 'Include glob in lexical order',
    files: {
      main: 'Include $DIR/conf.d/*.conf\nHost *\n  Port 22\n',
      'conf.d/10-a.conf': 'Host web\n  HostName from-10\n',
      'conf.d/02-b.conf': 'Host web\n  HostName from-02\n  User from02\n',
      'conf.d/2-c.conf': 'Host web\n  HostName from-2\n  Port 2002\n',
      'conf.d/.hidden.conf': 'Host web\n  Port 9999\n',
    },
    hosts: ['web'],
    expect: (g) => {
      assert.equal(g.web.hostname, 'from-02');
      assert.equal(g.web.user, 'from02');
      assert.equal(g.web.port, 2002);
    },
  },
  {
    title: 'nested Include',
    files: {
      main: 'Include $DIR/level1.conf\n',
      'level1.conf': 'Host deep\n  User one\nInclude $DIR/level2.conf\n',
      'level2.conf': 'Host deep\n  HostName deep.example\n  Port 2345\n',
    },
    hosts: ['deep'],
    expect: (g) => {
      assert.equal(g.deep.hostname, 'deep.example');
      assert.equal(g.deep.port, 2345);
    },
  },
  {
    title: 'Include inside Host: included top lines belong to the block, state restored after',
    files: {
      main: 'Host web\n  Include $DIR/inner.conf\n  Port 2100\nHost other\n  Include $DIR/inner.conf\nHost *\n  User last\n',
      'inner.conf': 'User inner\nHost web\n  HostName inner.example\nHost nomatch\n  ConnectTimeout 7\n',
    },
    hosts: ['web', 'other', 'third'],
    expect: (g) => {
      assert.equal(g.web.user, 'inner');
      assert.equal(g.web.hostname, 'inner.example');
      assert.equal(g.web.port, 2100);
      assert.equal(g.other.user, 'inner');
      assert.equal(g.third.user, 'last');
    },
  },
  {
    title: 'Match host sees HostName; originalhost sees the typed name',
    files: { main: 'Host db\n  HostName db.internal\nMatch host *.internal\n  User internal\nMatch originalhost db\n  Port 2300\n' },
    hosts: ['db', 'x.internal', 'web'],
    expect: (g) => {
      assert.equal(g.db.user, 'internal');
      assert.equal(g.db.port, 2300);
      assert.equal(g['x.internal'].user, 'internal');
      assert.equal(g.web.user, me);
    },
  },
  {
    title: 'Match user, localuser, negation and comma lists',
    files: {
      main: `Host app\n  User deploy\nMatch user deploy,admin\n  Port 2400\nMatch localuser ${me} !host app\n  IdentitiesOnly yes\nMatch !user deploy\n  ConnectTimeout 4\n`,
    },
    hosts: ['app', 'other'],
    expect: (g) => {
      assert.equal(g.app.port, 2400);
      assert.equal(g.app.identitiesOnly, false);
      assert.equal(g.other.identitiesOnly, true);
      assert.equal(g.other.connectTimeout, 4);
      assert.equal(g.app.connectTimeout, undefined);
    },
  },
  {
    title: 'Match all and Match final (second pass with the resolved name)',
    files: {
      main: 'Host short\n  HostName real.example\nMatch final host real.example\n  Port 2500\nHost real.example\n  User finaluser\nMatch all\n  ServerAliveInterval 15\n',
    },
    hosts: ['short', 'real.example', 'plain'],
    expect: (g) => {
      assert.equal(g.short.port, 2500);
      assert.equal(g.short.serverAliveInterval, 15);
      assert.equal(g.plain.port, 22);
    },
  },
  {
    title: 'multiple IdentityFile accumulate, dedupe, expand ~ and tokens',
    files: {
      main: 'Host k\n  IdentityFile ~/.ssh/id_%r@%h:%p\n  IdentityFile /keys/%u/%d/%%x\n  User kuser\nHost *\n  IdentityFile ~/.ssh/id_%r@%h:%p\n  IdentityFile /keys/common\n',
    },
    hosts: ['k'],
    expect: (g) => {
      assert.deepEqual(g.k.identityFiles, [`${home}/.ssh/id_kuser@k:22`, `/keys/${me}/${home}/%x`, '/keys/common']);
    },
  },
  {
    title: 'no IdentityFile: OpenSSH default keys',
    files: { main: 'Host none\n  Port 2600\n' },
    hosts: ['none'],
    expect: (g) => assert.ok(g.none.identityFiles.includes(`${home}/.ssh/id_ed25519`)),
  },
  {
    title: 'ProxyJump chain, each hop with its own config',
    files: {
      main: [
        'Host target',
        '  ProxyJump ops@j1:2200,j2',
        '  HostName 10.0.0.9',
        'Host j1',
        '  HostName 127.0.0.5',
        '  User ignored',
        '  ProxyJump j0',
        'Host j2',
        '  HostName 127.0.0.6',
        '  ProxyJump shouldnotapply',
        '  IdentityFile /keys/j2',
        'Host j0',
        '  HostName 127.0.0.4',
        '  Port 2022',
        '',
      ].join('\n'),
    },
    hosts: ['target'],
    expect: (g) => {
      const hops = g.target.proxyJump.map((h) => `${h.user}@${h.hostname}:${h.port}`);
      assert.deepEqual(hops, [`${me}@127.0.0.4:2022`, 'ops@127.0.0.5:2200', `${me}@127.0.0.6:22`]);
      assert.deepEqual(g.target.proxyJump[2].identityFiles, ['/keys/j2']);
    },
  },
  {
    title: 'case-insensitive keywords, case-sensitive values',
    files: { main: 'HOST Mixed\n  HOSTNAME Mixed.Example\n  pOrT 2700\n  USER CamelUser\n' },
    hosts: ['Mixed', 'mixed'],
    expect: (g) => {
      assert.equal(g.Mixed.port, 2700);
      assert.equal(g.Mixed.user, 'CamelUser');
      assert.equal(g.Mixed.hostname, 'mixed.example');
      assert.equal(g.mixed.port, 22);
    },
  },
  {
    title: '= syntax',
    files: { main: 'Host=eq\n  Port=2800\n  User = equser\n  HostName= eq.example\n  ServerAliveCountMax =5\n' },
    hosts: ['eq'],
    expect: (g) => {
      assert.equal(g.eq.port, 2800);
      assert.equal(g.eq.user, 'equser');
      assert.equal(g.eq.hostname, 'eq.example');
      assert.equal(g.eq.serverAliveCountMax, 5);
    },
  },
  {
    title: 'quoted values and comments',
    files: { main: 'Host "quoted" # a comment\n  IdentityFile "/keys/with space/id"\n  UserKnownHostsFile "/kh/a b" /kh/c\n  User \'q\'\n' },
    hosts: ['quoted'],
    expect: (g) => {
      assert.deepEqual(g.quoted.identityFiles, ['/keys/with space/id']);
      assert.equal(g.quoted.user, 'q');
    },
  },
  {
    title: 'known_hosts settings, tokens, alias, agent, timeouts',
    files: {
      main: [
        'Host kh',
        '  HostName KH.Example',
        '  UserKnownHostsFile ~/kh/%h_%p_%r_%n_%k /tmp/kh2',
        '  GlobalKnownHostsFile /etc/g1 /etc/g2',
        '  StrictHostKeyChecking accept-new',
        '  HashKnownHosts yes',
        '  HostKeyAlias KhAlias',
        '  IdentityAgent ~/agent/%r.sock',
        '  ServerAliveInterval 1m',
        '  ServerAliveCountMax 2',
        '  ConnectTimeout 1m30s',
        'Host strict',
        '  StrictHostKeyChecking yes',
        'Host loose',
        '  StrictHostKeyChecking no',
        '  IdentityAgent none',
        '',
      ].join('\n'),
    },
    hosts: ['kh', 'strict', 'loose', 'default'],
    expect: (g) => {
      assert.deepEqual(g.kh.userKnownHostsFiles, [`${home}/kh/kh.example_22_${me}_kh_khalias`, '/tmp/kh2']);
      assert.equal(g.kh.hostKeyAlias, 'khalias');
      assert.equal(g.kh.strictHostKeyChecking, 'accept-new');
      assert.equal(g.kh.identityAgent, `${home}/agent/${me}.sock`);
      assert.equal(g.kh.serverAliveInterval, 60);
      assert.equal(g.kh.connectTimeout, 90);
      assert.equal(g.strict.strictHostKeyChecking, 'yes');
      assert.equal(g.loose.strictHostKeyChecking, 'no');
      assert.equal(g.loose.identityAgent, undefined);
      assert.equal(g.default.strictHostKeyChecking, 'ask');
      assert.deepEqual(g.default.userKnownHostsFiles, [`${home}/.ssh/known_hosts`, `${home}/.ssh/known_hosts2`]);
    },
  },
  {
    title: '-o overrides win over the file',
    files: { main: 'Host o\n  Port 2900\n  User fromfile\n  HostName o.example\n' },
    hosts: ['o'],
    overrides: { Port: '2901', User: 'fromoverride' },
    expect: (g) => {
      assert.equal(g.o.port, 2901);
      assert.equal(g.o.user, 'fromoverride');
      assert.equal(g.o.hostname, 'o.example');
    },
  },
  // Cases npm ssh-config 5.3 gets wrong (measured): they pin why the fallback is our own code.
  {
    title: 'Include inside a non-matching Host: its blocks can never match',
    files: { main: 'Host other\n  Include $DIR/inner.conf\nHost *\n  Port 22\n', 'inner.conf': 'Host web\n  Port 2001\nUser inner\n' },
    hosts: ['web', 'other'],
    expect: (g) => {
      assert.equal(g.web.port, 22);
      assert.equal(g.web.user, me);
    },
  },
  {
    title: '? matches exactly one character (in Host and in Match host)',
    files: { main: 'Host web-?\n  Port 2003\nMatch host db-?\n  Port 2004\n' },
    hosts: ['web-', 'web-1', 'db-', 'db-1'],
    expect: (g) => {
      assert.equal(g['web-'].port, 22);
      assert.equal(g['web-1'].port, 2003);
      assert.equal(g['db-'].port, 22);
      assert.equal(g['db-1'].port, 2004);
    },
  },
  {
    title: 'Match final re-reads with the lowercased resolved name',
    files: { main: 'Host s\n  HostName Real.Example\nMatch final\n  Port 2008\nHost real.example\n  User fin\n' },
    hosts: ['s'],
    expect: (g) => assert.equal(g.s.user, 'fin'),
  },
  {
    title: 'Match canonical matches in the final pass',
    files: { main: 'Host s\n  HostName r.example\nMatch final\n  Port 2009\nMatch canonical\n  User canon\n' },
    hosts: ['s'],
    expect: (g) => assert.equal(g.s.user, 'canon'),
  },
  {
    title: '# starts a comment only at the start of a word',
    files: { main: 'Host h\n  IdentityFile /k/a#b\n' },
    hosts: ['h'],
    expect: (g) => assert.deepEqual(g.h.identityFiles, ['/k/a#b']),
  },
];

/** Origins differ only in wording when no Host line names the host ('ssh -G' vs the fallback's). */
function comparable(h: HostConfig): unknown {
  return { ...h, origin: h.origin.includes(':') ? h.origin : 'computed', proxyJump: h.proxyJump.map(comparable) };
}

describe('hosts/sshConfig: fallback vs real ssh -G', function () {
  let root: string;
  const env = { ...process.env, SSH_AUTH_SOCK: '/run/test-agent.sock' };

  before(function () {
    execFileSync('ssh', ['-G', '-F', '/dev/null', 'probe'], { stdio: 'pipe' });
    root = mkdtempSync(path.join(os.tmpdir(), 'hosts-diff-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  cases.forEach((c, i) => {
    it(c.title, async () => {
      const dir = path.join(root, String(i));
      for (const [name, text] of Object.entries(c.files)) {
        const file = path.join(dir, name);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text.replaceAll('$DIR', dir));
      }
      const sshConfigPath = path.join(dir, 'main');
      const viaSsh: Record<string, HostConfig> = {};
      for (const host of c.hosts) {
        const fromSsh = await resolveHost(host, { sshConfigPath, trustConfig: true, overrides: c.overrides, env });
        const fromFallback = await resolveHost(host, { sshConfigPath, trustConfig: false, overrides: c.overrides, env });
        assert.deepEqual(comparable(fromFallback), comparable(fromSsh), `fallback differs from ssh -G for ${host}`);
        viaSsh[host] = fromSsh;
      }
      c.expect(viaSsh);
    });
  });

  it('relative Include is read from ~/.ssh', async () => {
    const rel = `runbook-hosts-test-${process.pid}`;
    const dir = path.join(home, '.ssh', rel);
    const hadSshDir = existsSync(path.join(home, '.ssh'));
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(path.join(dir, 'a.conf'), 'Host relinc\n  Port 3100\n');
      const main = path.join(root, 'rel-main');
      writeFileSync(main, `Include ${rel}/*.conf\n`);
      const a = await resolveHost('relinc', { sshConfigPath: main, trustConfig: true, env });
      const b = await resolveHost('relinc', { sshConfigPath: main, trustConfig: false, env });
      assert.equal(a.port, 3100);
      assert.equal(b.port, 3100);
    } finally {
      rmSync(hadSshDir ? dir : path.join(home, '.ssh'), { recursive: true, force: true });
    }
  });

  it('unset IdentityAgent uses SSH_AUTH_SOCK from the given environment', async () => {
    const file = path.join(root, 'agent');
    writeFileSync(file, 'Host x\n  Port 22\n');
    const h = await resolveHost('x', { sshConfigPath: file, trustConfig: false, env });
    assert.equal(h.identityAgent, '/run/test-agent.sock');
  });

  it('names the config line a host came from', async () => {
    const file = path.join(root, 'origin');
    writeFileSync(file, '# hosts\n\nHost alpha beta\n  Port 2\n');
    const h = await resolveHost('beta', { sshConfigPath: file, trustConfig: false });
    assert.equal(h.origin, `${file}:3`);
  });

  it('never runs Match exec in the fallback, and says so', async () => {
    const marker = path.join(root, 'exec-ran');
    const file = path.join(root, 'exec');
    writeFileSync(file, `Match exec "touch ${marker}"\n  Port 4000\nHost *\n  Port 4001\n`);
    const warnings: string[] = [];
    const h = await resolveHost('x', { sshConfigPath: file, trustConfig: false, onWarning: (w) => warnings.push(w) });
    assert.equal(h.port, 4001);
    assert.equal(existsSync(marker), false);
    assert.match(warnings.join('\n'), new RegExp(`${file}:1: "Match exec`));
  });

  it('a config given by path is not trusted by default (ssh -G would run Match exec)', async () => {
    const marker = path.join(root, 'exec-default');
    const file = path.join(root, 'exec2');
    writeFileSync(file, `Match exec "touch ${marker}"\n  Port 4000\n`);
    await resolveHost('x', { sshConfigPath: file });
    assert.equal(existsSync(marker), false);
  });

  it('ProxyJump loops are a config error in both paths', async () => {
    const file = path.join(root, 'loop');
    writeFileSync(file, 'Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n');
    for (const trustConfig of [true, false]) {
      await assert.rejects(
        resolveHost('a', { sshConfigPath: file, trustConfig }),
        (e: unknown) => e instanceof RunbookError && e.kind === 'config' && /ProxyJump loop: a -> b -> a/.test(e.message),
      );
    }
  });

  it('bad values say file:line', async () => {
    const file = path.join(root, 'bad');
    writeFileSync(file, 'Host bad\n  Port notanumber\n');
    await assert.rejects(resolveHost('bad', { sshConfigPath: file, trustConfig: false }), new RegExp(`${file}:2: bad port`));
    await assert.rejects(resolveHost('bad', { sshConfigPath: file, trustConfig: true }), /ssh -G bad failed/);
  });

  it('falls back when no ssh client is installed', async () => {
    const file = path.join(root, 'nossh');
    writeFileSync(file, 'Host n\n  Port 4100\n');
    const h = await resolveHost('n', { sshConfigPath: file, trustConfig: true, sshBinary: '/nonexistent/ssh' });
    assert.equal(h.port, 4100);
  });
});
