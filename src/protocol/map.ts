// The runbook map: a runbook's decision graph as plain data (built by src/report/map/graph.ts), and
// the messages between the extension and the "Runbook Map" webview (media/map/), typed once here.

import type { FindingSeverity } from '../checks/spec';

/** What the latest run of a step on one host showed, worst first. */
export type StepVerdict = 'critical' | 'warning' | 'info' | 'inconclusive' | 'failed' | 'nothing-found';

export const VERDICT_ORDER: readonly StepVerdict[] = ['critical', 'warning', 'inconclusive', 'failed', 'info', 'nothing-found'];

/** The key of the node that stands for "the runbook ends here". Not a valid step id (ids start with a letter or digit). */
export const END_NODE = '(end)';

export interface MapNode {
  /** The step's key (its id, or `step-N`), `(end)`, or `missing:NAME` for a `next` that names no step. */
  key: string;
  title: string;
  kind: 'step' | 'end' | 'missing';
  /** The step changes the host (`confirm`): never run by automatic progression. */
  confirm: boolean;
  /** 0-based line of the step's opening fence, for "reveal". */
  line?: number;
  /** Set when a run was recorded: how many hosts' latest run of this step gave each verdict. */
  verdicts?: Partial<Record<StepVerdict, number>>;
  /** The worst of `verdicts`. */
  verdict?: StepVerdict;
  /** 1-based position of the step on the path taken (first visit); undefined = not taken. */
  order?: number;
  /** The step that ran last (the run is here now). */
  current?: boolean;
}

export type MapEdgeKind =
  /** A finding rule's `next`: taken when that finding is the first raised one that names a next step. */
  | 'finding'
  /** The check's own `next`: taken when no finding chose. */
  | 'default'
  /** No `next` anywhere: the following step in the file. */
  | 'file-order'
  /** A finding's `verify:` steps (read-only steps that confirm or refute its cause). */
  | 'verify'
  /** Not in the runbook: the responder ran this step next by hand. */
  | 'responder';

export interface MapEdge {
  /** Unique within the map, stable for one runbook: `from->to#n`. */
  id: string;
  from: string;
  to: string;
  kind: MapEdgeKind;
  severity?: FindingSeverity;
  /** Index of the finding rule in the check block (kind `finding` and `verify`). */
  rule?: number;
  /** "critical: conntrack-full" (severity and cause) or "critical: count >= max * 0.9" (severity and rule), or "default". */
  label: string;
  /** Hosts whose recorded path went along this edge; 0 = not taken. */
  hosts: number;
}

export interface RunbookMapModel {
  title: string;
  nodes: MapNode[];
  edges: MapEdge[];
  /** Hosts with recorded runs (0 = a plain runbook: no path to show). */
  hostCount: number;
}

/** Sent by the webview (media/map/) to the extension (src/extension/mapView.ts). */
export type MapToExtensionMessage =
  /** The script has loaded and listens: send the map. */
  | { type: 'ready' }
  /** The user clicked a step's node: reveal its cell in the notebook. */
  | { type: 'revealStep'; stepKey: string };

/** Sent by the extension (src/extension/mapView.ts) to the webview (media/map/). */
export type ExtensionToMapMessage =
  /** Draw this map (again): on open, and whenever the notebook's saved outputs change. */
  { type: 'showMap'; map: RunbookMapModel; notebookName: string };
