// Starts the language client over dist/server.js (node IPC). Lazy: the extension calls this when the
// first runbook opens, so activation does not pay for a server process nobody uses yet.

import { CHECK_LANGUAGE, NOTEBOOK_TYPE, RUNBOOK_TEXT_LANGUAGE, STEP_LANGUAGE } from '../protocol/ids';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

let starting: Promise<LanguageClient> | undefined;

export function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  starting ??= start(context).catch((error: unknown) => {
    // A failed start can be retried on the next runbook that opens.
    starting = undefined;
    throw error;
  });
  return starting;
}

async function start(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const { LanguageClient, TransportKind } = await import('vscode-languageclient/node');
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const client = new LanguageClient(
    'incidentRunbooks',
    'Incident Runbooks',
    {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    },
    {
      // Step cells too, so `{{` in a command completes parameters and earlier values.
      documentSelector: [
        { language: RUNBOOK_TEXT_LANGUAGE },
        { notebook: NOTEBOOK_TYPE, language: CHECK_LANGUAGE },
        { notebook: NOTEBOOK_TYPE, language: STEP_LANGUAGE },
        // Prose cells too: a fence opened in prose and never closed (it swallows the rest of the file) is only seen there.
        { notebook: NOTEBOOK_TYPE, language: 'markdown' },
      ],
    },
  );
  await client.start();
  context.subscriptions.push({ dispose: () => void client.stop() });
  return client;
}
