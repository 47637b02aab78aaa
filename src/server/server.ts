// The language server over a connection it is given: runbook text documents and notebook cells in,
// diagnostics, completion, hover, navigation, outline and quick fixes out.

import { CHECK_LANGUAGE, NOTEBOOK_TYPE, STEP_LANGUAGE } from '../protocol/ids';
import { NotebookDocuments, TextDocumentSyncKind, TextDocuments, type Connection, type InitializeResult, type Position } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Debouncer, lspDiagnostics } from './diagnostics';
import { DocumentState, notebookView, textView, type RunbookView } from './views';
import { completions } from './completion';
import { hover } from './hover';
import { definition, documentSymbols, references } from './navigation';
import { codeActions } from './codeActions';

export interface ServerOptions {
  /** Quiet time after an edit before diagnostics are computed (ms). */
  diagnosticsDelayMs?: number;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  // Each change's place is noted before it is applied, so that the parse keeps the pieces around it.
  const documents = new TextDocuments({
    create: (uri, languageId, version, content) => {
      states.delete(uri);
      return TextDocument.create(uri, languageId, version, content);
    },
    update: (document, changes, version) => {
      const state = stateOf(document.uri, true);
      for (const change of changes) {
        if ('range' in change) state.edited(document.offsetAt(change.range.start), document.offsetAt(change.range.end), document.getText().length);
        else state.replaced();
        TextDocument.update(document, [change], version);
      }
      return document;
    },
  });
  const notebooks = new NotebookDocuments(TextDocument);
  // An edit is analysed incrementally (a few ms), so no quiet time is needed: the timer still runs after
  // the changes already received, so a burst that arrives together is analysed once.
  let delay = options.diagnosticsDelayMs ?? 0;
  let debouncer = new Debouncer(delay);
  const views = new Map<string, RunbookView>();
  /** Per document: the pieces and analysis an edit builds on. */
  const states = new Map<string, DocumentState>();
  const stateOf = (uri: string, tracked = false) => {
    let state = states.get(uri);
    if (!state) {
      state = new DocumentState(tracked);
      states.set(uri, state);
    }
    return state;
  };
  /** Cell documents each notebook last published to, so removed problems are cleared. */
  const published = new Map<string, Set<string>>();

