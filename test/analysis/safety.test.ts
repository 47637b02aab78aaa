// Analysis that keeps a run from failing open: every malformed `confirm` is an error at its place,
// a `hosts=local` step in a runbook for remote hosts is a warning unless the front matter allows it,
// and YAML errors of every kind in the front matter carry their line and column.

import { strict as assert } from 'node:assert';
import { parseRunbook } from '../../src/runbook/parse';
import { analyzeRunbook } from '../../src/analysis/analyze';
import { mustConfirm } from '../../src/analysis/confirm';
import type { Diagnostic } from '../../src/runbook/model';

const analyze = (text: string): Diagnostic[] => analyzeRunbook(parseRunbook(text, 'x.runbook.md'));
const errorsOn = (text: string, line: number) => analyze(text).filter((d) => d.severity === 'error' && d.range.start.line === line);

describe('malformed confirm', () => {
  const forms: [string, string, RegExp][] = [
    ['confirm=yes', 'bad-attribute', /confirm must be a bare flag or true\/false, not "yes"/],
    ['confirm=1', 'bad-attribute', /not "1"/],
    ['confirm confirm', 'bad-attribute', /"confirm" is given twice/],
    ['CONFIRM', 'confirm-malformed', /"CONFIRM" is not the confirm attribute \(names are lower case\)/],
    ['Confirm=true', 'confirm-malformed', /names are lower case/],
    ['confrim', 'confirm-malformed', /did you mean confirm\?/],
  ];
  for (const [attrs, code, message] of forms) {
    it(`{id=x ${attrs}} is an error (${code}) on the attribute`, () => {
      const text = `\`\`\`sh {id=x ${attrs}}\nsystemctl restart nginx\n\`\`\`\n`;
      const d = errorsOn(text, 0).find((x) => x.code === code);
      assert.ok(d, JSON.stringify(analyze(text)));
      assert.match(d.message, message);
      assert.ok(d.range.start.character >= '```sh {id=x '.length - 1, JSON.stringify(d.range));
    });
  }
  const json: [string, string, RegExp][] = [
    ['{"id":"x","confirm":"yes"}', 'bad-attribute', /not "yes"/],
    ['{"id":"x","confirm":1}', 'bad-attribute', /not "1"/],
    ['{"id":"x","confirm":true,"confirm":false}', 'confirm-malformed', /"confirm" is given twice in the JSON attributes/],
    ['{"id":"x","CONFIRM":true}', 'confirm-malformed', /names are lower case/],
  ];
  for (const [attrs, code, message] of json) {
    it(`JSON ${attrs} is an error (${code})`, () => {
      const text = `\`\`\`sh ${attrs}\nsystemctl restart nginx\n\`\`\`\n`;
      const d = errorsOn(text, 0).find((x) => x.code === code);
      assert.ok(d, JSON.stringify(analyze(text)));
      assert.match(d.message, message);
    });
  }
  it('a malformed confirm is one problem: its error, not also an "unknown attribute" warning at the same place', () => {
    for (const attrs of ['CONFIRM', 'Confirm=true', 'confrim']) {
      const all = analyze(`\`\`\`sh {id=x ${attrs}}\nsystemctl restart nginx\n\`\`\`\n`);
      assert.deepEqual(
        all.map((d) => d.code),
        ['confirm-malformed'],
        `${attrs}: ${JSON.stringify(all)}`,
      );
    }
    // Another unknown attribute beside it is still reported.
    const codes = analyze('```sh {id=x CONFIRM colour=red}\nls\n```\n').map((d) => d.code);
    assert.deepEqual(codes.sort(), ['confirm-malformed', 'unknown-attribute']);
  });
  it('the duplicate JSON key is underlined where it is written the second time', () => {
    const info = '{"id":"x","confirm":true,"confirm":false}';
    const d = errorsOn(`\`\`\`sh ${info}\nls\n\`\`\`\n`, 0).find((x) => x.code === 'confirm-malformed')!;
    assert.equal(d.range.start.character, '```sh '.length + info.lastIndexOf('"confirm"'));
  });
  it('mustConfirm fails closed: each malformed form asks for a confirmation; a clean step without confirm does not', () => {
    for (const info of [
      'sh {id=x confirm=yes}',
      'sh {id=x CONFIRM}',
      'sh {"confirm":true,"confirm":false}',
      'sh {id=x confirm}',
      'sh {id=x confirm confirm=false}',
      'sh {id=x title="a}',
    ]) {
      const step = parseRunbook(`\`\`\`${info}\nls\n\`\`\`\n`).steps[0];
      assert.equal(mustConfirm(step, info), true, info);
    }
    const step = parseRunbook('```sh {id=x timeout=5s}\nls\n```\n').steps[0];
    assert.equal(mustConfirm(step, 'sh {id=x timeout=5s}'), false);
    assert.equal(mustConfirm(parseRunbook('```sh {id=x confirm=false}\nls\n```\n').steps[0], 'sh {id=x confirm=false}'), false);
  });
});

describe('hosts=local in a runbook for remote hosts', () => {
  const body = '```sh {id=a hosts=local}\nuptime\n```\n';
  it('warns on the hosts value when the front matter targets remote hosts, naming them and allow-local', () => {
    const text = `---\nhosts: [web-1, web-2]\n---\n\n${body}`;
    const d = analyze(text).find((x) => x.code === 'local-step');
    assert.ok(d);
    assert.equal(d.severity, 'warning');
    assert.deepEqual(d.range, { start: { line: 4, character: 18 }, end: { line: 4, character: 23 } });
    assert.match(d.message, /runs this step on the machine running the runbook, but this runbook targets web-1, web-2;.*allow-local: true/);
  });
  it('warns for a group, and for a runbook that leaves the target to the run', () => {
    assert.match(analyze(`---\ngroup: web\n---\n\n${body}`).find((x) => x.code === 'local-step')!.message, /targets group web/);
    assert.match(analyze(body).find((x) => x.code === 'local-step')!.message, /runs on the hosts chosen when it starts/);
  });
  it('is quiet with allow-local: true, or when the runbook targets local only; allow-local must be a boolean', () => {
    assert.deepEqual(
      analyze(`---\nhosts: [web-1]\nallow-local: true\n---\n\n${body}`).map((d) => d.code),
      [],
    );
    assert.deepEqual(
      analyze(`---\nhosts: [local]\n---\n\n${body}`).map((d) => d.code),
      [],
    );
    const bad = analyze(`---\nhosts: [web-1]\nallow-local: yes please\n---\n\n${body}`);
    assert.ok(bad.some((d) => d.code === 'front-matter-type' && /"allow-local" must be true or false/.test(d.message)));
  });
});

describe('YAML errors in the front matter carry line and column', () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  ].join('\n');
  const cases: [string, string, number, RegExp][] = [
    ['an alias bomb', `---\ntitle: x\n${bomb}\n---\n`, 3, /Excessive alias count.*Write the values out instead of repeating aliases/],
    ['a tab-indented map', '---\ntitle: x\nparams:\n\tport: 1\n---\n', 3, /Tabs are not allowed as indentation/],
    ['a duplicate key', '---\ntitle: x\ntitle: y\n---\n', 2, /Map keys must be unique/],
  ];
  for (const [what, text, line, message] of cases) {
    it(`${what}: an error on line ${line + 1}, no exception`, () => {
      const d = analyze(text).find((x) => x.code === 'front-matter-yaml');
      assert.ok(d, JSON.stringify(analyze(text)));
      assert.equal(d.range.start.line, line);
      assert.match(d.message, message);
    });
  }
});
