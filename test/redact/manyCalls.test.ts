// Redacting thousands of small texts (an export redacts every field) must not leave work behind:
// secretlint's own profiler used to make the process spin for minutes after the last call.

import assert from 'node:assert/strict';
import { createRedactor } from '../../src/redact/redactor';

describe('redactor: many calls', function () {
  this.timeout(60_000);
  it('3,000 redactions in a row leave the event loop free', async () => {
    const redactor = createRedactor();
    for (let i = 0; i < 3000; i++) await redactor.redact(`timewait,${i}sec,0`);
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.ok(Date.now() - started < 1000, `a timer waited ${Date.now() - started} ms after the redactions`);
  });
});
