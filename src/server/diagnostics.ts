// Runbook diagnostics as LSP diagnostics, published per document a short while after the last edit.

import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from 'vscode-languageserver/node';
import type { Diagnostic } from '../runbook/model';
import type { RunbookView } from './views';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** The analysis' diagnostics, grouped by the document (file or cell) they belong to. */
export function lspDiagnostics(view: RunbookView): Map<string, LspDiagnostic[]> {
  const byUri = new Map<string, LspDiagnostic[]>();
  for (const d of view.diagnostics()) {
    const place = view.toDocument(d.range);
    if (!place) continue;
    const list = byUri.get(place.uri) ?? [];
    list.push(toLsp(d, place.range));
    byUri.set(place.uri, list);
  }
  return byUri;
}

function toLsp(d: Diagnostic, range: Diagnostic['range']): LspDiagnostic {
  // The editor shows the line already: the "line N:" the CLI needs is dropped.
  return { range, severity: SEVERITY[d.severity], code: d.code, source: 'runbook', message: d.message.replace(/^line \d+: /, '') };
}

/** Runs `work` once per key, `delayMs` after the last call for that key. */
export class Debouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly delayMs: number) {}

  schedule(key: string, work: () => void): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        work();
      }, this.delayMs),
    );
  }

  cancel(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }
}
