// Check blocks in the notebook are Markdown cells holding their whole ```check fence (drawn as one
// line by media/checkCell). Saving gives back the file's bytes for an unchanged check, exactly what
// the user typed for an edited one, and a check the user adds as a code cell still works.

import { strict as assert } from 'node:assert';
import { parseRunbook } from '../../src/runbook/parse';
import { fromNotebook, isCheckCell, toNotebook, type NotebookCell } from '../../src/runbook/cells';
import { runbookFromNotebook } from '../../src/runbook/runbookOfCells';
import { generatedCorpus } from './corpus';

const corpus = generatedCorpus();
const LF = corpus['a full runbook with LF'];
const CRLF = corpus['a full runbook with CRLF'];

const checkCell = (cells: NotebookCell[]) => cells.find((c) => c.metadata.role === 'check')!;

describe('notebook: check cells', () => {
  it('a check is a Markdown cell holding its fence, so it has no run button and reads as a check', () => {
    const cell = checkCell(toNotebook(parseRunbook(LF)).cells);
    assert.equal(cell.kind, 'markup');
    assert.equal(cell.languageId, 'markdown');
    assert.ok(cell.value.startsWith('```check\nparse: sysctl\n'), cell.value);
    assert.ok(cell.value.endsWith('\n```'), 'the closing fence is in the cell');
    assert.ok(isCheckCell(cell));
    assert.ok(!isCheckCell({ kind: 'markup', languageId: 'markdown', value: '# Drops\n\n```check\nparse: x\n```' }), 'prose that shows a check later is prose');
    assert.ok(isCheckCell({ kind: 'code', languageId: 'runbook-check', value: 'parse: x' }));
    assert.ok(!isCheckCell({ kind: 'code', languageId: 'shellscript', value: '```check' }));
  });

  for (const [name, text] of Object.entries(corpus)) {
    it(`an unchanged notebook of "${name}" saves byte for byte`, () => {
      assert.equal(fromNotebook(toNotebook(parseRunbook(text)), text), text);
    });
  }

  for (const [name, text, eol] of [
    ['LF', LF, '\n'],
    ['CRLF', CRLF, '\r\n'],
  ] as const) {
    it(`an edited check (${name}) saves as typed, with the file's line breaks, and only its bytes change`, () => {
      const model = toNotebook(parseRunbook(text));
      const cell = checkCell(model.cells);
      cell.value = cell.value.replace('severity: critical', 'severity: warning').replace('    next: drops', '    next: drops\nnext: end');
      const after = fromNotebook(model, text);
      const before = text.slice(0, text.indexOf('```check'));
      assert.ok(after.startsWith(before), 'bytes before the check are unchanged');
      const rest = text.slice(text.indexOf('```check'));
      const tail = rest.slice(rest.indexOf(`${eol}\`\`\`${eol}`) + `${eol}\`\`\`${eol}`.length);
      assert.ok(after.endsWith(tail), 'bytes after the check are unchanged');
      assert.equal(after.slice(before.length, after.length - tail.length), cell.value.split('\n').join(eol) + eol);
      const spec = parseRunbook(after).steps[0].check?.spec;
      assert.equal(spec?.findings[0].severity, 'warning');
      assert.equal(spec?.next, 'end');
    });
  }

  it('a check cell edited into something else saves exactly what the user typed', () => {
    const model = toNotebook(parseRunbook(LF));
    const cell = checkCell(model.cells);
    const typed = 'Not a check any more: *see below*\n\n```check\nparse: sysctl\n```\n\ntrailing words';
    cell.value = typed;
    const after = fromNotebook(model, LF);
    assert.ok(after.includes(`\n\n${typed}\n`), after);
    assert.equal(parseRunbook(after).steps[0].check, undefined, 'the step above has no check right after it now');
  });

  it('a check the user adds as a code cell of the check language is written as a fence and belongs to the step above', () => {
    const model = toNotebook(parseRunbook('# T\n\n```sh {id=a}\necho 1 2\n```\n\n```sh {id=b}\nuptime\n```\n'));
    const added: NotebookCell = { kind: 'code', languageId: 'runbook-check', value: 'parse: numbers\nnext: b', metadata: { role: 'check' }, outputs: [] };
    model.cells.splice(2, 0, added);
    const text = fromNotebook(model);
    assert.equal(text, '# T\n\n```sh {id=a}\necho 1 2\n```\n\n```check\nparse: numbers\nnext: b\n```\n\n```sh {id=b}\nuptime\n```\n');
    const { runbook, stepAt } = runbookFromNotebook(model, 'x.runbook.md');
    assert.equal(runbook.steps[0].check?.spec?.next, 'b');
    assert.equal(stepAt.get(2), undefined, 'the added check is not a step');
  });

  it("a check the user adds as a Markdown cell with a check fence is written as typed and is the step's check", () => {
    const model = toNotebook(parseRunbook('```sh {id=a}\necho 1 2\n```\n'));
    model.cells.push({ kind: 'markup', languageId: 'markdown', value: '```check\nparse: numbers\n```', metadata: { role: 'prose' }, outputs: [] });
    const text = fromNotebook(model);
    assert.equal(text, '```sh {id=a}\necho 1 2\n```\n\n```check\nparse: numbers\n```\n');
    assert.equal(parseRunbook(text).steps[0].check?.spec?.parse, 'numbers');
  });

  it("an edited check keeps its step's saved output after it, as in the record", () => {
    const model = toNotebook(parseRunbook(LF));
    checkCell(model.cells).value = '```check\nparse: sysctl\nnext: drops\n```';
    const after = fromNotebook(model, LF);
    const step = parseRunbook(after).steps[0];
    assert.equal(step.check?.spec?.next, 'drops');
    assert.equal(step.outputs.length, 1, "the output is still the step's");
    assert.ok(after.indexOf('<!-- runbook:output') > after.indexOf('next: drops'), 'the output comes after the check block');
  });
});
