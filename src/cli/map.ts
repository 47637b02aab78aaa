// `runbook map RUNBOOK [--record RECORD] --format svg|mermaid|dot`: the runbook's decision graph,
// with the path an incident took (from the record's saved outputs and journal) when given one.

import fs from 'node:fs';
import { recordedIncident } from '../engine/replayRecord';
import { buildRunbookMap } from '../report/map/graph';
import { mapDot } from '../report/map/dot';
import { mapMermaid } from '../report/map/mermaid';
import { renderMapSvg } from '../report/map/svg';
import { parseRunbook } from '../runbook/parse';
import type { SavedOutput } from '../runbook/model';

export interface MapOptions {
  record?: string;
  format: 'svg' | 'mermaid' | 'dot';
  output?: string;
}

export async function mapCommand(file: string, options: MapOptions, err: (t: string) => void = (t) => process.stderr.write(t)): Promise<number> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    err(`${file}: cannot read: ${(error as Error).message}\n`);
    return 2;
  }
  const runbook = parseRunbook(text, file);
  const blocking = runbook.diagnostics.find((d) => d.severity === 'error' && (d.code === 'binary-content' || d.code === 'front-matter-yaml'));
  if (blocking) {
    err(`${file}:${blocking.range.start.line + 1}: ${blocking.message}\n`);
    return 2;
  }
  let runs: SavedOutput[] | undefined;
  // A record drawn on its own shows its own path; --record draws another runbook's path (e.g. the template's).
  const source = options.record ?? (runbook.frontMatter?.incident ? file : undefined);
  if (source) {
    try {
      const recorded = recordedIncident(source);
      for (const problem of recorded.problems) err(`${problem}\n`);
      runs = recorded.runs;
      const unknown = [...new Set(runs.map((r) => r.step))].filter((key) => !runbook.steps.some((s) => s.key === key));
      if (unknown.length) err(`${source}: steps ${unknown.join(', ')} ran in the incident but are not in ${file}; they are left off the map.\n`);
    } catch (error) {
      err(`${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  }
  const map = buildRunbookMap(runbook, runs);
  const rendered = options.format === 'svg' ? renderMapSvg(map) : options.format === 'dot' ? mapDot(map) : `${mapMermaid(map)}\n`;
  if (options.output) fs.writeFileSync(options.output, rendered);
  else process.stdout.write(rendered);
  return 0;
}
