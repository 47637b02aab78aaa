// The map as a Mermaid flowchart, in the subset the project's validator accepts
// (src/report/mermaid.ts): quoted node and edge labels only, so marks are words in the labels.

import { END_NODE, type MapNode, type RunbookMapModel } from '../../protocol/map';
import { mermaidLabel } from '../mermaid';
import { edgeText } from './layout';

const VERDICT: Record<string, string> = {
  critical: 'critical',
  warning: 'warning',
  info: 'info',
  inconclusive: 'inconclusive',
  failed: 'did not finish',
  'nothing-found': 'nothing found',
};

/** What a node's label says: path position, title, confirm mark, verdict (with host counts for a group). */
export function nodeCaption(node: MapNode, hostCount: number): string {
  const parts = [node.order !== undefined ? `${node.order}. ${node.title}` : node.title];
  if (node.confirm) parts.push('⚠ changes the host');
  if (node.verdicts) {
    const counts = Object.entries(node.verdicts).map(([v, count]) =>
      hostCount > 1 ? `${VERDICT[v] ?? v} on ${count} of ${hostCount} hosts` : (VERDICT[v] ?? v),
    );
    parts.push(counts.join(', '));
  }
  return parts.join(' · ');
}

export function mapMermaid(map: RunbookMapModel): string {
  const ids = new Map<string, string>();
  map.nodes.forEach((node, i) =>
    ids.set(node.key, node.key === END_NODE ? 'end_of_runbook' : `s${i + 1}_${node.key.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40)}`),
  );
  const lines = ['flowchart TD'];
  for (const node of map.nodes) lines.push(`    ${ids.get(node.key)}["${mermaidLabel(nodeCaption(node, map.hostCount))}"]`);
  for (const edge of map.edges) {
    const label = edge.hosts > 0 ? `${edgeText(edge, map.hostCount)} · taken` : edge.label;
    lines.push(`    ${ids.get(edge.from)} -->|"${mermaidLabel(label)}"| ${ids.get(edge.to)}`);
  }
  return lines.join('\n');
}
