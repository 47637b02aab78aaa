// A JSON-RPC client for the real language server: spawns `tsx src/server/main.ts --stdio` and speaks
// LSP over its stdio, the way an editor does.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { StreamMessageReader, StreamMessageWriter, createMessageConnection, type MessageConnection } from 'vscode-languageserver-protocol/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

const root = path.resolve(__dirname, '..', '..');

export class LspClient {
  private readonly latest = new Map<string, Diagnostic[]>();
  private readonly waiting = new Map<string, ((d: Diagnostic[]) => void)[]>();
  private versions = new Map<string, number>();

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {
    connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.latest.set(params.uri, params.diagnostics);
      const list = this.waiting.get(params.uri) ?? [];
      this.waiting.delete(params.uri);
      for (const resolve of list) resolve(params.diagnostics);
    });
  }

  static async start(initializationOptions: Record<string, unknown> = {}): Promise<LspClient> {
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'src', 'server', 'main.ts'), '--stdio'], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    connection.listen();
    const result = await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions });
    await connection.sendNotification('initialized', {});
    client.capabilities = (result as { capabilities: Record<string, unknown> }).capabilities;
    return client;
  }

  capabilities: Record<string, unknown> = {};

  /** The next diagnostics published for `uri`. */
  nextDiagnostics(uri: string, timeoutMs = 15_000): Promise<Diagnostic[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      const list = this.waiting.get(uri) ?? [];
      list.push((d) => {
        clearTimeout(timer);
        resolve(d);
      });
      this.waiting.set(uri, list);
    });
  }

  async open(uri: string, text: string): Promise<Diagnostic[]> {
    const diagnostics = this.nextDiagnostics(uri);
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'runbook-markdown', version: 1, text } });
    return diagnostics;
  }

  /** Replaces a range (or the whole text when range is undefined) and returns the next diagnostics. */
  async change(
    uri: string,
    text: string,
    range?: { start: { line: number; character: number }; end: { line: number; character: number } },
  ): Promise<Diagnostic[]> {
    const diagnostics = this.nextDiagnostics(uri);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [range ? { range, text } : { text }] });
    return diagnostics;
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.connection.sendRequest(method, params) as Promise<T>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; killing it below is what matters.
    }
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** A position's `line:character`, for readable assertions. */
export function at(range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  return `${range.start.line}:${range.start.character}-${range.end.line}:${range.end.character}`;
}
