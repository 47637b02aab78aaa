// The map as one self-contained SVG: no script, no external reference, styles scoped to the
// drawing (it is also inlined into the HTML postmortem), every text from the runbook escaped.

import type { RunbookMapModel } from '../../protocol/map';
import { oneLine } from '../text';
import { FONT_SIZE, SUBTITLE_HEIGHT, edgeText, layoutMap, subtitle, type PlacedEdge, type PlacedNode } from './layout';

const STYLE = `
.runbook-map { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: ${FONT_SIZE}px; }
.runbook-map .node rect { fill: #ffffff; stroke: #8c959f; stroke-width: 1.2; }
.runbook-map .node text { fill: #1f2328; }
.runbook-map .node .key { fill: #59636e; font-size: 10px; }
.runbook-map .node.end rect { fill: #f6f8fa; }
.runbook-map .node.missing rect { stroke: #b42318; stroke-dasharray: 4 3; }
.runbook-map .node.confirm rect { stroke: #9a6700; stroke-width: 2.4; }
.runbook-map .node.confirm .key { fill: #9a6700; font-weight: 600; }
.runbook-map .node.taken rect { stroke: #0969da; stroke-width: 2.4; }
.runbook-map .node.verdict-critical rect { fill: #ffebe9; }
.runbook-map .node.verdict-warning rect { fill: #fff8c5; }
.runbook-map .node.verdict-inconclusive rect, .runbook-map .node.verdict-failed rect { fill: #eaeef2; stroke-dasharray: 5 3; }
.runbook-map .node.verdict-info rect, .runbook-map .node.verdict-nothing-found rect { fill: #dafbe1; }
.runbook-map .edge path { fill: none; stroke: #8c959f; stroke-width: 1.2; }
.runbook-map .edge text { fill: #59636e; font-size: 10px; }
.runbook-map .edge.verify path, .runbook-map .edge.responder path { stroke-dasharray: 4 3; }
.runbook-map .edge.sev-critical text { fill: #b42318; }
.runbook-map .edge.sev-warning text { fill: #9a6700; }
.runbook-map .edge.taken path { stroke: #0969da; stroke-width: 2.6; }
.runbook-map .edge.taken text { fill: #0969da; font-weight: 600; }
.runbook-map .arrow { fill: #8c959f; } .runbook-map .arrow-taken { fill: #0969da; }`;

/** Text for XML: escaped, one line, without the characters XML 1.0 forbids. */
export function xmlText(text: string): string {
  return oneLine(text)
    .replace(/[\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const n = (value: number) => String(Math.round(value * 10) / 10);

const VERDICT_WORDS: Record<string, string> = {
  critical: 'critical finding',
  warning: 'warning',
  info: 'info only',
  inconclusive: 'inconclusive',
  failed: 'did not finish',
  'nothing-found': 'nothing found',
};

function nodeSvg(p: PlacedNode): string {
  const { node } = p;
  const classes = ['node', node.kind];
  if (node.confirm) classes.push('confirm');
  if (node.order !== undefined) classes.push('taken');
  if (node.verdict) classes.push(`verdict-${node.verdict}`);
  if (node.current) classes.push('current');
  const left = p.x - p.width / 2;
  const top = p.y - p.height / 2;
  const tip = [node.title, node.kind === 'step' ? `step ${node.key}` : '', node.confirm ? 'changes the host (confirm)' : ''];
  if (node.order !== undefined) tip.push(`#${node.order} on the path taken`);
  if (node.verdicts)
    tip.push(
      Object.entries(node.verdicts)
        .map(([v, count]) => `${VERDICT_WORDS[v] ?? v}: ${count}`)
        .join(', '),
    );
  const text: string[] = [];
  const sub = node.kind === 'step' ? subtitle(node) : '';
  const textTop = p.y - (p.lines.length * 16 + (sub ? SUBTITLE_HEIGHT : 0)) / 2 + 12;
  p.lines.forEach((line, i) => text.push(`<text x="${n(p.x)}" y="${n(textTop + i * 16)}" text-anchor="middle">${xmlText(line)}</text>`));
  if (sub) text.push(`<text class="key" x="${n(p.x)}" y="${n(textTop + p.lines.length * 16)}" text-anchor="middle">${xmlText(sub)}</text>`);
  return [
    `<g class="${classes.join(' ')}" data-step="${xmlText(node.key)}">`,
    `<title>${xmlText(tip.filter(Boolean).join(' — '))}</title>`,
    `<rect x="${n(left)}" y="${n(top)}" width="${n(p.width)}" height="${n(p.height)}" rx="${node.kind === 'end' ? n(p.height / 2) : '6'}"/>`,
    ...text,
    '</g>',
  ].join('');
}

function edgeSvg(p: PlacedEdge, hostCount: number): string {
  const { edge } = p;
  const classes = ['edge', edge.kind];
  if (edge.severity) classes.push(`sev-${edge.severity}`);
  if (edge.hosts > 0) classes.push('taken');
  const d = p.points.map((pt, i) => `${i === 0 ? 'M' : 'L'}${n(pt.x)},${n(pt.y)}`).join(' ');
  const label = edgeText(edge, hostCount);
  return (
    `<g class="${classes.join(' ')}" data-from="${xmlText(edge.from)}" data-to="${xmlText(edge.to)}">` +
    `<path d="${d}" marker-end="url(#${edge.hosts > 0 ? 'runbook-map-arrow-taken' : 'runbook-map-arrow'})"/>` +
    `<text x="${n(p.labelX)}" y="${n(p.labelY + 3)}" text-anchor="middle">${xmlText(label)}</text></g>`
  );
}

export function renderMapSvg(map: RunbookMapModel): string {
  const placed = layoutMap(map);
  const arrow = (id: string, cls: string) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="${cls}" d="M0,0 L10,5 L0,10 z"/></marker>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="runbook-map" viewBox="0 0 ${placed.width} ${placed.height}" width="${placed.width}" height="${placed.height}" role="img" aria-labelledby="runbook-map-title">`,
    `<title id="runbook-map-title">${xmlText(`Runbook map: ${map.title}`)}</title>`,
    `<style>${STYLE}\n</style>`,
    `<defs>${arrow('runbook-map-arrow', 'arrow')}${arrow('runbook-map-arrow-taken', 'arrow-taken')}</defs>`,
    // Edges first, so nodes sit on top of the lines that reach them.
    ...placed.edges.map((e) => edgeSvg(e, map.hostCount)),
    ...placed.nodes.map(nodeSvg),
    '</svg>',
    '',
  ].join('\n');
}