  const textViewOf = (uri: string): RunbookView | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const key = `${uri}@${doc.version}`;
    let view = views.get(key);
    if (!view) {
      for (const k of views.keys()) if (k.startsWith(`${uri}@`)) views.delete(k);
      view = textView(uri, doc.getText(), stateOf(uri, true));
      views.set(key, view);
    }
    return view;
  };

  const notebookViewOf = (notebookUri: string): RunbookView | undefined => {
    const notebook = notebooks.getNotebookDocument(notebookUri);
    if (!notebook) return undefined;
    const versions: number[] = [];
    const cells = notebook.cells.flatMap((cell) => {
      const doc = notebooks.getCellTextDocument(cell);
      if (!doc) return [];
      versions.push(doc.version);
      return [{ uri: doc.uri, languageId: doc.languageId, text: doc.getText(), metadata: cell.metadata as { role?: string; info?: string } | undefined }];
    });
    const key = `${notebookUri}@${notebook.version}:${versions.join(',')}`;
    let view = views.get(key);
    if (!view) {
      for (const k of views.keys()) if (k.startsWith(`${notebookUri}@`)) views.delete(k);
      view = notebookView(notebookUri, cells, stateOf(notebookUri));
      views.set(key, view);
    }
    return view;
  };

  /** The view for a request's document: a runbook file, or a cell of a runbook notebook. */
  const viewFor = (uri: string): RunbookView | undefined => {
    if (documents.get(uri)) return textViewOf(uri);
    const notebook = notebooks.findNotebookDocumentForCell(uri);
    return notebook ? notebookViewOf(notebook.uri) : undefined;
  };

  const publishText = (uri: string) => {
    const view = textViewOf(uri);
    if (view) void connection.sendDiagnostics({ uri, diagnostics: lspDiagnostics(view).get(uri) ?? [] });
  };

  const publishNotebook = (notebookUri: string) => {
    const view = notebookViewOf(notebookUri);
    if (!view) return;
    const byUri = lspDiagnostics(view);
    const notebook = notebooks.getNotebookDocument(notebookUri);
    const now = new Set(notebook?.cells.map((c) => c.document) ?? []);
    for (const uri of new Set([...now, ...(published.get(notebookUri) ?? [])])) {
      void connection.sendDiagnostics({ uri, diagnostics: byUri.get(uri) ?? [] });
    }
    published.set(notebookUri, now);
  };

  connection.onInitialize((params): InitializeResult => {
    const requested = (params.initializationOptions as { diagnosticsDelayMs?: unknown } | undefined)?.diagnosticsDelayMs;
    if (typeof requested === 'number' && requested >= 0) {
      delay = requested;
      debouncer = new Debouncer(delay);
    }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        notebookDocumentSync: {
          notebookSelector: [
            // Markdown cells too: check blocks are Markdown cells holding their fence, and prose is part of the runbook.
            {
              notebook: { notebookType: NOTEBOOK_TYPE },
              cells: [{ language: CHECK_LANGUAGE }, { language: STEP_LANGUAGE }, { language: 'yaml' }, { language: 'markdown' }],
            },
          ],
        },
        completionProvider: { triggerCharacters: [':', ' ', '{', '=', '.'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
      },
      serverInfo: { name: 'incident-runbooks' },
    };
  });

  documents.onDidOpen((e) => debouncer.schedule(e.document.uri, () => publishText(e.document.uri)));
  documents.onDidChangeContent((e) => debouncer.schedule(e.document.uri, () => publishText(e.document.uri)));
  documents.onDidClose((e) => {
    debouncer.cancel(e.document.uri);
    for (const k of views.keys()) if (k.startsWith(`${e.document.uri}@`)) views.delete(k);
    states.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  notebooks.onDidOpen((n) => debouncer.schedule(n.uri, () => publishNotebook(n.uri)));
  notebooks.onDidChange((e) => debouncer.schedule(e.notebookDocument.uri, () => publishNotebook(e.notebookDocument.uri)));
  notebooks.onDidClose((n) => {
    debouncer.cancel(n.uri);
    for (const uri of published.get(n.uri) ?? []) void connection.sendDiagnostics({ uri, diagnostics: [] });
    published.delete(n.uri);
    for (const k of views.keys()) if (k.startsWith(`${n.uri}@`)) views.delete(k);
    states.delete(n.uri);
  });

  /** Runs a feature at a position of a file or cell, in runbook coordinates. */
  const at = <T>(uri: string, position: Position, feature: (view: RunbookView, p: Position) => T): T | undefined => {
    const view = viewFor(uri);
    const p = view?.toRunbook(uri, position);
    return view && p ? feature(view, p) : undefined;
  };

  connection.onCompletion((params) => at(params.textDocument.uri, params.position, completions) ?? []);
  connection.onHover((params) => {
    const view = viewFor(params.textDocument.uri);
    const p = view?.toRunbook(params.textDocument.uri, params.position);
    const result = view && p ? hover(view, p) : undefined;
    if (!result || !view) return null;
    const place = result.range ? view.toDocument(result.range) : undefined;
    return { contents: result.contents, range: place?.uri === params.textDocument.uri ? place.range : undefined };
  });
  connection.onDefinition((params) => {
    const place = at(params.textDocument.uri, params.position, definition);
    return place ? { uri: place.uri, range: place.range } : null;
  });
  connection.onReferences((params) => at(params.textDocument.uri, params.position, (view, p) => references(view, p, params.context.includeDeclaration)) ?? []);
  connection.onDocumentSymbol((params) => {
    const view = documents.get(params.textDocument.uri) ? textViewOf(params.textDocument.uri) : undefined;
    return view ? documentSymbols(view) : [];
  });
  connection.onCodeAction((params) => {
    const view = viewFor(params.textDocument.uri);
    return view ? codeActions(view, params.textDocument.uri, params.context.diagnostics) : [];
  });

  documents.listen(connection);
  notebooks.listen(connection);
  connection.listen();
}
