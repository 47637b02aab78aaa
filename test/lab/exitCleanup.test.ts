import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { gone, isRoot, namespaces } from './observe';

const fixture = join(__dirname, 'fixtures', 'startAndExit.ts');

/** Runs the fixture, returns the fault's details once printed, and the child for signalling. */
async function startInChild(name: string, address: string, how: 'exit' | 'signal') {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', fixture, name, address, how], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let text = '';
  const details = await new Promise<Record<string, string | number>>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]) as Record<string, string | number>);
    });
    void exited.then((code) => reject(new Error(`fixture exited (${code}) before printing details: ${text}`)));
  });
  return { child, details, exited };
}

describe('lab cleanup when the process that started a fault ends without stop()', function () {
  this.timeout(30_000);

  it('kills the server and removes the lab folder on process.exit', async () => {
    const { details, exited } = await startInChild('close-wait', '127.0.0.37', 'exit');
    assert.equal(await exited, 0);
    assert.ok(await gone(Number(details.serverPid)), `server pid ${details.serverPid} outlived its lab`);
    assert.equal(existsSync(String(details.serverLog)), false, 'the lab folder is removed');
  });

  it('kills the server on SIGTERM', async () => {
    const { child, details, exited } = await startInChild('healthy', '127.0.0.38', 'signal');
    child.kill('SIGTERM');
    await exited;
    assert.ok(await gone(Number(details.serverPid)), `server pid ${details.serverPid} outlived its lab`);
  });

  if (isRoot())
    it('deletes the half-open namespaces on SIGINT', async () => {
      const { child, details, exited } = await startInChild('half-open', '127.0.0.39', 'signal');
      assert.ok(namespaces().includes(String(details.clientNamespace)));
      child.kill('SIGINT');
      await exited;
      const left = namespaces();
      assert.ok(!left.includes(String(details.serverNamespace)) && !left.includes(String(details.clientNamespace)), `left: ${left.join(', ')}`);
      for (const pid of [details.serverPid, details.clientPid]) assert.ok(await gone(Number(pid)), `pid ${pid} outlived its lab`);
    });
});
