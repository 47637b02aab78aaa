// The scratch folder of one running fault: the server scripts it runs and the logs they write.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onExit } from './exitCleanup';

export interface LabDir {
  path: string;
  /** Writes a file into the folder and returns its path. */
  write(name: string, text: string): string;
  remove(): void;
}

export function makeLabDir(scenario: string): LabDir {
  const path = mkdtempSync(join(tmpdir(), `runbook-lab-${scenario}-`));
  const remove = (): void => rmSync(path, { recursive: true, force: true });
  const forget = onExit(remove);
  return {
    path,
    write(name, text) {
      const file = join(path, name);
      writeFileSync(file, text);
      return file;
    },
    remove() {
      remove();
      forget();
    },
  };
}
