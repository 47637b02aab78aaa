// What a step's expressions and `{{var}}` substitutions can see: parameters, values from the
// steps already run (latest run wins), and the current step's own values on top.

export type Values = Record<string, unknown>;

/** Values gathered during one incident, per step, in run order. */
export class ValueStore {
  private readonly byStep = new Map<string, Values>();

  constructor(private readonly params: Record<string, string>) {}

  record(stepKey: string, values: Values): void {
    this.byStep.delete(stepKey); // re-insert so the latest run comes last and wins
    this.byStep.set(stepKey, values);
  }

  valuesOf(stepKey: string): Values | undefined {
    return this.byStep.get(stepKey);
  }

  /**
   * The scope for evaluating a check: top-level parameters, then earlier steps' values
   * (later steps shadow earlier ones), and `params.x` / `steps.<key>.x` for explicit access.
   */
  scope(): Values {
    const scope: Values = Object.create(null) as Values;
    for (const [name, value] of Object.entries(this.params)) scope[name] = coerce(value);
    for (const values of this.byStep.values()) Object.assign(scope, values);
    const steps: Values = Object.create(null) as Values;
    for (const [key, values] of this.byStep) steps[key] = values;
    scope.params = { ...this.params };
    scope.steps = steps;
    return scope;
  }

  /** Plain-string variables for `{{name}}` in commands: parameters, then scalar values of earlier steps. */
  commandVariables(): Record<string, string> {
    const vars: Record<string, string> = {};
    for (const values of this.byStep.values()) {
      for (const [name, value] of Object.entries(values)) {
        if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) vars[name] = String(value);
      }
    }
    // Parameters are what the responder typed: they win over values a host printed.
    Object.assign(vars, this.params);
    return vars;
  }
}

/** Parameters arrive as text; numeric text compares as a number in expressions. */
function coerce(value: string): string | number {
  return /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
}
