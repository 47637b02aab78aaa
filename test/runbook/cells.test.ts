// Editing through the notebook: one edited cell changes only its own bytes; inserting, deleting and
// reordering cells give a file that parses back to the cells the user sees.

import { strict as assert } from 'node:assert';
import { parseRunbook } from '../../src/runbook/parse';
import { fromNotebook, savedOutputFromJson, toNotebook, type NotebookCell } from '../../src/runbook/cells';
import { generatedCorpus, sampleOutput } from './corpus';

const corpus = generatedCorpus();

/** Asserts every byte of `before` outside `old` (its only occurrence) is unchanged in `after`, and returns what replaced it. */
function replacedBy(before: string, after: string, old: string): string {
  const at = before.indexOf(old);
  assert.ok(at >= 0 && before.indexOf(old, at + 1) < 0, `"${old}" occurs once`);
  const prefix = before.slice(0, at);
  const suffix = before.slice(at + old.length);
  assert.ok(after.startsWith(prefix), 'bytes before the edited cell are unchanged');
  assert.ok(after.endsWith(suffix), 'bytes after the edited cell are unchanged');
  assert.ok(after.length >= prefix.length + suffix.length);
  return after.slice(prefix.length, after.length - suffix.length);
}

describe('notebook', () => {
  for (const name of ['a full runbook with LF', 'a full runbook with CRLF', 'mixed line endings']) {
    it(`editing one step's command in "${name}" changes only that command's bytes`, () => {
      const text = corpus[name];
      const model = toNotebook(parseRunbook(text));
      const cell = model.cells.find((c) => c.metadata.id === 'drops')!;
      cell.value = 'dmesg -T | grep -c conntrack\njournalctl -k --since -1h';
      const after = fromNotebook(model, text);
      const now = replacedBy(text, after, 'dmesg | grep conntrack');
      const eol = name.includes('CRLF') ? '\r\n' : '\n';
      if (name !== 'mixed line endings')
        assert.equal(now, `dmesg -T | grep -c conntrack${eol}journalctl -k --since -1h`, 'generated line breaks use the file EOL');
      const reread = parseRunbook(after).steps.find((s) => s.id === 'drops')!;
      assert.equal(reread.command.replace(/\r\n?/g, '\n'), cell.value);
      assert.equal(parseRunbook(after).steps[0].outputs.length, 1, 'the saved output is kept');
    });
  }

  it('editing one markdown cell changes only that cell and keeps CRLF elsewhere', () => {
    const text = corpus['a full runbook with CRLF'];
    const model = toNotebook(parseRunbook(text));
    const prose = model.cells.find((c) => c.kind === 'markup' && c.value.startsWith('# Conntrack'))!;
    prose.value = prose.value.replace('Symptoms', 'Signs');
    assert.equal(replacedBy(text, fromNotebook(model, text), 'Symptoms:'), 'Signs:');
  });

  it('maps front matter, steps, check blocks and outputs to cells', () => {
    const model = toNotebook(parseRunbook(corpus['a full runbook with LF']));
    const summary = model.cells.map((c) => `${c.kind}:${c.languageId}:${c.metadata.role}`);
    assert.deepEqual(summary, [
      'code:yaml:front-matter',
      'markup:markdown:prose',
      'code:shellscript:step',
      'markup:markdown:check',
      'markup:markdown:prose',
      'code:shellscript:step',
    ]);
    assert.equal(model.cells[2].metadata.info, ' {id=conntrack title="Conntrack usage" timeout=10s}'.replace(/^ /, 'sh '));
    assert.equal(model.cells[2].outputs.length, 1);
    assert.equal(model.cells[2].outputs[0].text, sampleOutput.text);
    assert.ok(model.cells[0].value.startsWith('title: Conntrack table full'));
  });

  it('deleting, inserting and reordering cells gives a file that reads back as those cells', () => {
    const text = corpus['a full runbook with LF'];
    const model = toNotebook(parseRunbook(text));
    const [front, intro, step, check, drops, dropsStep] = model.cells;
    const added: NotebookCell = { kind: 'code', languageId: 'shellscript', value: 'ss -s', metadata: { role: 'step', info: 'sh {id=summary}' }, outputs: [] };
    const note: NotebookCell = { kind: 'markup', languageId: 'markdown', value: '## Summary\n\nA new section.', metadata: { role: 'prose' }, outputs: [] };
    model.cells = [front, drops, dropsStep, note, added, intro, step, check];
    const after = parseRunbook(fromNotebook(model, text));
    assert.deepEqual(
      after.steps.map((s) => s.key),
      ['drops', 'summary', 'conntrack'],
    );
    assert.equal(after.steps[2].check?.spec?.parse, 'sysctl', 'the check block stays with its step');
    assert.equal(after.steps[2].outputs.length, 1, 'the output stays with its step');
    assert.equal(after.steps[0].outputs.length, 0);
    assert.deepEqual(after.diagnostics, []);
    // Deleting the check block cell: the output moves up behind the step, and nothing else changes.
    const model2 = toNotebook(parseRunbook(text));
    model2.cells.splice(3, 1);
    const text2 = fromNotebook(model2, text);
    assert.equal(parseRunbook(text2).steps[0].check, undefined);
    assert.equal(parseRunbook(text2).steps[0].outputs[0].text, sampleOutput.text);
    assert.ok(!text2.includes('```check'));
  });

  it('appends a new output from the cell and keeps the existing one byte for byte', () => {
    const text = corpus['a full runbook with LF'];
    const model = toNotebook(parseRunbook(text));
    const step = model.cells[2];
    step.outputs = [...step.outputs.map((o) => JSON.parse(JSON.stringify(o))), { ...sampleOutput, runId: 'run-2', text: 'second' }];
    const after = fromNotebook(model, text);
    const at = text.indexOf('## Drops');
    assert.ok(after.startsWith(text.slice(0, at)) && after.endsWith(text.slice(at)), 'existing bytes are unchanged');
    assert.ok(after.slice(at, after.length - (text.length - at)).includes('"runId":"run-2"'));
    assert.deepEqual(
      parseRunbook(after).steps[0].outputs.map((o) => o.text),
      [sampleOutput.text, 'second'],
    );
  });

  it('changing the attributes in metadata rewrites only the opening fence line', () => {
    const text = corpus['a full runbook with LF'];
    const model = toNotebook(parseRunbook(text));
    model.cells[2].metadata.info = 'sh {id=conntrack timeout=30s}';
    assert.equal(replacedBy(text, fromNotebook(model, text), '```sh {id=conntrack title="Conntrack usage" timeout=10s}'), '```sh {id=conntrack timeout=30s}');
  });
});

describe('notebook: which output items are saved outputs', () => {
  const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  it('accepts a saved output and refuses other payloads of the same MIME type', () => {
    const saved = {
      step: 'a',
      host: 'web-1',
      text: 'ok\n',
      runId: 'r1',
      startedAt: '2026-11-23T00:00:00Z',
      durationMs: 1,
      exitCode: 0,
      termination: 'exit',
      truncated: false,
      values: {},
      findings: [],
    };
    assert.equal(savedOutputFromJson(encode(saved))?.runId, 'r1');
    assert.equal(savedOutputFromJson(encode({ text: 'live', stream: 'stdout' })), undefined);
    assert.equal(savedOutputFromJson(new TextEncoder().encode('{not json')), undefined);
    assert.equal(savedOutputFromJson(encode([1, 2])), undefined);
  });
});
