// Ctrl-C and SIGTERM during a run: the first one cancels the running steps the way a timeout does
// (the remote process group is killed, the run journaled as cancelled, what was captured kept);
// a second one forces the exit. The exit code is then 130 (SIGINT) or 143 (SIGTERM).

import { setMaxListeners } from 'node:events';

export interface Interruptions {
  signal: AbortSignal;
  /** 130/143 once interrupted, else undefined. */
  exitCode(): number | undefined;
  dispose(): void;
}

export function interruptions(stderr: NodeJS.WritableStream = process.stderr): Interruptions {
  const abort = new AbortController();
  // Every host of a group listens for the cancel: 1,000 listeners are expected, not a leak.
  setMaxListeners(0, abort.signal);
  let code: number | undefined;
  const on = (name: 'SIGINT' | 'SIGTERM', exit: number) => () => {
    if (code !== undefined) {
      stderr.write(`\n${name} again: exiting now; remote steps may still be running.\n`);
      process.exit(exit);
    }
    code = exit;
    stderr.write(`\n${name}: stopping the running steps on their hosts (${name} again to force)…\n`);
    abort.abort(new Error(`${name} received`));
  };
  const onInt = on('SIGINT', 130);
  const onTerm = on('SIGTERM', 143);
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: abort.signal,
    exitCode: () => code,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
