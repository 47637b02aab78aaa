// Drives the real language server over stdio: each mistake in a runbook comes back as a diagnostic
// on the exact range, with a message that says what to do.

import { strict as assert } from 'node:assert';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, at } from './lspClient';
import { CONNTRACK, where } from './fixtures';

let client: LspClient;
let n = 0;
const uri = () => `file:///tmp/lsp-test/case-${++n}.runbook.md`;

function only(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `one ${code} in ${JSON.stringify(diagnostics.map((d) => `${d.code}: ${d.message}`))}`);
  return found[0];
}

function span(text: string, needle: string, offset = 0, length = needle.length - offset, nth = 0): string {
  const start = where(text, needle, offset, nth);
  return at({ start, end: { line: start.line, character: start.character + length } });
}

describe('language server diagnostics (over stdio)', function () {
  this.timeout(30_000);
  before(async () => {
    client = await LspClient.start({ diagnosticsDelayMs: 10 });
  });
  after(async () => {
    await client.stop();
  });

  it('a correct runbook has no diagnostics', async () => {
    assert.deepEqual(await client.open(uri(), CONNTRACK), []);
  });

  it('a next naming no step: error on the value, with "did you mean"', async () => {
    const text = CONNTRACK.replace('next: drops', 'next: drop');
    const d = only(await client.open(uri(), text), 'unknown-next');
    assert.equal(d.severity, 1);
    assert.equal(at(d.range), span(text, 'next: drop\n', 6, 4));
    assert.match(d.message, /no step has id "drop"; did you mean "drops"\?/);
    assert.match(d.message, /or add a step with \{id=drop\}/);
  });

  it('a next naming a step that has no id', async () => {
    const text = CONNTRACK.replace('```sh {id=drops title="Kernel drops"}', '```sh {title="Kernel drops"}').replace('next: drops', 'next: step-2');
    const d = only(await client.open(uri(), text), 'next-step-without-id');
    assert.equal(at(d.range), span(text, 'next: step-2', 6));
    assert.match(d.message, /has no id; give that step an id \(e\.g\. \{id=kernel-drops\}\)/);
  });

  it('a step no path reaches: warning on its fence line', async () => {
    // The first check always goes to listeners (or drops), so an extra step after listeners' `next: end` is unreachable.
    const text = `${CONNTRACK}\n\`\`\`sh {id=orphan}\nuptime\n\`\`\`\n`;
    const d = only(await client.open(uri(), text), 'unreachable-step');
    assert.equal(d.severity, 2);
    assert.equal(d.range.start.line, where(text, '```sh {id=orphan}').line);
    assert.equal(d.range.start.character, 0);
    assert.match(d.message, /no path from the first step \(conntrack\) reaches step orphan.*add `next: orphan` to a check/);
  });

  it('a loop with no exit: error naming the steps', async () => {
    const text = CONNTRACK.replace('next: end', 'next: drops');
    const diagnostics = await client.open(uri(), text);
    const d = only(diagnostics, 'loop-without-exit');
    assert.equal(d.range.start.line, where(text, '```sh {id=drops').line);
    assert.match(d.message, /steps drops, listeners branch only to each other.*add a finding with `next: end`/);
  });

  it('an unknown parser: error on the name, listing parsers', async () => {
    const text = CONNTRACK.replace('parse: ss-tan', 'parse: ss-tann');
    const d = only(await client.open(uri(), text), 'unknown-parser');
    assert.equal(at(d.range), span(text, 'parse: ss-tann', 7));
    assert.match(d.message, /there is no parser "ss-tann"; did you mean "ss-tan"\? use one of ss-summary, ss-tan/);
  });

  it('an invalid extract regex: error with the JavaScript message', async () => {
    const text = CONNTRACK.replace('parse: ss-tan\n', 'parse: ss-tan\nextract:\n  pid: "pid=([0-9]+"\n');
    const d = only(await client.open(uri(), text), 'check-regex');
    assert.equal(at(d.range), span(text, '"pid=([0-9]+"'));
    assert.match(d.message, /regular expression for "pid" does not compile: Invalid regular expression: .*Unterminated group/);
  });

  it('an expression that does not parse: error at the offset', async () => {
    const text = CONNTRACK.replace('when: count >= max * 0.9', 'when: count >= max * 0.9)');
    const d = only(await client.open(uri(), text), 'expression-syntax');
    const start = where(text, '0.9)', 3);
    assert.equal(d.range.start.line, start.line);
    assert.equal(d.range.start.character, start.character);
    assert.match(d.message, /does not parse at character \d+: .*write e\.g\./);
  });

  it('an expression using a value nothing defines: warning on the name', async () => {
    const text = CONNTRACK.replace('when: count >= max * 0.9', 'when: count >= maxx * 0.9');
    const d = only(await client.open(uri(), text), 'unknown-value');
    assert.equal(d.severity, 2);
    assert.equal(at(d.range), span(text, 'maxx * 0.9', 0, 4));
    assert.match(d.message, /nothing defines the value "maxx" \(parser numbers gives .*count, max\); did you mean "max"\?/);
  });

  it('{{var}} in a message or a command that nothing defines', async () => {
    const text = CONNTRACK.replace('{{count}}/{{max}}', '{{count}}/{{limit}}').replace('sport = :{{port}}', 'sport = :{{prot}}');
    const diagnostics = await client.open(uri(), text);
    const message = diagnostics.find((d) => d.code === 'unknown-value');
    assert.ok(message, JSON.stringify(diagnostics));
    assert.equal(at(message.range), span(text, 'limit}}', 0, 5));
    const command = only(diagnostics, 'undefined-variable');
    assert.equal(at(command.range), span(text, '{{prot}}'));
    assert.match(command.message, /\{\{prot\}\} has no value when this step runs.*did you mean "port"\?.*declare it under params:/);
  });

  it('a command that changes the host in a step without confirm: warning on that line', async () => {
    const text = CONNTRACK.replace("dmesg -T | grep -c 'table full'", "dmesg -T | grep -c 'table full'\nsudo sysctl -w net.netfilter.nf_conntrack_max=262144");
    const d = only(await client.open(uri(), text), 'unconfirmed-change');
    assert.equal(at(d.range), span(text, 'sudo sysctl -w net.netfilter.nf_conntrack_max=262144'));
    assert.match(d.message, /changes the host \(sysctl -w\/-p changes kernel settings\).*add confirm to its fence \(\{id=drops confirm\}\)/);
    // The same command in a step marked confirm is fine.
    const confirmed = text.replace('{id=drops title="Kernel drops"}', '{id=drops title="Kernel drops" confirm}');
    assert.deepEqual(await client.change(`file:///tmp/lsp-test/case-${n}.runbook.md`, confirmed), []);
  });

  it('format problems from the parser: bad attribute, unknown attribute, duplicate id, orphan check, unclosed fence, front matter', async () => {
    const text = CONNTRACK.replace('timeout=10s', 'timeout=ten colour=red').replace('```sh {id=listeners}', '```sh {id=drops}');
    const diagnostics = await client.open(uri(), text);
    assert.equal(at(only(diagnostics, 'bad-attribute').range), span(text, 'timeout=ten', 8));
    assert.equal(at(only(diagnostics, 'unknown-attribute').range), span(text, 'colour=red'));
    assert.equal(at(only(diagnostics, 'duplicate-step-id').range), span(text, '{id=drops}', 4, 5));
    const orphan = `${CONNTRACK}\n\`\`\`check\nnext: end\n\`\`\`\n\n\`\`\`sh {id=late}\nuptime\n`;
    const more = await client.open(uri(), orphan);
    assert.equal(only(more, 'orphan-check').range.start.line, where(orphan, '```check', 0, 3).line);
    assert.equal(only(more, 'unclosed-fence').range.start.line, where(orphan, '```sh {id=late}').line);
    const yaml = await client.open(uri(), CONNTRACK.replace('params:\n  port: 8080', 'params: [port'));
    assert.equal(only(yaml, 'front-matter-yaml').severity, 1);
  });

  it('diagnostics follow edits (incremental didChange)', async () => {
    const u = uri();
    assert.deepEqual(await client.open(u, CONNTRACK), []);
    const pos = where(CONNTRACK, 'next: drops', 6);
    const after = await client.change(u, 'dorps', { start: pos, end: { line: pos.line, character: pos.character + 5 } });
    assert.equal(only(after, 'unknown-next').range.start.line, pos.line);
    assert.deepEqual(await client.change(u, 'drops', { start: pos, end: { line: pos.line, character: pos.character + 5 } }), []);
  });
});
