// Set Parameter in an incident record writes the value into the record's front matter
// (`incident.parameters`), so the file, the next session and the postmortem say what the steps ran
// with. Only that one key changes; the rest of the YAML keeps its bytes. No vscode here.

import { parseDocument } from 'yaml';

/** The front matter's YAML with `incident.parameters.<name>` set, or undefined when it is no record (or does not parse). */
export function withRecordedParameter(yamlText: string, name: string, value: string): string | undefined {
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0 || !doc.hasIn(['incident'])) return undefined;
  doc.setIn(['incident', 'parameters', name], value);
  return doc.toString({ lineWidth: 0 }).replace(/\n$/, yamlText.endsWith('\n') ? '\n' : '');
}
