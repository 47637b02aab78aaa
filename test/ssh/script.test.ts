import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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
      'RB_V1=\'42\'\nRB_V2=\'10.1.2.3\'\nRB_V3=\'443\'\nkill -0 "$RB_V1" "$RB_V2" "$RB_V3"',
    );
  });

  it('refuses a command that uses a variable with no value', () => {
    assert.throws(
      () => buildStepScript('echo {{missing}}', {}),
      (e: unknown) => e instanceof RunbookError && /missing/.test(e.message),
    );
  });

  describe('a value never becomes code, whatever quotes stand around it', () => {
    const marker = `/tmp/runbook-quote-${process.pid}`;
    const hostile = [
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `'; touch ${marker}; '`,
      `"; touch ${marker}; "`,
      `\\"; touch ${marker}; #`,
      `\n touch ${marker}`,
    ];
    const positions: [string, (v: string) => string][] = [
      ['unquoted', () => 'printf %s {{v}}'],
      ['single quotes', () => "printf %s '{{v}}'"],
      ['double quotes', () => 'printf %s "{{v}}"'],
      ['inside a longer double-quoted word', () => 'printf %s "<{{v}}>"'],
      ['an apostrophe in a comment before it', () => "# it's here\nprintf %s {{v}}"],
      ['a heredoc', () => 'cat <<EOF\n{{v}}\nEOF'],
    ];
    for (const [where, command] of positions) {
      it(`${where}: the value is printed as text and nothing runs`, () => {
        for (const v of hostile) {
          const out = execFileSync('/bin/sh', ['-c', buildStepScript(command(v), { v })], { encoding: 'utf8' });
          assert.equal(existsSync(marker), false, `${where}: ${JSON.stringify(v)} ran: ${out}`);
          assert.ok(out.includes(v.trim()), `${where}: ${JSON.stringify(v)} printed as ${JSON.stringify(out)}`);
        }
      });
    }
  });
});
