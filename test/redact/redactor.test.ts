// Planted secrets must not survive redaction; ordinary diagnostic output must come through untouched.
// Secrets are assembled at run time so this file itself holds nothing a secret scanner would flag.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRedactor } from '../../src/redact/redactor';

function randomChars(alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// Captured on a Debian 12 host during a conntrack incident drill (`ss -s`, `ulimit -n`, `sysctl`).
const diagnostics = [
  'Total: 68213',
  'TCP:   67549 (estab 1204, closed 65950, orphaned 12, timewait 65901)',
  'State      Recv-Q Send-Q Local Address:Port   Peer Address:Port Process',
  'ESTAB      0      0      10.20.1.15:443       10.20.7.31:51234  users:(("nginx",pid=812,fd=31))',
  'TIME-WAIT  0      0      [::ffff:10.20.1.15]:443 [::ffff:10.20.7.40]:40112',
  'open files                      (-n) 1024',
  'net.netfilter.nf_conntrack_max = 65536',
  'net.netfilter.nf_conntrack_count = 65536',
  'kernel: nf_conntrack: nf_conntrack: table full, dropping packet',
  'PasswordAuthentication no',
  'Nov 23 08:14:02 web-1 sshd[1021]: Accepted publickey for ops from 10.20.7.31 port 51234',
].join('\n');

describe('redactor', function () {
  let tmp: string;
  let privateKey: string;
  before(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redact-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'drill', '-f', path.join(tmp, 'id_ed25519')]);
    privateKey = fs.readFileSync(path.join(tmp, 'id_ed25519'), 'utf8');
  });
  after(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('removes every planted secret and leaves placeholders', async function () {
    const password = 'S3cr3t pass/word+' + randomChars(ALNUM, 6);
    const awsKey = 'AKIA' + randomChars(UPPER32, 16);
    const bearer = 'tok_' + randomChars(ALNUM, 24);
    const github = 'ghp_' + randomChars(ALNUM, 36);
    const text = [
      `echo ${awsKey}`,
      privateKey.trimEnd(),
      `curl -sS -H "Authorization: Bearer ${bearer}" https://api.internal/health`,
      `GITHUB=${github}`,
      `login password: ${password}`,
      `basic: ${Buffer.from(password).toString('base64')}`,
      `url: https://svc/login?p=${encodeURIComponent(password)}`,
      diagnostics,
    ].join('\n');
    const redactor = createRedactor({ secrets: [password] });
    const out = await redactor.redact(text);

    const keyBody = privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const planted of [awsKey, bearer, github, password, Buffer.from(password).toString('base64'), encodeURIComponent(password), ...keyBody]) {
      assert.equal(out.includes(planted), false, `still present: ${planted.slice(0, 12)}...`);
    }
    assert.match(out, /\[REDACTED:secret\]/);
    assert.match(out, /\[REDACTED:privatekey\]|\[REDACTED:private-key\]/);
    assert.match(out, /\[REDACTED:aws-access-key\]/);
    assert.match(out, /Authorization: Bearer \[REDACTED:authorization-header\]/);
    assert.match(out, /\[REDACTED:github\]/);
    assert.ok(out.endsWith(diagnostics), 'the diagnostic lines after the secrets are unchanged');
  });

  it('leaves ordinary diagnostic output untouched, byte for byte', async function () {
    const redactor = createRedactor({ secrets: ['hunter22'] });
    assert.equal(await redactor.redact(diagnostics), diagnostics);
  });

  it('masks exact values synchronously with redactKnown, including encoded forms', function () {
    const redactor = createRedactor();
    redactor.addSecret('p@ss word!');
    const out = redactor.redactKnown(`a p@ss word! b ${Buffer.from('p@ss word!').toString('base64')} c p%40ss%20word! d`);
    assert.equal(out, 'a [REDACTED:secret] b [REDACTED:secret] c [REDACTED:secret] d');
    assert.equal(redactor.redactKnown(diagnostics), diagnostics);
  });

  it('masks password= in URLs, curl -u and credentials in non-http URLs', async function () {
    const redactor = createRedactor();
    const out = await redactor.redact(
      'GET /login?user=ops&password=Winter2026 HTTP/1.1\ncurl -u ops:Winter2026 http://x\nredis://default:Winter2026@cache:6379/0',
    );
    assert.equal(out.includes('Winter2026'), false, out);
    assert.match(out, /user=ops&password=\[REDACTED:password-assignment\]/);
  });

  it('masks secrets in fetched config files: JSON keys, *_PASS variables, JWTs, and a secret ending at a literal \\n', async function () {
    // A fetch= brings whole config files into the record: these came through unchanged before.
    const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJvcHMiLCJpYXQiOjE3NjQ1NTAwMDB9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
    const text = [
      '{"password": "Hunter22secret", "user": "ops"}',
      "{'api_key': 'k3y-Value-77'}",
      'DB_PASS=Pa55-for-db',
      'export PGPASSWORD=Other-Pa55 REDIS_PASS=Third-Pa55',
      `session ${jwt}`,
      "printf 'a\\npassword=x1y2z3\\nAuthorization: Bearer abc.def-ghi_jkl'",
    ].join('\n');
    const out = await createRedactor().redact(text);
    for (const secret of ['Hunter22secret', 'k3y-Value-77', 'Pa55-for-db', 'Other-Pa55', 'Third-Pa55', jwt, 'x1y2z3', 'abc.def-ghi_jkl']) {
      assert.equal(out.includes(secret), false, `${secret} survived:\n${out}`);
    }
    assert.match(out, /"user": "ops"/);
    assert.match(out, /Authorization: Bearer \[REDACTED/);
  });

  it('leaves words that merely contain "pass" alone', async function () {
    const text = 'bypass=on compass: north passes=3 PASSED: 12';
    assert.equal(await createRedactor().redact(text), text);
  });

  it('anonymises IPs and host names with stable stand-ins, keeping loopback', async function () {
    const redactor = createRedactor({ anonymize: true, hosts: ['web-1', 'db.prod.example'] });
    const out = await redactor.redact(
      'web-1 -> 10.20.7.31:443\n10.20.7.31 again, db.prod.example at [fe80::1ff:fe23:4567:890a]:22, web-10 stays\nlocal 127.0.0.1 time 08:14:02',
    );
    assert.equal(out, 'host-1 -> ip-1:443\nip-1 again, host-2 at [ip-2]:22, web-10 stays\nlocal 127.0.0.1 time 08:14:02');
  });
});
