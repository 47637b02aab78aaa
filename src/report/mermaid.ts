// The path taken through the runbook as a Mermaid `flowchart TD`. Node ids are generated, labels
// quoted with every character that Mermaid or Markdown could read as syntax written as an entity.

import type { PathEdge, PathNode } from './postmortem';
import { oneLine } from './text';

const MAX_LABEL = 90;

/** Mermaid's `#name;` / `#code;` entities, so a label can hold any text and still be one quoted string. */
export function mermaidLabel(text: string): string {
  const line = oneLine(text);
  const short = line.length > MAX_LABEL ? `${line.slice(0, MAX_LABEL - 1)}…` : line;
  // Inside quotes Mermaid reads only `"` and `#...;`; the rest is escaped so no label can look like an arrow,
  // a directive (`%%{`), a comment or markup in any renderer. A lone `-` stays readable; `--` does not.
  return short.replace(/[#"<>&|;`[\]{}\\%]|-(?=-)|(?<=-)-/g, (c) => {
    switch (c) {
      case '"':
        return '#quot;';
      case '#':
        return '#35;';
      case '&':
        return '#amp;';
      case '<':
        return '#lt;';
      case '>':
        return '#gt;';
      default:
        return `#${c.charCodeAt(0)};`;
    }
  });
}

/** `n1_conntrack_full`: unique by position, readable by key, only `[A-Za-z0-9_]`. */
function nodeId(index: number, key: string): string {
  return `n${index + 1}_${key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40)}`;
}

export function mermaidFlowchart(path: { nodes: readonly PathNode[]; edges: readonly PathEdge[] }): string {
  const ids = new Map(path.nodes.map((node, i) => [node.key, nodeId(i, node.key)]));
  const lines = ['flowchart TD'];
  for (const node of path.nodes) {
    const title = node.runs > 1 ? `${node.title} (run ${node.runs} times)` : node.title;
    lines.push(`    ${ids.get(node.key)}["${mermaidLabel(title)}"]`);
  }
  if (path.edges.some((e) => e.to === 'end')) lines.push(`    end_of_incident["${mermaidLabel('End')}"]`);
  for (const edge of path.edges) {
    const from = ids.get(edge.from);
    const to = edge.to === 'end' ? 'end_of_incident' : ids.get(edge.to);
    if (!from || !to) continue;
    lines.push(`    ${from} -->|"${mermaidLabel(edge.label)}"| ${to}`);
  }
  return lines.join('\n');
}

/**
 * A strict check of what `mermaidFlowchart` may produce: the header, quoted node declarations and
 * labelled edges between declared nodes, nothing else. Returns the problems found (empty = valid).
 */
export function validateMermaid(source: string): string[] {
  const problems: string[] = [];
  const declared = new Set<string>();
  // Label text: characters with no meaning to Mermaid, or `#name;` / `#123;` entities.
  const label = String.raw`"(?:[^"<>\n\`|;\[\]{}#%\\-]|-(?!-)|#[a-z0-9]+;)*"`;
  const nodeLine = new RegExp(String.raw`^ {4}([A-Za-z0-9_]+)\[${label}\]$`);
  const edgeLine = new RegExp(String.raw`^ {4}([A-Za-z0-9_]+) -->\|${label}\| ([A-Za-z0-9_]+)$`);
  source.split('\n').forEach((line, i) => {
    if (i === 0) {
      if (line !== 'flowchart TD') problems.push(`line 1: expected "flowchart TD", got ${JSON.stringify(line)}`);
      return;
    }
    const node = nodeLine.exec(line);
    if (node) {
      if (node[1] === 'end') problems.push(`line ${i + 1}: "end" is a Mermaid keyword, not a node id`);
      declared.add(node[1]);
      return;
    }
    const edge = edgeLine.exec(line);
    if (edge) {
      for (const id of [edge[1], edge[2]]) if (!declared.has(id)) problems.push(`line ${i + 1}: edge to undeclared node ${id}`);
      return;
    }
    problems.push(`line ${i + 1}: not a node or an edge: ${JSON.stringify(line)}`);
  });
  return problems;
}
