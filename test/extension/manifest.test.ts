// The manifest matches the code: every registered command is contributed under "Runbook" (and the
// other way round), settings have a scope and a description, the renderer and notebook ids agree,
// and Restricted Mode is declared as limited.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECK_LANGUAGE, NOTEBOOK_TYPE, OUTPUT_MIME, RENDERER_ID, RESULT_MIME, RUNBOOK_TEXT_LANGUAGE } from '../../src/protocol/ids';
import { OUTPUT_MIME as SAVED_OUTPUT_MIME } from '../../src/runbook/cells';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const source = (file: string) => readFileSync(join(root, 'src', 'extension', file), 'utf8');

describe('extension/manifest: package.json agrees with src/extension', () => {
  it('contributes every command the extension registers, in the Runbook category, and no other', () => {
    const registered = ['commands.ts', 'notebookCommands.ts', 'extension.ts', 'mapView.ts', 'incidentCommands.ts']
      .flatMap((file) => [...source(file).matchAll(/register(?:Command)?\('(runbook\.[\w.]+)'/g)].map((m) => m[1]))
      .sort();
    const contributed = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.ok(registered.length >= 8, `registered: ${registered.join(', ')}`);
    assert.deepEqual(contributed, registered);
    for (const c of manifest.contributes.commands) assert.equal(c.category, 'Runbook', c.command);
  });

  it('shows notebook commands in the palette only with a runbook open', () => {
    const palette = new Map(manifest.contributes.menus.commandPalette.map((m: { command: string; when: string }) => [m.command, m.when]));
    for (const id of ['runbook.runStep', 'runbook.runToNextDecision', 'runbook.cancel', 'runbook.selectHost']) {
      assert.match(String(palette.get(id)), /notebookType == incident-runbook/, id);
    }
  });

  it('declares every runbook.* setting with a scope and a markdown description', () => {
    const props = manifest.contributes.configuration.properties as Record<string, { scope?: string; markdownDescription?: string; default?: unknown }>;
    for (const name of [
      'runbook.step.defaultTimeout',
      'runbook.output.capBytes',
      'runbook.ssh.keepaliveInterval',
      'runbook.ssh.maxSessionsPerHost',
      'runbook.inventoryPath',
      'runbook.incidents.folder',
      'runbook.group.concurrency',
      'runbook.secrets.remember',
    ]) {
      assert.ok(props[name], `${name} is missing`);
      assert.ok(props[name].scope, `${name} has no scope`);
      assert.ok(props[name].markdownDescription, `${name} has no markdownDescription`);
    }
    assert.equal(props['runbook.group.concurrency'].default, 32);
    assert.equal(props['runbook.secrets.remember'].default, false, 'secrets are not kept unless asked for');
    // Every setting the code reads is declared.
    const read = [...source('settings.ts').matchAll(/config\.get<\w+>\('([\w.]+)'/g)].map((m) => `runbook.${m[1]}`);
    for (const name of read) assert.ok(props[name], `settings.ts reads ${name}, which package.json does not declare`);
  });

  it('uses the renderer id and notebook type the code uses, with our MIME types', () => {
    const [renderer] = manifest.contributes.notebookRenderer;
    assert.equal(RENDERER_ID, renderer.id);
    assert.ok(renderer.mimeTypes.includes(RESULT_MIME) && renderer.mimeTypes.includes(OUTPUT_MIME));
    assert.equal(OUTPUT_MIME, SAVED_OUTPUT_MIME, 'saved outputs render through the same renderer as raw output');
    assert.equal(manifest.contributes.notebooks[0].type, NOTEBOOK_TYPE);
    assert.deepEqual(manifest.contributes.languages.map((l: { id: string }) => l.id).sort(), [CHECK_LANGUAGE, RUNBOOK_TEXT_LANGUAGE].sort());
  });

  it('is limited in Restricted Mode and activates only on a runbook or a runbook command', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.match(manifest.capabilities.untrustedWorkspaces.description, /no step runs/);
    assert.deepEqual(manifest.activationEvents, []);
    assert.match(source('runner.ts'), /if \(!vscode\.workspace\.isTrusted\)/, 'the controller refuses in Restricted Mode');
  });

  it('has the Hosts view with welcome content pointing at the bundled runbooks', () => {
    const views = Object.values(manifest.contributes.views).flat() as { id: string }[];
    assert.ok(views.some((v) => v.id === 'runbook.hosts'));
    assert.ok(
      manifest.contributes.viewsWelcome.some(
        (w: { view: string; contents: string }) => w.view === 'runbook.hosts' && w.contents.includes('command:runbook.openBundledRunbook'),
      ),
    );
  });
});
