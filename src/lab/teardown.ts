// Undoes what a scenario set up, last thing first, exactly once, even if start failed half way.

export class Teardown {
  private readonly steps: (() => Promise<void> | void)[] = [];
  private running: Promise<void> | undefined;

  add(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  /** Runs every step even if one fails, then throws the first failure. */
  run(): Promise<void> {
    this.running ??= (async () => {
      let firstError: unknown;
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch (err) {
          firstError ??= err;
        }
      }
      if (firstError !== undefined) throw firstError;
    })();
    return this.running;
  }

  /** Runs `setUp`; if it throws, tears down what was set up so far and rethrows. */
  async guard<T>(setUp: () => Promise<T>): Promise<T> {
    try {
      return await setUp();
    } catch (err) {
      await this.run().catch(() => undefined);
      throw err;
    }
  }
}
