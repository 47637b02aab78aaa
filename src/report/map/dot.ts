// The map in Graphviz DOT (`dot -Tpng`), for people who lay graphs out with their own tools.

import type { RunbookMapModel } from '../../protocol/map';
import { oneLine } from '../text';
import { edgeText } from './layout';
import { nodeCaption } from './mermaid';

/** A DOT double-quoted string: backslash and quote escaped, one line. */
export function dotString(text: string): string {
  return `"${oneLine(text).replace(/[\\"]/g, '\\$&')}"`;
}

const FILL: Record<string, string> = {
  critical: '#ffebe9',
  warning: '#fff8c5',
  inconclusive: '#eaeef2',
  failed: '#eaeef2',
  info: '#dafbe1',
  'nothing-found': '#dafbe1',
};

export function mapDot(map: RunbookMapModel): string {
  const lines = [
    `digraph runbook {`,
    `  label=${dotString(map.title)};`,
    '  rankdir=TB;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="sans-serif"];',
    '  edge [fontname="sans-serif", fontsize=10];',
  ];
  for (const node of map.nodes) {
    const attrs = [`label=${dotString(nodeCaption(node, map.hostCount))}`];
    if (node.kind === 'end') attrs.push('shape=oval');
    if (node.kind === 'missing') attrs.push('style="rounded,dashed"', 'color="#b42318"');
    if (node.confirm) attrs.push('peripheries=2', 'color="#9a6700"');
    if (node.order !== undefined) attrs.push('penwidth=2.4', 'color="#0969da"');
    if (node.verdict) attrs.push(`fillcolor="${FILL[node.verdict]}"`);
    lines.push(`  ${dotString(node.key)} [${attrs.join(', ')}];`);
  }
  for (const edge of map.edges) {
    const attrs = [`label=${dotString(edgeText(edge, map.hostCount))}`];
    if (edge.kind === 'verify' || edge.kind === 'responder') attrs.push('style=dashed');
    if (edge.hosts > 0) attrs.push('penwidth=2.6', 'color="#0969da"', 'fontcolor="#0969da"');
    else if (edge.severity === 'critical') attrs.push('fontcolor="#b42318"');
    lines.push(`  ${dotString(edge.from)} -> ${dotString(edge.to)} [${attrs.join(', ')}];`);
  }
  lines.push('}', '');
  return lines.join('\n');
}
