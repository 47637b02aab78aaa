// Starting an incident copies the template into incidents/ with an `incident:` map in its front
// matter, leaves every other byte as it was, never overwrites a record and opens the journal.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { addIncidentToFrontMatter, isIncidentRecord, slugify, startIncident } from '../../src/engine/incident';
import { journalPathFor, readJournal } from '../../src/engine/journal';

const TEMPLATE = [
  '---',
  'title: TCP connection timeouts',
  '# which service to look at',
  'params:',
  '  service: { default: nginx }',
  '  db_password: { secret: true }',
  'tags: [tcp, conntrack]',
  '---',
  '',
  '# Connection timeouts',
  '',
  '```sh {id=conntrack timeout=10s}',
  'sysctl net.netfilter.nf_conntrack_count',
  '```',
  '',
].join('\n');

describe('startIncident', function () {
  let root: string;
  let template: string;
  const now = new Date('2026-11-23T08:12:40.000Z');
  beforeEach(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-'));
    fs.mkdirSync(path.join(root, 'runbooks'));
    template = path.join(root, 'runbooks', 'tcp-timeouts.runbook.md');
    fs.writeFileSync(template, TEMPLATE);
  });
  afterEach(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('creates incidents/<date>-<slug>.runbook.md with the incident map; the rest byte-identical', function () {
    const { recordPath, incident } = startIncident(template, {
      title: 'Connection timeouts',
      responder: 'mei.lin',
      target: ['gw-1.prod'],
      parameters: { service: 'nginx', db_password: 'Hunter22!x' },
      now,
    });
    assert.equal(recordPath, path.join(root, 'incidents', '2026-11-23-connection-timeouts.runbook.md'));
    const text = fs.readFileSync(recordPath, 'utf8');
    const fmEnd = TEMPLATE.indexOf('---\n\n# Connection');
    assert.ok(text.startsWith(TEMPLATE.slice(0, fmEnd)), 'the template front matter is kept as written, comment included');
    assert.ok(text.endsWith(TEMPLATE.slice(fmEnd)), 'everything after the front matter is byte-identical');
    const yaml = parse(text.slice(4, text.indexOf('\n---\n'))) as { incident: Record<string, unknown>; title: string };
    assert.equal(yaml.title, 'TCP connection timeouts');
    assert.deepEqual(yaml.incident, {
      id: '2026-11-23-connection-timeouts',
      title: 'Connection timeouts',
      startedAt: '2026-11-23T08:12:40.000Z',
      responder: 'mei.lin',
      template: '../runbooks/tcp-timeouts.runbook.md',
      target: ['gw-1.prod'],
      parameters: { service: 'nginx', db_password: '[REDACTED:secret]' },
    });
    assert.deepEqual(incident, yaml.incident);
    assert.equal(text.includes('Hunter22'), false, 'secret parameters never reach the record');
    assert.equal(isIncidentRecord(text), true);
    assert.equal(isIncidentRecord(TEMPLATE), false);

    const { entries, problems } = readJournal(journalPathFor(recordPath));
    assert.deepEqual(problems, []);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].type, 'incident-start');
    assert.equal(fs.readFileSync(journalPathFor(recordPath), 'utf8').includes('Hunter22'), false);
  });

  it('never overwrites an existing record: -2, -3', function () {
    const a = startIncident(template, { title: 'Connection timeouts', responder: 'a', now });
    fs.appendFileSync(a.recordPath, 'notes of the first responder\n');
    const b = startIncident(template, { title: 'Connection timeouts', responder: 'b', now });
    const c = startIncident(template, { title: 'Connection timeouts', responder: 'c', now });
    assert.deepEqual(
      [a, b, c].map((r) => path.basename(r.recordPath)),
      ['2026-11-23-connection-timeouts.runbook.md', '2026-11-23-connection-timeouts-2.runbook.md', '2026-11-23-connection-timeouts-3.runbook.md'],
    );
    assert.match(fs.readFileSync(a.recordPath, 'utf8'), /notes of the first responder/);
    assert.equal(c.incident.id, '2026-11-23-connection-timeouts-3');
  });

  it('defaults the title to the template title and falls back to the file name for non-Latin titles', function () {
    assert.match(path.basename(startIncident(template, { now, responder: 'x' }).recordPath), /^2026-11-23-tcp-connection-timeouts\.runbook\.md$/);
    assert.match(path.basename(startIncident(template, { now, title: '心跳连接超时', responder: 'x' }).recordPath), /^2026-11-23-tcp-timeouts\.runbook\.md$/);
    assert.equal(slugify('Nacos: "heartbeat" timeouts / 504s!'), 'nacos-heartbeat-timeouts-504s');
  });

  it('adds a front matter block to a template without one, keeping CRLF line ends', function () {
    const body = '# Timeouts\r\n\r\n```sh {id=a}\r\nss -s\r\n```\r\n';
    const out = addIncidentToFrontMatter('t.runbook.md', body, { id: 'i', title: 'T', startedAt: 's', responder: 'r' });
    assert.ok(out.startsWith('---\r\nincident:\r\n  id: i\r\n'));
    assert.ok(out.endsWith('---\r\n\r\n' + body));
    assert.equal(isIncidentRecord(out), true);
  });

  it('says which line is wrong when the template front matter is not valid YAML, and writes nothing', function () {
    fs.writeFileSync(template, '---\ntitle: ok\nparameters: [unclosed\n---\nbody\n');
    assert.throws(() => startIncident(template, { now, responder: 'x' }), /tcp-timeouts\.runbook\.md:\d+: the front matter is not valid YAML/);
    assert.deepEqual(fs.existsSync(path.join(root, 'incidents')) ? fs.readdirSync(path.join(root, 'incidents')) : [], []);
    fs.writeFileSync(template, '---\nincident: {id: x}\n---\n');
    assert.throws(() => startIncident(template, { now, responder: 'x' }), /already is an incident record/);
  });
});
