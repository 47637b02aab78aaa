// Lays the map out with dagre in the webview, measuring the labels in the editor's own font (the
// SVG export in src/report/map/layout.ts can only estimate them).

import dagre from '@dagrejs/dagre';
import type { MapEdge, MapNode, RunbookMapModel } from '../../src/protocol/map';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Placed {
  width: number;
  height: number;
  nodes: { node: MapNode; box: Box; lines: string[]; sub: string }[];
  edges: { edge: MapEdge; points: { x: number; y: number }[]; label: string; labelX: number; labelY: number }[];
}

export const LINE = 17;
const PAD_X = 14;
const PAD_Y = 9;
const MAX_TEXT = 170;

export type Measure = (text: string, small: boolean) => number;

/** A measure backed by a canvas in the webview's font; the body's computed font decides. */
export function canvasMeasure(doc: Document): Measure {
  const context = doc.createElement('canvas').getContext('2d');
  const style = doc.defaultView?.getComputedStyle(doc.body);
  const family = style?.fontFamily || 'sans-serif';
  const size = Number.parseFloat(style?.fontSize || '13') || 13;
  return (text, small) => {
    if (!context) return text.length * (small ? 6 : 7.5);
    context.font = `${small ? size - 2 : size}px ${family}`;
    return context.measureText(text).width;
  };
}

/** Words into lines no wider than MAX_TEXT pixels. */
export function wrapText(text: string, measure: Measure): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && measure(candidate, false) > MAX_TEXT) {
      lines.push(line);
      line = word;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

export function subtitleOf(node: MapNode): string {
  if (node.kind !== 'step') return '';
  return node.confirm ? `${node.key} · ⚠ changes the host` : node.key;
}

export function edgeLabel(edge: MapEdge, hostCount: number): string {
  return hostCount > 1 && edge.hosts > 0 ? `${edge.label} (${edge.hosts} of ${hostCount} hosts)` : edge.label;
}

export function layout(map: RunbookMapModel, measure: Measure): Placed {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 22, ranksep: 46, edgesep: 10, marginx: 12, marginy: 12 });
  const text = new Map<string, { lines: string[]; sub: string }>();
  for (const node of map.nodes) {
    const lines = wrapText(node.title, measure);
    const sub = subtitleOf(node);
    text.set(node.key, { lines, sub });
    const width = Math.max(90, ...lines.map((l) => measure(l, false)), sub ? measure(sub, true) : 0) + 2 * PAD_X;
    g.setNode(node.key, { width: Math.ceil(width), height: lines.length * LINE + (sub ? LINE - 2 : 0) + 2 * PAD_Y });
  }
  for (const edge of map.edges) {
    const label = edgeLabel(edge, map.hostCount);
    g.setEdge(edge.from, edge.to, { width: Math.ceil(measure(label, true)) + 8, height: LINE, labelpos: 'c' }, edge.id);
  }
  dagre.layout(g);
  return {
    width: Math.ceil(g.graph().width ?? 0),
    height: Math.ceil(g.graph().height ?? 0),
    nodes: map.nodes.map((node) => {
      const n = g.node(node.key);
      const t = text.get(node.key)!;
      return { node, box: { x: (n.x ?? 0) - n.width / 2, y: (n.y ?? 0) - n.height / 2, width: n.width, height: n.height }, ...t };
    }),
    edges: map.edges.map((edge) => {
      const e = g.edge({ v: edge.from, w: edge.to, name: edge.id });
      return { edge, points: e.points ?? [], label: edgeLabel(edge, map.hostCount), labelX: e.x ?? 0, labelY: e.y ?? 0 };
    }),
  };
}
