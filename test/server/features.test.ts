// Completion, hover, go to definition, references, outline, quick fixes and notebook cells, asked of
// the real language server over stdio.

import { strict as assert } from 'node:assert';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, Hover, Location, TextEdit } from 'vscode-languageserver-protocol';
import { LspClient, at } from './lspClient';
import { CONNTRACK, where } from './fixtures';

let client: LspClient;
const uri = 'file:///tmp/lsp-test/features.runbook.md';

const labels = (items: CompletionItem[] | null) => (items ?? []).map((i) => i.label);
const hoverText = (h: Hover | null) => (h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');

describe('language server features (over stdio)', function () {
  this.timeout(30_000);
  before(async () => {
    client = await LspClient.start({ diagnosticsDelayMs: 10 });
    await client.open(uri, CONNTRACK);
  });
  after(async () => {
    await client.stop();
  });

  const complete = (needle: string, offset: number) =>
    client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: where(CONNTRACK, needle, offset) });

  it('completes step ids (with titles) after next:, parser names after parse:, severities', async () => {
    const next = await complete('next: drops', 6);
    assert.deepEqual(labels(next), ['conntrack', 'drops', 'listeners', 'end']);
    assert.equal(next.find((i) => i.label === 'drops')?.detail, 'Kernel drops');
    const parse = await complete('parse: ss-tan', 7);
    assert.ok(labels(parse).includes('ss-tan') && labels(parse).includes('kernel-log') && labels(parse).includes('ulimit'));
    assert.deepEqual(labels(await complete('severity: warning', 10)), ['info', 'warning', 'critical']);
  });

  it('completes the values a step produces in when and {{...}}, and parameters', async () => {
    const when = labels(await complete('when: total == 0', 6));
    for (const name of ['total', 'states', 'byPeer', 'listenOverflow', 'port']) assert.ok(when.includes(name), `${name} in ${when.join(',')}`);
    const message = labels(await complete('{{count}}', 2));
    assert.ok(message.includes('count') && message.includes('max'), message.join(','));
    const command = labels(await complete("{{port}}'", 2));
    assert.ok(command.includes('port') && command.includes('count') && !command.includes('total'), `earlier values and parameters only: ${command.join(',')}`);
  });

  it('completes attribute names and values inside a step fence', async () => {
    const u = 'file:///tmp/lsp-test/attributes.runbook.md';
    const text = CONNTRACK.replace('{id=listeners}', '{id=listeners }');
    await client.open(u, text);
    const names = labels(
      await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: u }, position: where(text, '{id=listeners }', 14) }),
    );
    assert.ok(names.includes('timeout') && names.includes('confirm') && !names.includes('id'), names.join(','));
    assert.deepEqual(labels(await complete('timeout=10s', 8)), ['10s', '30s', '1m', '5m']);
  });

  it('hovers a parser, a next value and a step', async () => {
    const parser = hoverText(await client.request('textDocument/hover', { textDocument: { uri }, position: where(CONNTRACK, 'parse: ss-tan', 9) }));
    assert.match(parser, /\*\*ss-tan\*\* — Socket rows from `ss -tan`/);
    assert.match(parser, /`states` \(map\)/);
    const next = hoverText(await client.request('textDocument/hover', { textDocument: { uri }, position: where(CONNTRACK, 'next: drops', 7) }));
    assert.match(next, new RegExp(`Goes to \\*\\*Kernel drops \\(drops\\)\\*\\* — line ${where(CONNTRACK, '```sh {id=drops').line + 1}, parse: numbers`));
    assert.match(next, /dmesg -T \| grep -c 'table full'/);
    const step = hoverText(await client.request('textDocument/hover', { textDocument: { uri }, position: where(CONNTRACK, '{id=listeners}', 5) }));
    assert.match(step, /\*\*listeners\*\*.*\n\n```sh\nss -ltn/);
    assert.match(step, /2 `next:` values name this step/);
  });

  it('goes from a next value to the step fence, and finds every next naming a step', async () => {
    const def = await client.request<Location>('textDocument/definition', { textDocument: { uri }, position: where(CONNTRACK, 'next: drops', 8) });
    assert.equal(def.uri, uri);
    assert.equal(def.range.start.line, where(CONNTRACK, '```sh {id=drops').line);
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri },
      position: where(CONNTRACK, '{id=listeners}', 6),
      context: { includeDeclaration: false },
    });
    assert.deepEqual(
      refs.map((r) => at(r.range)),
      [where(CONNTRACK, 'next: listeners', 6, 0), where(CONNTRACK, 'next: listeners', 6, 1)].map((p) =>
        at({ start: p, end: { line: p.line, character: p.character + 9 } }),
      ),
    );
  });

  it('outlines steps under their headings', async () => {
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(symbols.length, 1);
    assert.equal(symbols[0].name, 'Conntrack table full');
    const sections = symbols[0].children ?? [];
    assert.deepEqual(
      sections.map((s) => s.name),
      ['Usage', 'Drops', 'Listeners'],
    );
    assert.deepEqual(
      sections.map((s) => (s.children ?? []).map((c) => c.name)),
      [['Conntrack usage (conntrack)'], ['Kernel drops (drops)'], ['listeners']],
    );
  });

  it('quick fixes an unknown next: change to the closest id, or create the step', async () => {
    const u = 'file:///tmp/lsp-test/fix.runbook.md';
    const text = CONNTRACK.replace('next: drops', 'next: drosp');
    const diagnostics = await client.open(u, text);
    const d = diagnostics.find((x) => x.code === 'unknown-next') as Diagnostic;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: u }, range: d.range, context: { diagnostics: [d] } });
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Change to "drops"', 'Create step "drosp"'],
    );
    const change = actions[0].edit!.changes![u][0];
    assert.deepEqual([at(change.range), change.newText], [at(d.range), 'drops']);
    // Applying "create step" gives a runbook where the next resolves.
    const create = actions[1].edit!.changes![u][0] as TextEdit;
    const fixed = await client.change(u, create.newText, create.range);
    assert.ok(!fixed.some((x) => x.code === 'unknown-next'), JSON.stringify(fixed));
  });

  it('quick fixes a host change without confirm by marking the step', async () => {
    const u = 'file:///tmp/lsp-test/confirm.runbook.md';
    const text = CONNTRACK.replace("dmesg -T | grep -c 'table full'", 'pkill -HUP nginx');
    const d = (await client.open(u, text)).find((x) => x.code === 'unconfirmed-change') as Diagnostic;
    const [action] = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: u }, range: d.range, context: { diagnostics: [d] } });
    const edit = action.edit!.changes![u][0];
    assert.deepEqual(edit.range.start, where(text, '"Kernel drops"}', 14));
    assert.equal(edit.newText, ' confirm');
    assert.deepEqual(await client.change(u, edit.newText, edit.range), []);
  });

  it('analyses a notebook through notebook document sync and reports on the right cell', async () => {
    const nb = 'file:///tmp/lsp-test/nb.runbook.md';
    const cell = (n: number) => `vscode-notebook-cell:/tmp/lsp-test/nb.runbook.md#cell${n}`;
    const stepA = { uri: cell(1), languageId: 'shellscript', version: 1, text: 'ss -tan' };
    const checkA = {
      uri: cell(2),
      languageId: 'runbook-check',
      version: 1,
      text: 'parse: ss-tan\nfindings:\n  - when: totl > 10\n    severity: warning\n    message: many\n    next: second\n',
    };
    const stepB = { uri: cell(3), languageId: 'shellscript', version: 1, text: 'uptime' };
    const checkDiagnostics = client.nextDiagnostics(cell(2));
    await client.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: {
        uri: nb,
        notebookType: 'incident-runbook',
        version: 1,
        cells: [
          { kind: 2, document: cell(1), metadata: { role: 'step', info: 'sh {id=first}' } },
          { kind: 2, document: cell(2), metadata: { role: 'check' } },
          { kind: 2, document: cell(3), metadata: { role: 'step', info: 'sh {id=second}' } },
        ],
      },
      cellTextDocuments: [stepA, checkA, stepB],
    });
    const diagnostics = await checkDiagnostics;
    assert.deepEqual(
      diagnostics.map((d) => [d.code, at(d.range)]),
      [['unknown-value', '2:10-2:14']],
    );
    // Completion inside the check cell sees the notebook's steps.
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: cell(2) }, position: { line: 5, character: 10 } });
    assert.deepEqual(labels(items), ['first', 'second', 'end']);
    const def = await client.request<Location>('textDocument/definition', { textDocument: { uri: cell(2) }, position: { line: 5, character: 11 } });
    assert.equal(def.uri, cell(3));
    // Fixing the cell clears the problem.
    const cleared = client.nextDiagnostics(cell(2));
    await client.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: nb, version: 2 },
      change: {
        cells: {
          textContent: [
            {
              document: { uri: cell(2), version: 2 },
              changes: [{ range: { start: { line: 2, character: 10 }, end: { line: 2, character: 14 } }, text: 'total' }],
            },
          ],
        },
      },
    });
    assert.deepEqual(await cleared, []);
  });

  it('reads a check Markdown cell (its whole fence) and maps problems, completion and definitions onto its lines', async () => {
    const nb = 'file:///tmp/lsp-test/markup.runbook.md';
    const cell = (n: number) => `vscode-notebook-cell:/tmp/lsp-test/markup.runbook.md#cell${n}`;
    const prose = { uri: cell(0), languageId: 'markdown', version: 1, text: '# Mini\n\nSee the steps.' };
    const stepA = { uri: cell(1), languageId: 'shellscript', version: 1, text: 'ss -tan' };
    const checkA = {
      uri: cell(2),
      languageId: 'markdown',
      version: 1,
      text: '```check\nparse: ss-tan\nfindings:\n  - when: totl > 10\n    severity: warning\n    message: many\n    next: second\n```',
    };
    const stepB = { uri: cell(3), languageId: 'shellscript', version: 1, text: 'uptime' };
    // VS Code sends a notebook's Markdown cells only when the server asks for them.
    const sync = client.capabilities.notebookDocumentSync as { notebookSelector: { cells: { language: string }[] }[] };
    assert.ok(
      sync.notebookSelector[0].cells.some((c) => c.language === 'markdown'),
      JSON.stringify(sync),
    );
    const checkDiagnostics = client.nextDiagnostics(cell(2));
    await client.connection.sendNotification('notebookDocument/didOpen', {
      notebookDocument: {
        uri: nb,
        notebookType: 'incident-runbook',
        version: 1,
        cells: [
          { kind: 1, document: cell(0), metadata: { role: 'prose' } },
          { kind: 2, document: cell(1), metadata: { role: 'step', info: 'sh {id=first}' } },
          { kind: 1, document: cell(2), metadata: { role: 'check' } },
          { kind: 2, document: cell(3), metadata: { role: 'step', info: 'sh {id=second}' } },
        ],
      },
      cellTextDocuments: [prose, stepA, checkA, stepB],
    });
    // The fence line is the cell's line 0: `totl` is on line 3 of the cell.
    assert.deepEqual(
      (await checkDiagnostics).map((d) => [d.code, at(d.range)]),
      [['unknown-value', '3:10-3:14']],
    );
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: cell(2) }, position: { line: 6, character: 10 } });
    assert.deepEqual(labels(items), ['first', 'second', 'end']);
    const def = await client.request<Location>('textDocument/definition', { textDocument: { uri: cell(2) }, position: { line: 6, character: 11 } });
    assert.equal(def.uri, cell(3));
    // A broken fence in the check cell is reported on that cell.
    const broken = client.nextDiagnostics(cell(2));
    await client.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: nb, version: 2 },
      change: {
        cells: {
          textContent: [
            {
              document: { uri: cell(2), version: 2 },
              changes: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 13 } }, text: 'parse: [ss-tan' }],
            },
          ],
        },
      },
    });
    const problems = await broken;
    assert.ok(
      problems.some((d) => d.code === 'check-yaml' && d.range.start.line >= 1 && d.range.start.line <= 7),
      JSON.stringify(problems.map((d) => [d.code, at(d.range)])),
    );
  });
});
