// Language server entry point (bundled to dist/server.js): stdio or node IPC, as the client asks.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));
