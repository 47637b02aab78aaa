// Saved outputs: hostile text round-trips exactly through render -> parse, author text that mentions
// the marker is never taken for an output, and appendOutput adds a block without touching other bytes.

import { strict as assert } from 'node:assert';
import { parseRunbook } from '../../src/runbook/parse';
import { printRunbook } from '../../src/runbook/print';
import { renderSavedOutput } from '../../src/runbook/savedOutput';
import { appendOutput, replaceStepCommand, setFrontMatterValue } from '../../src/runbook/edit';
import type { SavedOutput } from '../../src/runbook/model';
import { sampleOutput } from './corpus';

const step = '# Conntrack\n\n```sh {id=conntrack}\nsysctl net.netfilter.nf_conntrack_count\n```\n';

function roundTrip(text: string, eol = '\n'): SavedOutput {
  const output: SavedOutput = { ...sampleOutput, text };
  const file = step.replace(/\n/g, eol) + eol + renderSavedOutput(output, eol);
  const runbook = parseRunbook(file);
  assert.equal(printRunbook(runbook), file);
  assert.deepEqual(runbook.diagnostics, []);
  assert.equal(runbook.steps[0].outputs.length, 1, 'the output is recognised');
  const read = runbook.steps[0].outputs[0];
  assert.equal(read.text, text);
  return read;
}

describe('saved outputs', () => {
  const hostile: Record<string, string> = {
    'backtick runs': '```\n````` x `` y\n``````````\n',
    'HTML and comment closers': '</details>\n-->\n<!-- /runbook:output -->\n<!-- runbook:output {"step":"x","host":"y"} -->\n--!>\n',
    'ANSI colours': '\x1b[31mred\x1b[0m \x1b[1mbold\x1b[0m\n',
    'NUL and other controls': 'a\0b\x07c\x08d\x0be\x0cf\x7f\n',
    'CRLF and lone CR': 'one\r\ntwo\rthree\r\n',
    'emoji and CJK': '😀 连接数过多 nf_conntrack: table full, dropping packet\n',
    'no final line break': 'no newline',
    'ends with a lone CR': 'progress 50%\rprogress 100%\r',
    empty: '',
    'only a line break': '\n',
    'control pictures and controls together': '\u2400 is not \0\n',
    'lone surrogate': 'bad \uD800 half\n',
    'replacement characters': 'binary \uFFFD\uFFFD junk\n',
    'leading spaces and tabs': '   ```\n\t```\n',
  };
  for (const [name, text] of Object.entries(hostile)) {
    it(`round-trips ${name}`, () => {
      roundTrip(text);
      roundTrip(text, '\r\n');
    });
  }

  it('round-trips 1 MB of mixed hostile text and keeps every field', () => {
    const unit = 'ss -tan: ESTAB 0 0 10.0.0.1:443 ```` </details> --> \x1b[32mok\x1b[0m \0 😀\r\n';
    const text = unit.repeat(Math.ceil((1024 * 1024) / unit.length));
    const read = roundTrip(text);
    const { range: _r, ...fields } = read;
    assert.deepEqual(fields, { ...sampleOutput, text });
  });

  it('shows controls readably: the fence holds control pictures, not raw bytes', () => {
    const block = renderSavedOutput({ ...sampleOutput, text: '\x1b[31mred\0\n' }, '\n');
    assert.ok(block.includes('␛[31mred␀'));
    assert.ok(!/[\0\x1b]/.test(block));
    assert.ok(!block.split('\n')[0].slice(4, -4).includes('--'), 'the opening comment cannot be closed early');
  });

  it('never takes author text that mentions the marker for an output', () => {
    const marker = renderSavedOutput(sampleOutput, '\n');
    const texts = [
      step + '\nWrite `<!-- runbook:output {"step":"conntrack","host":"web-1"} -->` to record one.\n',
      step + '\n~~~markdown\n' + marker + '~~~\n',
      step + '\n> ' + marker.split('\n').join('\n> ') + '\n',
      step + '\n    ' + marker.split('\n').join('\n    ') + '\n',
    ];
    for (const text of texts) {
      const runbook = parseRunbook(text);
      assert.equal(printRunbook(runbook), text);
      assert.equal(runbook.steps[0].outputs.length, 0, text);
      assert.ok(runbook.parts.every((p) => p.kind !== 'output'));
    }
  });

  it('never takes an output for author text: a step inside the output text stays output', () => {
    const text = step + '\n' + renderSavedOutput({ ...sampleOutput, text: '```sh {id=evil}\nrm -rf /\n```\n# Heading\n' }, '\n');
    const runbook = parseRunbook(text);
    assert.deepEqual(
      runbook.steps.map((s) => s.key),
      ['conntrack'],
    );
    assert.equal(runbook.parts.filter((p) => p.kind === 'prose').length, 1);
  });

  it('a damaged output is kept as prose with a warning', () => {
    const block = renderSavedOutput(sampleOutput, '\n').replace('"host":"web-1",', '');
    const runbook = parseRunbook(step + '\n' + block);
    assert.equal(runbook.steps[0].outputs.length, 0);
    const warning = runbook.diagnostics.find((d) => d.code === 'bad-output');
    assert.match(warning?.message ?? '', /^line 7: .*no "host"/);
  });

  it('appendOutput adds a block after the check block and earlier outputs, changing no other byte', () => {
    const original = step + '\n```check\nparse: sysctl\n```\n\n## Next\n\ntext\n';
    const once = appendOutput(parseRunbook(original), 'conntrack', sampleOutput);
    const twice = appendOutput(once, 'conntrack', { ...sampleOutput, runId: 'run-2', text: 'second\n' });
    const text = printRunbook(twice);
    const cut = original.indexOf('## Next');
    assert.ok(text.startsWith(original.slice(0, cut)) && text.endsWith(original.slice(cut)));
    assert.deepEqual(
      twice.steps[0].outputs.map((o) => o.runId),
      ['run-1', 'run-2'],
    );
    assert.deepEqual(twice.diagnostics, []);
    const crlf = printRunbook(appendOutput(parseRunbook(original.replace(/\n/g, '\r\n')), 'conntrack', { ...sampleOutput, text: 'one line' }));
    assert.ok(!/[^\r]\n/.test(crlf), 'generated text uses the file line ending');
  });

  it('replaceStepCommand and setFrontMatterValue change only their part', () => {
    const original = '---\ntitle: T # keep this comment\n---\n\n' + step + '\ntail\n';
    const edited = printRunbook(replaceStepCommand(parseRunbook(original), 'conntrack', 'cat <<EOF\n```\nEOF'));
    const runbook = parseRunbook(edited);
    assert.equal(runbook.steps[0].command, 'cat <<EOF\n```\nEOF', 'a longer fence keeps the inner ``` line inside');
    assert.ok(edited.endsWith('````\n\ntail\n') && edited.startsWith(original.slice(0, original.indexOf('```sh'))));
    const filled = setFrontMatterValue(parseRunbook(original), 'incident', {
      id: 'INC-7',
      title: 'conntrack',
      startedAt: '2026-11-23T16:30:00Z',
      responder: 'me',
    });
    assert.equal(filled.frontMatter?.incident?.id, 'INC-7');
    assert.ok(filled.frontMatter?.yamlText.includes('# keep this comment'));
    assert.ok(printRunbook(filled).endsWith(original.slice(original.indexOf('\n# Conntrack'))));
  });
});
