// The shape of diagnosis in every bundled runbook, read from the check blocks as written: each
// suspected cause names read-only steps that can confirm it, a host change is only reached from a
// critical finding, and messages interpolate values, never whole objects.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Runbook, Step } from '../../src/runbook/model';
import { loadRunbook } from './localStep';

interface Rule {
  when: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  hint?: string;
  next?: string;
  cause?: string;
  verify?: string[];
  confirms?: string;
  refutes?: string;
}
interface Block {
  findings: Rule[];
  next?: string;
}

const names = fs
  .readdirSync('runbooks')
  .filter((f) => f.endsWith('.runbook.md'))
  .map((f) => f.replace(/\.runbook\.md$/, ''));

function blockOf(step: Step): Block | undefined {
  return step.check ? (parseYaml(step.check.yamlText) as Block) : undefined;
}

/** Steps reached from `step` when none of its rules names a next: the check's next, else the following step. */
function fallThrough(runbook: Runbook, step: Step): string | undefined {
  const block = blockOf(step);
  if (block?.next) return block.next;
  return runbook.steps[runbook.steps.indexOf(step) + 1]?.id;
}

for (const name of names) {
  describe(`runbook ${name}: causes, confirmations and host changes`, () => {
    const runbook = loadRunbook(name);
    const byId = new Map(runbook.steps.map((s) => [s.id, s]));
    const rules = runbook.steps.flatMap((step) => (blockOf(step)?.findings ?? []).map((rule) => ({ step, rule })));

    it('names each suspected cause with read-only verifying steps that can confirm it', () => {
      for (const { step, rule } of rules.filter((r) => r.rule.verify)) {
        assert.ok(rule.cause, `${step.id}: a rule with verify: has no cause:`);
        assert.match(rule.cause, /^[a-z][a-z0-9-]*$/, 'cause is kebab-case');
        for (const id of rule.verify ?? []) {
          const verifying = byId.get(id);
          assert.ok(verifying, `${step.id}: verify names no step "${id}"`);
          assert.equal(verifying.confirm, false, `${step.id}: verify step ${id} changes the host`);
        }
        const confirming = (rule.verify ?? []).flatMap((id) => blockOf(byId.get(id)!)?.findings ?? []).filter((r) => r.confirms === rule.cause);
        assert.ok(confirming.length > 0, `${step.id}: no verify step of ${rule.cause} has a rule with confirms: ${rule.cause}`);
        assert.ok(
          confirming.every((r) => r.severity === 'critical'),
          `${rule.cause}: a confirmation is a critical finding`,
        );
      }
    });

    it('confirms and refutes only causes the runbook suspects', () => {
      const suspected = new Set(rules.map((r) => r.rule.cause).filter(Boolean));
      for (const { step, rule } of rules) {
        for (const named of [rule.confirms, rule.refutes].filter(Boolean)) assert.ok(suspected.has(named), `${step.id}: ${named} is never suspected`);
      }
    });

    it('reaches a step that changes the host only from a critical finding', () => {
      const changes = new Set(runbook.steps.filter((s) => s.confirm).map((s) => s.id));
      for (const { step, rule } of rules) {
        if (rule.next && changes.has(rule.next)) assert.equal(rule.severity, 'critical', `${step.id}: a ${rule.severity} finding leads to ${rule.next}`);
      }
      for (const step of runbook.steps.filter((s) => !s.confirm)) {
        const to = fallThrough(runbook, step);
        assert.ok(!to || !changes.has(to), `${step.id} falls through to ${to}, which changes the host`);
      }
    });

    it('shows numbers and names in messages, never a whole object or list', () => {
      // Values that are objects or lists in their parsers: interpolating them prints JSON.
      const objects = /\{\{\s*(listenOverflow|listenOverflow\.sockets|maxPeer|states|byPeer|rows|flows|conntrackFull|tooManyOpenFiles|kv|counters)\s*\}\}/;
      for (const { step, rule } of rules) {
        for (const text of [rule.message, rule.hint ?? '']) {
          assert.doesNotMatch(text, objects, `${step.id}: ${text}`);
          assert.doesNotMatch(text, /\?\}\}/, `${step.id}: ${text}`);
        }
      }
    });

    it('never leaves a since-boot counter to raise a finding by its total alone', () => {
      for (const { step, rule } of rules.filter((r) => r.rule.severity !== 'info')) {
        assert.doesNotMatch(rule.when, /^\s*(listenOverflows|listenDrops)\s*>/, `${step.id}: ${rule.when}`);
      }
    });
  });
}
