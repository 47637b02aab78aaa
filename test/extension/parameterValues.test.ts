// Parameters in the notebook: recorded and default values are used, missing ones are asked once,
// a recorded secret placeholder is asked again, and typed values are checked against their type.
import assert from 'node:assert/strict';
import { knownParameters, parameterProblem } from '../../src/extension/parameterValues';
import { parseRunbook } from '../../src/runbook/parse';

const TEMPLATE = `---
title: Ports
params:
  port: { type: port }
  service: nginx
  token: { secret: true }
---

# Ports
`;

describe('extension/parameterValues: parameters once per incident', () => {
  it('uses defaults and reports the rest as missing, in file order', () => {
    const runbook = parseRunbook(TEMPLATE, 'p.runbook.md');
    const { values, missing } = knownParameters(runbook, {});
    assert.deepEqual(values, { service: 'nginx' });
    assert.deepEqual(
      missing.map((p) => p.name),
      ['port', 'token'],
    );
  });

  it('values typed this session win and are not asked again', () => {
    const runbook = parseRunbook(TEMPLATE, 'p.runbook.md');
    const { values, missing } = knownParameters(runbook, { port: '8080', token: 's3cret' });
    assert.deepEqual(values, { port: '8080', service: 'nginx', token: 's3cret' });
    assert.deepEqual(missing, []);
  });

  it('takes recorded values from an incident record, but asks again for a redacted secret', () => {
    const record = TEMPLATE.replace(
      '---\n\n# Ports',
      'incident:\n  id: x\n  title: Ports\n  startedAt: "2026-01-01T00:00:00Z"\n  responder: me\n  parameters: { port: "443", token: "[REDACTED:secret]" }\n---\n\n# Ports',
    );
    const { values, missing } = knownParameters(parseRunbook(record, 'x.runbook.md'), {});
    assert.equal(values.port, '443');
    assert.deepEqual(
      missing.map((p) => p.name),
      ['token'],
    );
  });

  it('says what is wrong with a value before it can reach a command', () => {
    const port = parseRunbook(TEMPLATE, 'p.runbook.md').frontMatter?.parameters.find((p) => p.name === 'port');
    assert.ok(port);
    assert.equal(parameterProblem(port, '8080'), undefined);
    assert.match(parameterProblem(port, '80; rm -rf /') ?? '', /port/);
    assert.match(parameterProblem(port, '70000') ?? '', /port/);
  });
});
