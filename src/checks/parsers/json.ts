// JSON output (`ip -j`, `ss` wrappers, health endpoints): the document as `json`, and an object's keys as values.
import type { Parser } from './types';
import { unsafeKeys } from './text';

export const jsonParser: Parser = {
  info: {
    name: 'json',
    summary: "A JSON document: `json` is the whole value; an object's plain keys are also top-level values.",
    commands: ['ip -j -s link', 'curl -s http://127.0.0.1:8080/health'],
    values: [
      { name: 'json', type: 'object', description: 'The parsed document.' },
      { name: '<key>', type: 'object', description: 'Each top-level key of an object document.' },
    ],
  },
  parse(text) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { values: {}, warnings: [`output is not JSON: ${(err as Error).message}`] };
    }
    const values: Record<string, unknown> = { json };
    if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
      for (const key of Object.keys(json)) {
        if (key !== 'json' && !unsafeKeys.has(key)) values[key] = (json as Record<string, unknown>)[key];
      }
    }
    return { values, warnings: [] };
  },
};
