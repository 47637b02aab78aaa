// Parameters in the notebook: recorded and default values are used, missing ones are asked once,
// a recorded secret placeholder is asked again, and typed values are checked against their type.
import assert from 'node:assert/strict';
import { knownParameters, parameterProblem, parameterSummary } from '../../src/extension/parameterValues';
import { withRecordedParameter } from '../../src/extension/recordParameters';
import { parametersUsed, resolveRunParameters, setParameterProblem } from '../../src/pipeline/parameters';
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

describe('pipeline/parameters: Set Parameter and --var are checked the same way', () => {
  const runbook = () => parseRunbook(TEMPLATE, 'p.runbook.md');

  it('refuses a value that is not of the declared type, an unknown name, and an empty value', async () => {
    const bad = setParameterProblem(runbook(), 'port', '99999');
    assert.ok(bad, 'port 99999 is refused');
    assert.equal(setParameterProblem(runbook(), 'port', '9090'), undefined);
    assert.match(String(setParameterProblem(runbook(), 'prot', '1')), /declares no parameter "prot" \(it has: port, service, token\)/);
    assert.equal(setParameterProblem(runbook(), 'service', '  '), 'A value is needed.');
    // The CLI's --var goes through resolveRunParameters: the same words, with file:line.
    const never = { askParameter: async () => undefined, confirmStep: async () => undefined, askSecret: async () => undefined, confirm: async () => false };
    await assert.rejects(
      resolveRunParameters(runbook(), { port: '99999', token: 't' }, never),
      (e: Error) => e.message.includes(bad!) && /p\.runbook\.md:\d+/.test(e.message),
    );
  });

  it("the status bar's summary and the values a step used (secrets never shown)", () => {
    assert.equal(parameterSummary(runbook(), { port: '9090', token: 's3cret' }), 'port=9090 · service=nginx · token=••••');
    assert.equal(parameterSummary(runbook(), {}), 'port=? · service=nginx · token=?');
    assert.deepEqual(parametersUsed(runbook(), 'ss -tln sport = :{{port}} # {{ token }} {{port}} {{step.value}}', { port: '9090', token: 's3cret' }), {
      port: '9090',
      token: '[secret]',
    });
  });
});

describe('extension/recordParameters: Set Parameter in a record writes incident.parameters', () => {
  it('changes that one value and keeps the rest of the YAML as written', () => {
    const yaml = 'title: Ports # the title\nparams:\n  port: { type: port }\nincident:\n  id: x\n  parameters:\n    port: "8080"\n    service: nginx\n';
    const out = withRecordedParameter(yaml, 'port', '9191')!;
    assert.equal(out, yaml.replace('port: "8080"', 'port: "9191"'));
    assert.match(withRecordedParameter('title: t\nincident:\n  id: x\n', 'port', '1')!, /incident:\n {2}id: x\n {2}parameters:\n {4}port: "1"\n/);
    assert.equal(withRecordedParameter('title: template\n', 'port', '1'), undefined, 'a template is not written');
  });
});
