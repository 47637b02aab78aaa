// Which host a notebook runs on: picked > the record's target > the runbook's group/hosts > last used.
import assert from 'node:assert/strict';
import { TargetMemory, targetLabel, type KeyValueStore } from '../../src/extension/targetMemory';
import { parseRunbook } from '../../src/runbook/parse';

/** A Memento-like store in memory (the extension passes context.workspaceState). */
function store(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: <T>(key: string) => data.get(key) as T | undefined, update: async (key, value) => void data.set(key, value) };
}

const withGroup = parseRunbook('---\ntitle: t\ngroup: web\n---\n\n# t\n', 'a.runbook.md').frontMatter;
const withHosts = parseRunbook('---\ntitle: t\nhosts: [db-1, db-2]\n---\n\n# t\n', 'b.runbook.md').frontMatter;
const record = parseRunbook(
  '---\ntitle: t\ngroup: web\nincident:\n  id: x\n  title: t\n  startedAt: "2026-01-01T00:00:00Z"\n  responder: me\n  target: [web-3]\n---\n\n# t\n',
  'c.runbook.md',
).frontMatter;

describe('extension/targetMemory: the target per notebook', () => {
  it('defaults to the runbook front matter: group first, else hosts', () => {
    const memory = new TargetMemory(store());
    assert.deepEqual(memory.targetFor('file:///a', withGroup), { names: ['web'], from: 'runbook' });
    assert.deepEqual(memory.targetFor('file:///b', withHosts), { names: ['db-1', 'db-2'], from: 'runbook' });
    assert.deepEqual(memory.targetFor('file:///c', record)?.names, ['web-3'], 'a record runs where the incident started');
  });

  it('a pick wins for that notebook only, and becomes the last used for notebooks that name none', async () => {
    const memory = new TargetMemory(store());
    assert.equal(memory.targetFor('file:///none', undefined), undefined);
    await memory.pick('file:///a', ['local']);
    assert.deepEqual(memory.targetFor('file:///a', withGroup), { names: ['local'], from: 'picked' });
    assert.deepEqual(memory.targetFor('file:///b', withHosts)?.names, ['db-1', 'db-2'], 'another notebook keeps its own default');
    assert.deepEqual(memory.targetFor('file:///none', undefined), { names: ['local'], from: 'last used' });
    assert.equal(targetLabel(memory.targetFor('file:///b', withHosts)), 'db-1, db-2');
    assert.equal(targetLabel(undefined), 'no host');
  });

  it('survives a restart: it lives in the store, not in the object', async () => {
    const shared = store();
    await new TargetMemory(shared).pick('file:///a', ['web-1']);
    assert.deepEqual(new TargetMemory(shared).targetFor('file:///a', withGroup)?.names, ['web-1']);
  });
});

describe('extension/targetMemory: the host picker preselects the last remote target of the runbook', () => {
  it('remembers per runbook, never preselects local, and falls back to the last remote of any runbook', async () => {
    const memory = new TargetMemory(store());
    assert.equal(memory.preselect('triage.runbook.md'), undefined, 'nothing run yet: nothing preselected');
    await memory.ranOn('triage.runbook.md', ['web-1']);
    await memory.ranOn('triage.runbook.md', ['local']);
    assert.deepEqual(memory.preselect('triage.runbook.md'), ['web-1'], 'a run on local does not replace the remote host');
    await memory.ranOn('conntrack.runbook.md', ['db-2']);
    assert.deepEqual(memory.preselect('triage.runbook.md'), ['web-1'], 'each runbook keeps its own');
    assert.deepEqual(memory.preselect('other.runbook.md'), ['db-2'], 'a runbook never run here gets the last remote target');
  });
});
