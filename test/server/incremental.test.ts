// The language server's analysis after an edit (pieces kept, steps kept unless what they read
// changed) must give exactly the diagnostics of a whole parse and analysis of the same text: random
// edits on generated runbooks, compared after each one. Plus: an edit inside one step works out that
// step only.

import { strict as assert } from 'node:assert';
import { parseRunbook } from '../../src/runbook/parse';
import { analyzeRunbook } from '../../src/analysis/analyze';
import { DocumentState, textView } from '../../src/server/views';
import { generateRunbook } from '../../bench/lsp-diagnostics';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A runbook with the shapes analysis cares about: branches, loops, values, variables, local steps, confirm. */
function varied(steps: number, r: () => number): string {
  const pick = <T>(list: T[]) => list[Math.floor(r() * list.length)];
  const out = ['---', 'title: Varied', 'hosts: [web-1]', 'params:', '  port: 8080', '  svc: nginx', '---', ''];
  for (let i = 0; i < steps; i++) {
    const id = r() < 0.1 ? `s${Math.floor(r() * steps)}` : `s${i}`;
    const attrs = pick(['', ' confirm', ' hosts=local', ' CONFIRM', ' confirm=yes', ' timeout=5s']);
    const command = pick([
      "ss -tan '( sport = :{{port}} )'",
      'systemctl restart {{svc}}',
      "sh -c 'kill {{pid}}'",
      'echo {{tw}} | sh',
      'ssh web-2 cat {{file}}',
      'uptime',
      'cat <<EOF\n{{port}}\nEOF',
    ]);
    const target = () => pick([`s${Math.floor(r() * steps)}`, 'end', `s${i + 1}`, 'nowhere']);
    out.push(`## Step ${i}`, '', `\`\`\`sh {id=${id}${attrs}}`, command, '```', '');
    if (r() < 0.85) {
      const parse = pick(['ss-tan', 'lines', 'kv', 'numbers']);
      out.push('```check', `parse: ${parse}`);
      if (r() < 0.5) out.push('extract:', `  ${pick(['pid', 'file', 'tw', 'x'])}: "pid=([0-9]+)"`);
      if (r() < 0.5) out.push('values:', `  ${pick(['tw', 'ratio', 'y'])}: ${pick(['states.TIME_WAIT', 'total * 2', 'missing + 1', 'steps.s1.total'])}`);
      out.push(
        'findings:',
        `  - when: ${pick(['tw > 10', 'total > 5', 'nothing > 1', 'pid > 0'])}`,
        '    severity: warning',
        `    message: "{{${pick(['tw', 'total', 'pid', 'zz'])}}} seen"`,
      );
      if (r() < 0.7) out.push(`    next: ${target()}`);
      if (r() < 0.5) out.push(`next: ${target()}`);
      out.push('```', '');
    }
  }
  return out.join('\n');
}

/** One random edit: where (offsets in the old text) and what replaces it. */
function randomEdit(text: string, r: () => number): { start: number; end: number; insert: string } {
  const pick = <T>(list: T[]) => list[Math.floor(r() * list.length)];
  const at = (needle: RegExp) => {
    const hits = [...text.matchAll(needle)];
    return hits.length > 0 ? pick(hits) : undefined;
  };
  const kinds = [
    () => at(/tw > \d+|total > \d+/g),
    () => at(/next: \S+/g),
    () => at(/\{id=[^ }]+/g),
    () => at(/parse: \S+/g),
    () => at(/ {2}(pid|file|tw|x|ratio|y):/g),
    () => at(/ confirm| hosts=local/g),
    () => at(/port: 8080/g),
    () => at(/## Step \d+\n/g),
  ];
  const replacement = () =>
    pick([
      'tw > 99',
      'next: s3',
      'next: end',
      '{id=s1',
      '{id=fresh',
      'parse: kv',
      '  tw:',
      '  newname:',
      '',
      ' confirm',
      'pot: 8080',
      '## Step\n\n```sh {id=extra}\necho {{pid}}\n```\n\n',
      '\n',
      '```text\n',
      '## Step x\n\n',
    ]);
  const m = pick(kinds)();
  if (m && r() < 0.85) return { start: m.index, end: m.index + m[0].length, insert: replacement() };
  // Otherwise: a few random characters typed (or deleted) anywhere.
  const start = Math.floor(r() * text.length);
  return { start, end: Math.min(text.length, start + Math.floor(r() * 3)), insert: pick(['', 'x', '\n', '`', ' ', '{{', '}}']) };
}

describe('incremental analysis in the language server', function () {
  this.timeout(120_000);

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`gives the whole analysis' diagnostics after each of 40 random edits (seed ${seed})`, () => {
      const r = random(seed);
      let text = varied(30 + Math.floor(r() * 30), r);
      // Edits the server is told about (tracked) and edits it finds by comparing the text.
      const state = new DocumentState(seed % 2 === 0);
      for (let k = 0; k <= 40; k++) {
        const got = textView('file:///t.runbook.md', text, state).diagnostics();
        const want = analyzeRunbook(parseRunbook(text, '/t.runbook.md'));
        if (JSON.stringify(got) !== JSON.stringify(want)) {
          assert.deepEqual(got, want, `seed ${seed}, after edit ${k}`);
        }
        const edit = randomEdit(text, r);
        state.edited(edit.start, edit.end, text.length);
        text = text.slice(0, edit.start) + edit.insert + text.slice(edit.end);
      }
    });
  }

  it('an edit inside one step of 2,000 parses one piece and works out one step; a new line above moves the rest without redoing it', () => {
    const state = new DocumentState(true);
    let text = generateRunbook(2000);
    assert.deepEqual(textView('file:///g.runbook.md', text, state).diagnostics(), []);
    const edit = (from: string, to: string) => {
      const i = text.indexOf(from);
      state.edited(i, i + from.length, text.length);
      text = text.slice(0, i) + to + text.slice(i + from.length);
      return textView('file:///g.runbook.md', text, state).diagnostics();
    };
    assert.deepEqual(edit('tw > 1700 and', 'tw > 5 and'), []);
    assert.deepEqual([state.parser.parsedPieces, state.analysis.analysedSteps], [1, 1]);
    assert.deepEqual(edit('# Generated runbook\n', '# Generated runbook\n\n'), []);
    assert.deepEqual([state.parser.parsedPieces, state.analysis.analysedSteps], [1, 0]);
    // Renaming a value that a later message reads redoes that reader, not the whole file.
    const renamed = edit('  tw: states.TIME_WAIT\nfindings:\n  - when: tw > 1900', '  tw2: states.TIME_WAIT\nfindings:\n  - when: tw2 > 1900');
    assert.ok(state.analysis.analysedSteps < 10, `analysed ${state.analysis.analysedSteps}`);
    assert.deepEqual(renamed, analyzeRunbook(parseRunbook(text, '/g.runbook.md')));
    // A branch to a step that does not exist: the graph is redone and says so.
    const broken = edit('next: s1500\nnext: s1500', 'next: s1500\nnext: s99999');
    assert.deepEqual(
      broken.map((d) => d.code),
      ['unknown-next'],
    );
  });
});
