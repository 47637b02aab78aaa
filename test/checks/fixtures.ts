// Reads the captured and quoted outputs under test/fixtures/outputs/<parser>/, each with a
// `.meta.json` sidecar saying where and how it was captured (or which incident quotes it).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const fixtureRoot = join(__dirname, '..', 'fixtures', 'outputs');

export interface Fixture {
  parser: string;
  name: string;
  text: string;
  meta: Record<string, unknown> | undefined;
}

export function fixture(parser: string, name: string): string {
  return readFileSync(join(fixtureRoot, parser, name), 'utf8');
}

export function allFixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const parser of readdirSync(fixtureRoot).sort()) {
    for (const name of readdirSync(join(fixtureRoot, parser)).sort()) {
      if (name.endsWith('.meta.json')) continue;
      let meta: Record<string, unknown> | undefined;
      try {
        meta = JSON.parse(readFileSync(join(fixtureRoot, parser, `${name}.meta.json`), 'utf8')) as Record<string, unknown>;
      } catch {
        meta = undefined;
      }
      out.push({ parser, name, text: fixture(parser, name), meta });
    }
  }
  return out;
}
