// Exporting a postmortem: build the model, pass every text in it through the redactor, then render.
// Redaction happens on the model, before rendering, so no format can show an unredacted field.

import type { Redactor } from '../redact/redactor';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { buildPostmortem, type Postmortem, type PostmortemInput } from './postmortem';

/** Every string in the model (values, outputs, titles, names, timestamps) redacted; keys are left as they are. */
export async function redactPostmortem(pm: Postmortem, redactor: Redactor): Promise<Postmortem> {
  // Host names are what anonymisation must know by name (IPs it finds by itself).
  redactor.addHosts([...pm.target, ...pm.runs.map((r) => r.host)]);
  const walk = async (value: unknown): Promise<unknown> => {
    if (typeof value === 'string') return redactor.redact(value);
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) out.push(await walk(item));
      return out;
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = await walk(v);
      return out;
    }
    return value;
  };
  // Step keys link the path's nodes and edges; the redactor maps equal strings to equal strings, so the links hold.
  return (await walk(pm)) as Postmortem;
}

export type PostmortemFormat = 'markdown' | 'html';

export async function exportPostmortem(input: PostmortemInput & { redactor: Redactor; format: PostmortemFormat }): Promise<string> {
  const pm = await redactPostmortem(buildPostmortem(input), input.redactor);
  return input.format === 'html' ? renderHtml(pm) : renderMarkdown(pm);
}
