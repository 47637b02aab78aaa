#!/usr/bin/env node
// The `runbook` command: the CLI bundle built by `npm run build`.
require('../dist/cli.js');
