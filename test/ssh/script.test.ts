import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { buildStepScript, shellQuote } from '../../src/ssh/script';
import { RunbookError } from '../../src/base/failure';

describe('ssh/script: variables into commands', () => {
  it('replaces {{name}} by one quoted word that local sh prints back byte for byte', () => {
    const values = ['x; touch /tmp/pwned', "a'b", '$(id)', '`id`', '${IFS}', '-rf', 'line1\nline2', '"', '*', '~', '!'];
    for (const v of values) {
      const script = buildStepScript("printf '%s' {{v}}", { v });
      assert.equal(execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' }), v);
    }
  });

  it('quotes a single quote the POSIX way', () => {
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
  });

  it('refuses a value that does not fit its declared type, naming the variable and rule', () => {
    assert.throws(
      () => buildStepScript('kill -0 {{pid}}', { pid: '123; rm -rf ~' }, { pid: { type: 'pid' } }),
      (e: unknown) => e instanceof RunbookError && e.kind === 'config' && /"pid"/.test(e.message) && /process id/.test(e.message),
    );
    assert.throws(() => buildStepScript('ls {{p}}', { p: '--help' }, { p: { type: 'path' } }), /not starting with -/);
    assert.throws(() => buildStepScript('ss -tn dport = {{port}}', { port: '70000' }, { port: { type: 'port' } }), /1-65535/);
    assert.throws(() => buildStepScript('ping {{ip}}', { ip: '10.0.0.256' }, { ip: { type: 'ipv4' } }), /IPv4/);
    assert.throws(() => buildStepScript('echo {{id}}', { id: 'abc' }, { id: { pattern: '[0-9]+' } }), /pattern/);
  });

  it('accepts well-formed values of each type', () => {
    assert.equal(
      buildStepScript(
        'kill -0 {{pid}} {{ip}} {{port}}',
        { pid: '42', ip: '10.1.2.3', port: '443' },
        { pid: { type: 'pid' }, ip: { type: 'ipv4' }, port: { type: 'port' } },
      ),
      "kill -0 '42' '10.1.2.3' '443'",
    );
  });

  it('refuses a command that uses a variable with no value', () => {
    assert.throws(
      () => buildStepScript('echo {{missing}}', {}),
      (e: unknown) => e instanceof RunbookError && /missing/.test(e.message),
    );
  });
});
