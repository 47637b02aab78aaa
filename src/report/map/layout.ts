// Places the map's nodes and edges with dagre (top to bottom), for the SVG export. Text is measured
// by an estimate of the export's font; the webview (media/map/) measures real text instead.

import dagre from '@dagrejs/dagre';
import type { MapEdge, MapNode, RunbookMapModel } from '../../protocol/map';

export interface PlacedNode {
  node: MapNode;
  /** Centre. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The title wrapped to the node's width. */
  lines: string[];
}

export interface PlacedEdge {
  edge: MapEdge;
  points: { x: number; y: number }[];
  /** Centre of the label. */
  labelX: number;
  labelY: number;
}

export interface PlacedMap {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

export const FONT_SIZE = 12;
const CHAR_WIDTH = 6.8; // average advance of a 12 px sans-serif, generous so text stays inside its box
const LINE_HEIGHT = 16;
const WRAP = 28;
const PAD_X = 12;
const PAD_Y = 8;
/** Height of the second line under the title: the step's key, and "changes the host" on confirm steps. */
export const SUBTITLE_HEIGHT = 14;

/** Words into lines of at most `width` characters (a longer word is cut). At most 3 lines. */
export function wrap(text: string, width = WRAP): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const piece = word.length > width ? `${word.slice(0, width - 1)}…` : word;
    if (line && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  }
  if (line) lines.push(line);
  if (lines.length > 3) return [...lines.slice(0, 2), `${lines[2].slice(0, width - 1)}…`];
  return lines.length ? lines : [''];
}

export function textWidth(text: string, size = FONT_SIZE): number {
  return Math.ceil(text.length * CHAR_WIDTH * (size / FONT_SIZE));
}

export function layoutMap(map: RunbookMapModel): PlacedMap {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 46, edgesep: 12, marginx: 16, marginy: 16 });
  const lines = new Map<string, string[]>();
  for (const node of map.nodes) {
    const wrapped = wrap(node.title);
    lines.set(node.key, wrapped);
    const sub = node.kind === 'step' ? subtitle(node) : '';
    const width = Math.max(96, ...wrapped.map((l) => textWidth(l)), textWidth(sub, 10)) + 2 * PAD_X;
    const height = wrapped.length * LINE_HEIGHT + (sub ? SUBTITLE_HEIGHT : 0) + 2 * PAD_Y;
    g.setNode(node.key, { width, height });
  }
  for (const edge of map.edges) {
    g.setEdge(edge.from, edge.to, { width: textWidth(edgeText(edge, map.hostCount), 10) + 8, height: 14, labelpos: 'c', minlen: 1 }, edge.id);
  }
  dagre.layout(g);
  const graph = g.graph();
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: map.nodes.map((node) => {
      const n = g.node(node.key);
      return { node, x: n.x ?? 0, y: n.y ?? 0, width: n.width, height: n.height, lines: lines.get(node.key) ?? [] };
    }),
    edges: map.edges.map((edge) => {
      const e = g.edge({ v: edge.from, w: edge.to, name: edge.id });
      return { edge, points: e.points ?? [], labelX: e.x ?? 0, labelY: e.y ?? 0 };
    }),
  };
}

/** The line under a step's title: its key, and what marks it. */
export function subtitle(node: MapNode): string {
  return node.confirm ? `${node.key} · changes the host` : node.key;
}

/** An edge's label, with how many hosts took it when a group ran. */
export function edgeText(edge: MapEdge, hostCount: number): string {
  return hostCount > 1 && edge.hosts > 0 ? `${edge.label} (${edge.hosts} of ${hostCount} hosts)` : edge.label;
}
