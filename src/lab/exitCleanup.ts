// Last-resort cleanup: if the process that started a fault exits (or is interrupted) without
// calling stop(), kill the lab's children and delete its namespaces synchronously on the way out.

type SyncCleanup = () => void;

const pending = new Set<SyncCleanup>();
const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function runAll(): void {
  for (const cleanup of [...pending]) {
    pending.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Exiting anyway: one failed cleanup must not stop the others.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll();
  uninstall();
  // If nobody else handles the signal, re-raise it so the process ends as it would have without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  process.on('exit', runAll);
  for (const s of signals) process.on(s, onSignal);
}

function uninstall(): void {
  process.off('exit', runAll);
  for (const s of signals) process.off(s, onSignal);
}

/** Registers a synchronous cleanup for process exit; call the returned function once it is no longer needed. */
export function onExit(cleanup: SyncCleanup): () => void {
  if (pending.size === 0) install();
  pending.add(cleanup);
  return () => {
    pending.delete(cleanup);
    if (pending.size === 0) uninstall();
  };
}
