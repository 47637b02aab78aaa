// Which values a step's check produces: its parser's values, `extract` and `values` names. Parsers
// whose value names come from the output (kv, json, sysctl -a) are "open": any name may exist.

import type { FrontMatter, Runbook, Step } from '../runbook/model';
import type { ParserInfo, ValueInfo } from '../checks/spec';
import { getParser } from '../checks/parsers/index';
import { COMPARISON_VALUES } from '../checks/compareEnds';

export interface StepValues {
  /** Value names the step defines, with what they are. */
  names: Map<string, ValueInfo>;
  /** The parser's names depend on the output: any name may exist. */
  open: boolean;
  parser?: ParserInfo;
}

// Steps are not changed after parsing; the language server reuses unchanged ones across edits.
const known = new WeakMap<Step, StepValues>();

export function valuesOfStep(step: Step): StepValues {
  let values = known.get(step);
  if (!values) {
    values = readValues(step);
    known.set(step, values);
  }
  return values;
}

function readValues(step: Step): StepValues {
  const spec = step.check?.spec;
  const names = new Map<string, ValueInfo>();
  let open = false;
  const parser = spec?.parse ? getParser(spec.parse)?.info : undefined;
  if (parser) {
    for (const value of parser.values) if (!value.name.startsWith('<')) names.set(value.name, value);
    const dynamic = namesFromOptions(parser, spec?.options ?? {}, step.command);
    if (dynamic === 'open') open = true;
    else for (const name of dynamic) names.set(name, { name, type: 'number', description: `Named in the ${parser.name} options or command.` });
  }
  // A two-end step (`compare=established-pairs`) also yields the comparison's values.
  if (step.attributes.some((a) => a.name === 'compare')) for (const value of COMPARISON_VALUES) names.set(value.name, value);
  for (const name of Object.keys(spec?.extract ?? {}))
    names.set(name, { name, type: 'string', description: `Extracted by the regular expression \`${spec!.extract![name]}\`.` });
  for (const name of Object.keys(spec?.values ?? {})) names.set(name, { name, type: 'number', description: `Computed: \`${spec!.values![name]}\`.` });
  return { names, open, parser };
}

/** Values whose names the parser takes from its options or the command; 'open' when only the output can tell. */
function namesFromOptions(parser: ParserInfo, options: Record<string, unknown>, command: string): string[] | 'open' {
  const listed = Array.isArray(options.names) ? options.names.map(String) : [];
  switch (parser.name) {
    case 'numbers':
      return listed;
    case 'regex': {
      const pattern = typeof options.pattern === 'string' ? options.pattern : '';
      return [...pattern.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]);
    }
    case 'sysctl': {
      // `sysctl net.a.b net.c.d` names its keys; `sysctl -a`, `-p` or a config file do not.
      if (/\s-[a-zA-Z]*[ap]\b|sysctl\.conf|sysctl\.d|\bcat\b/.test(command)) return 'open';
      const keys = [...listed, ...(command.match(/\b[a-z0-9_]+(?:\.[a-z0-9_-]+)+\b/g) ?? [])];
      return keys.length === 0 ? 'open' : keys.map((k) => k.slice(k.lastIndexOf('.') + 1));
    }
    default:
      return parser.values.some((v) => v.name.startsWith('<')) ? 'open' : [];
  }
}

/** Values of every step, each worked out once per step (and kept while the step is unchanged). */
export class RunbookValues {
  readonly params: Set<string>;
  private allNames: Set<string> | undefined;
  private whole: Runbook | undefined;

  /** `runbook` may be given as a function: the language server builds the whole runbook only if asked. */
  constructor(
    private readonly of_: Runbook | (() => Runbook),
    frontMatter?: FrontMatter,
  ) {
    if (typeof of_ !== 'function') this.whole = of_;
    this.params = new Set(((this.whole ? this.whole.frontMatter : frontMatter)?.parameters ?? []).map((p) => p.name));
  }

  get runbook(): Runbook {
    this.whole ??= (this.of_ as () => Runbook)();
    return this.whole;
  }

  of(step: Step): StepValues {
    return valuesOfStep(step);
  }

  /** Top-level names any step defines. */
  anyStepNames(): Set<string> {
    if (!this.allNames) {
      this.allNames = new Set<string>();
      for (const step of this.runbook.steps) for (const name of valuesOfStep(step).names.keys()) this.allNames.add(name);
    }
    return this.allNames;
  }
}
