import assert from 'node:assert/strict';
import { parseAnsi } from '../../media/renderer/ansi';

const text = (input: string): string =>
  parseAnsi(input)
    .map((r) => r.text)
    .join('');

describe('renderer: ANSI parsing', () => {
  it('maps the 16 colours, bright, bold, dim, italic and underline to class names', () => {
    const runs = parseAnsi('\x1b[31mred\x1b[0m \x1b[1;92mok\x1b[22;39m plain \x1b[2;3;4;44mdim\x1b[m');
    assert.deepEqual(runs, [
      { text: 'red', classes: ['ansi-fg-1'] },
      { text: ' ', classes: [] },
      { text: 'ok', classes: ['ansi-fg-10', 'ansi-bold'] },
      { text: ' plain ', classes: [] },
      { text: 'dim', classes: ['ansi-bg-4', 'ansi-dim', 'ansi-italic', 'ansi-underline'] },
    ]);
  });

  it('maps 256-colour and truecolour codes to the nearest of the 16, and drops malformed ones', () => {
    assert.deepEqual(parseAnsi('\x1b[38;5;196mA')[0].classes, ['ansi-fg-9']); // 256-colour bright red
    assert.deepEqual(parseAnsi('\x1b[38;5;2mA')[0].classes, ['ansi-fg-2']);
    assert.deepEqual(parseAnsi('\x1b[48;2;0;0;250mA')[0].classes, ['ansi-bg-4']);
    assert.deepEqual(parseAnsi('\x1b[38:2::250:250:250mA')[0].classes, ['ansi-fg-15']);
    assert.deepEqual(parseAnsi('\x1b[38;5;999mA')[0].classes, []);
    assert.deepEqual(parseAnsi('\x1b[38;2;300;0;0mA')[0].classes, []);
  });

  it('drops cursor movement, clear screen and other non-SGR CSI sequences, keeping the text', () => {
    assert.equal(text('\x1b[2J\x1b[H\x1b[10;5Htop\x1b[K - \x1b[?25lhidden cursor\x1b[?1049h'), 'top - hidden cursor');
    // An `m` with private parameters is not SGR and must not style anything.
    assert.deepEqual(parseAnsi('\x1b[>4;2mx'), [{ text: 'x', classes: [] }]);
  });

  it('drops OSC (window titles, OSC 8 links with javascript: or command: targets), DCS and APC strings', () => {
    const link = '\x1b]8;;javascript:alert(1)\x07click\x1b]8;;\x07 \x1b]8;;command:workbench.action.terminal.new\x1b\\run\x1b]8;;\x1b\\';
    assert.equal(text(link), 'click run');
    assert.equal(text('\x1b]0;title\x07a\x1bPq#0;2;0;0;0\x1b\\b\x1b_apc\x1b\\c'), 'abc');
    assert.equal(text('\u009d8;;javascript:x\u009clink\u009b31mred'), 'linkred');
  });

  it('ends an unterminated OSC at the newline, so the rest of the output stays visible', () => {
    assert.equal(text('\x1b]8;;javascript:alert(1)\nsecond line'), '\nsecond line');
  });

  it('drops C0 and C1 controls except tab and newline', () => {
    assert.equal(text('a\tb\nc\r\x07\x08\x00d\x7f\u0085e'), 'a\tb\ncde');
  });

  it('drops a lone ESC at the end and charset designations', () => {
    assert.equal(text('\x1b(Bx\x1b7y\x1b'), 'xy');
  });
});
