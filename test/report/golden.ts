// Golden files of the report and plan tests: compared byte for byte; UPDATE_GOLDEN=1 writes them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

export const GOLDEN = path.join(__dirname, 'golden');

export function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  assert.ok(fs.existsSync(file), `${file} is missing: run the test with UPDATE_GOLDEN=1 and review the file`);
  assert.equal(actual, fs.readFileSync(file, 'utf8'), `${name} differs from the golden file (UPDATE_GOLDEN=1 to accept the new output)`);
}
