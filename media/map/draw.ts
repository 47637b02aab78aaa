// Draws the laid-out map as SVG elements (never markup from strings: titles come from the runbook),
// with the path taken, verdicts and confirm steps as classes that map.css colours from the theme.

import type { RunbookMapModel, StepVerdict } from '../../src/protocol/map';
import { LINE, layout, type Measure } from './layout';

const SVG = 'http://www.w3.org/2000/svg';
const MIN_SCALE = 0.8;

const VERDICT_WORDS: Record<StepVerdict, string> = {
  critical: 'critical finding',
  warning: 'warning',
  info: 'info only',
  inconclusive: 'inconclusive',
  failed: 'did not finish',
  'nothing-found': 'nothing found',
};

function svg<K extends keyof SVGElementTagNameMap>(
  doc: Document,
  name: K,
  attrs: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const element = doc.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) element.setAttribute(k, String(v));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** One line over the map: what it shows. */
export function summary(map: RunbookMapModel): string {
  const steps = map.nodes.filter((n) => n.kind === 'step').length;
  const taken = map.nodes.filter((n) => n.order !== undefined).length;
  if (map.hostCount === 0) return `${steps} steps. No run recorded yet: run a step and the path shows here.`;
  return `${steps} steps; the path taken goes through ${taken} of them on ${map.hostCount} host${map.hostCount > 1 ? 's' : ''}. Click a step to show its cell.`;
}

export function drawMap(doc: Document, root: HTMLElement, map: RunbookMapModel, measure: Measure, reveal: (stepKey: string) => void): void {
  const placed = layout(map, measure);
  const header = doc.createElement('p');
  header.className = 'map-summary';
  header.textContent = summary(map);
  const drawing = svg(doc, 'svg', {
    class: 'runbook-map-view',
    width: placed.width,
    height: placed.height,
    viewBox: `0 0 ${placed.width} ${placed.height}`,
    role: 'group',
  });
  drawing.setAttribute('aria-label', `Runbook map: ${map.title}`);
  // Fit a narrow panel by shrinking, but not below a readable size: past that the panel scrolls.
  drawing.style.minWidth = `${Math.round(placed.width * MIN_SCALE)}px`;
  const defs = svg(doc, 'defs');
  for (const [id, cls] of [
    ['arrow', 'arrow'],
    ['arrow-taken', 'arrow taken'],
  ]) {
    const marker = svg(doc, 'marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
    marker.append(svg(doc, 'path', { class: cls, d: 'M0,0 L10,5 L0,10 z' }));
    defs.append(marker);
  }
  drawing.append(defs);

  for (const p of placed.edges) {
    const classes = ['edge', p.edge.kind, p.edge.severity ? `sev-${p.edge.severity}` : '', p.edge.hosts > 0 ? 'taken' : ''].filter(Boolean);
    const group = svg(doc, 'g', { class: classes.join(' '), 'data-from': p.edge.from, 'data-to': p.edge.to });
    const d = p.points.map((pt, i) => `${i ? 'L' : 'M'}${pt.x.toFixed(1)},${pt.y.toFixed(1)}`).join(' ');
    group.append(svg(doc, 'path', { d, 'marker-end': `url(#${p.edge.hosts > 0 ? 'arrow-taken' : 'arrow'})` }));
    group.append(svg(doc, 'text', { x: p.labelX.toFixed(1), y: (p.labelY + 4).toFixed(1), 'text-anchor': 'middle' }, p.label));
    drawing.append(group);
  }

  for (const p of placed.nodes) {
    const { node, box } = p;
    const classes = [
      'node',
      node.kind,
      node.confirm ? 'confirm' : '',
      node.order !== undefined ? 'taken' : '',
      node.verdict ? `verdict-${node.verdict}` : '',
      node.current ? 'current' : '',
    ];
    const group = svg(doc, 'g', { class: classes.filter(Boolean).join(' '), 'data-step': node.key });
    const tip = [node.title];
    if (node.confirm) tip.push('changes the host: it runs only after a yes');
    if (node.order !== undefined) tip.push(`step ${node.order} of the path taken`);
    if (node.verdicts)
      tip.push(
        Object.entries(node.verdicts)
          .map(([v, n]) => `${VERDICT_WORDS[v as StepVerdict]}${map.hostCount > 1 ? ` on ${n}` : ''}`)
          .join(', '),
      );
    group.append(svg(doc, 'title', {}, tip.join(' — ')));
    group.append(svg(doc, 'rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: node.kind === 'end' ? box.height / 2 : 6 }));
    const textHeight = p.lines.length * LINE + (p.sub ? LINE - 2 : 0);
    const top = box.y + (box.height - textHeight) / 2 + LINE - 4;
    const cx = box.x + box.width / 2;
    p.lines.forEach((line, i) => group.append(svg(doc, 'text', { x: cx, y: top + i * LINE, 'text-anchor': 'middle' }, line)));
    if (p.sub) group.append(svg(doc, 'text', { class: 'sub', x: cx, y: top + p.lines.length * LINE, 'text-anchor': 'middle' }, p.sub));
    if (node.order !== undefined) {
      group.append(svg(doc, 'circle', { class: 'order', cx: box.x, cy: box.y, r: 9 }));
      group.append(svg(doc, 'text', { class: 'order', x: box.x, y: box.y + 4, 'text-anchor': 'middle' }, String(node.order)));
    }
    if (node.kind === 'step') {
      group.setAttribute('tabindex', '0');
      group.setAttribute('role', 'button');
      group.addEventListener('click', () => reveal(node.key));
      group.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          reveal(node.key);
        }
      });
    }
    drawing.append(group);
  }
  root.replaceChildren(header, drawing);
  // Where the run is now: in view when the map is wider than the panel.
  drawing.querySelector('g.node.current')?.scrollIntoView({ block: 'nearest', inline: 'center' });
}
