// Malformed files: each problem is a diagnostic naming its line (1-based) and saying what to do,
// and printing still gives back every original byte.

import { strict as assert } from 'node:assert';
import { parseRunbook } from '../../src/runbook/parse';
import { printRunbook } from '../../src/runbook/print';
import { blockingProblem, fromNotebook, toNotebook } from '../../src/runbook/cells';

function only(text: string, code: string) {
  const runbook = parseRunbook(text, 'bad.runbook.md');
  assert.equal(printRunbook(runbook), text, 'no content is lost');
  const found = runbook.diagnostics.filter((d) => d.code === code);
  assert.equal(found.length, 1, `one ${code} in ${JSON.stringify(runbook.diagnostics.map((d) => d.message))}`);
  return { runbook, diagnostic: found[0] };
}

describe('malformed runbooks', () => {
  it('bad YAML front matter points at the YAML line', () => {
    const { diagnostic, runbook } = only('---\ntitle: ok\ntags: [a, b\n---\n\n# T\n', 'front-matter-yaml');
    assert.equal(diagnostic.severity, 'error');
    assert.ok(diagnostic.range.start.line >= 2 && diagnostic.range.start.line <= 3, JSON.stringify(diagnostic.range));
    assert.match(diagnostic.message, /^line [34]: front matter is not valid YAML/);
    assert.equal(runbook.frontMatter?.data, undefined);
  });

  it('front matter values of the wrong type name their line', () => {
    const { diagnostic } = only('---\ntitle: T\nparams:\n  port: {default: 80, type: portnumber}\n---\n', 'front-matter-type');
    assert.match(diagnostic.message, /^line 4: unknown type "portnumber"/);
  });

  it('reads front matter fields', () => {
    const runbook = parseRunbook(
      '---\ntitle: T\nhosts: web-1, web-2\nparams:\n  port: {default: 8080, type: port, secret: false}\n  pid: 1\nincident: {id: INC-1, title: t, startedAt: "2026-11-23T16:30:00Z", responder: me, target: [web-1]}\n---\n',
    );
    const fm = runbook.frontMatter!;
    assert.deepEqual(runbook.diagnostics, []);
    assert.deepEqual(fm.hosts, ['web-1', 'web-2']);
    assert.deepEqual(
      fm.parameters.map((p) => [p.name, p.default, p.type, p.range.start.line]),
      [
        ['port', '8080', 'port', 4],
        ['pid', '1', undefined, 5],
      ],
    );
    assert.equal(fm.incident?.id, 'INC-1');
    assert.deepEqual(fm.incident?.target, ['web-1']);
  });

  it('duplicate step ids name both lines', () => {
    const { diagnostic, runbook } = only('```sh {id=a}\nls\n```\n\ntext\n\n```sh {id=a}\nls -l\n```\n', 'duplicate-step-id');
    assert.equal(diagnostic.range.start.line, 6);
    assert.equal(diagnostic.message, 'line 7: step id "a" is already used by the step on line 1; give this step another id');
    assert.deepEqual(
      runbook.steps.map((s) => s.key),
      ['a', 'step-2'],
    );
  });

  it('an unclosed fence is reported on its opening line and kept as prose', () => {
    const { diagnostic, runbook } = only('# T\n\n```sh {id=x}\necho never closed\n', 'unclosed-fence');
    assert.equal(diagnostic.message.slice(0, 7), 'line 3:');
    assert.equal(runbook.steps.length, 0);
  });

  it('binary data is an error that blocks opening as a notebook', () => {
    const { diagnostic, runbook } = only('# T\n\nok\nbad \0 byte\n', 'binary-content');
    assert.match(diagnostic.message, /^line 4: the file contains a NUL byte/);
    assert.equal(blockingProblem(runbook), diagnostic);
    const replaced = only('text\n\uFFFD\n', 'binary-content');
    assert.match(replaced.diagnostic.message, /^line 2: .*not UTF-8/);
  });

  it('duplicate ids and bad attributes do not block opening', () => {
    const runbook = parseRunbook('```sh {id=a timeout=soon}\nls\n```\n```sh {id=a}\nls\n```\n');
    assert.ok(runbook.diagnostics.length >= 2);
    assert.equal(blockingProblem(runbook), undefined);
  });

  it('bad and unknown attributes point at the attribute', () => {
    const text = '```sh {id=Bad! timeout=10 confirm=maybe colour=red hosts=web-1,web-2}\nls\n```\n';
    const runbook = parseRunbook(text);
    assert.equal(printRunbook(runbook), text);
    const at = (d: { range: { start: { character: number }; end: { character: number } } }) => text.slice(d.range.start.character, d.range.end.character);
    const bad = runbook.diagnostics.filter((d) => d.code === 'bad-attribute');
    assert.deepEqual(bad.map(at), ['Bad!', '10', 'maybe']);
    const unknown = runbook.diagnostics.filter((d) => d.code === 'unknown-attribute');
    assert.deepEqual(unknown.map(at), ['colour=red']);
    assert.deepEqual(runbook.steps[0].hosts, ['web-1', 'web-2']);
  });

  it('reads both attribute styles', () => {
    const html = parseRunbook('```bash {id=conntrack title="Conntrack usage" timeout=2m confirm shell=bash}\nx\n```\n').steps[0];
    const json = parseRunbook('```sh {"id":"conntrack","title":"Conntrack usage","timeout":"500ms","confirm":true}\nx\n```\n').steps[0];
    assert.deepEqual([html.id, html.title, html.timeoutMs, html.confirm, html.shell], ['conntrack', 'Conntrack usage', 120_000, true, 'bash']);
    assert.deepEqual([json.id, json.title, json.timeoutMs, json.confirm], ['conntrack', 'Conntrack usage', 500, true]);
    const noConfirm = parseRunbook('```sh {confirm=false timeout=1h}\nx\n```\n').steps[0];
    assert.deepEqual([noConfirm.confirm, noConfirm.timeoutMs, noConfirm.key], [false, 3_600_000, 'step-1']);
  });

  it('a check block without a step is an orphan with a diagnostic', () => {
    const { diagnostic, runbook } = only('# T\n\n```check\nparse: ss-tan\n```\n', 'orphan-check');
    assert.match(diagnostic.message, /^line 3: this check block does not follow a step/);
    assert.equal(runbook.parts.filter((p) => p.kind === 'orphan').length, 1);
  });

  it('problems inside a check block point at their line in the file', () => {
    const text =
      '```sh {id=a}\nss -tan\n```\n\n```check\nparse: ss-tan\nfindings:\n  - when: count > 1\n    severity: fatal\n    message: m\n  - severity: info\n    message: no when\ncolour: red\n```\n';
    const runbook = parseRunbook(text);
    const lines = Object.fromEntries(runbook.diagnostics.map((d) => [d.code, d.range.start.line + 1]));
    assert.deepEqual(lines, { 'check-severity': 9, 'check-missing-key': 11, 'check-unknown-key': 13 });
    assert.equal(runbook.steps[0].check?.spec?.findings.length, 0);
  });

  it(`a 5 MB file parses in reasonable time and prints back identically`, function () {
    this.timeout(60_000);
    const section = (n: number) =>
      `## Section ${n}\n\nSome prose about step ${n}, with \`code\` and a [link](http://example.com).\n\n\`\`\`sh {id=s${n} timeout=10s}\nss -tan state time-wait | wc -l\n\`\`\`\n\n\`\`\`check\nparse: numbers\nfindings:\n  - when: count > 100\n    severity: warning\n    message: many\n\`\`\`\n\n`;
    const chunks: string[] = [];
    let size = 0;
    for (let n = 0; size < 5 * 1024 * 1024; n++) {
      const s = section(n);
      chunks.push(s);
      size += s.length;
    }
    const text = chunks.join('');
    const started = process.hrtime.bigint();
    const runbook = parseRunbook(text);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(printRunbook(runbook), text);
    assert.equal(runbook.steps.length, chunks.length);
    assert.deepEqual(runbook.diagnostics, []);
    assert.equal(fromNotebook(toNotebook(runbook), text), text);
    console.log(`      5 MB: ${chunks.length} steps parsed in ${ms.toFixed(0)} ms`);
    assert.ok(ms < 30_000, `parse took ${ms} ms`);
  });
});
