// The only command lines we send to a login shell: fixed text plus numbers we computed, so no value
// ever reaches the user's shell (bash, dash, zsh, fish, tcsh parse them the same way).

export const PGID_MARKER = '@runbook-pgid ';

/**
 * Reads exactly `scriptBytes` bytes of script from stdin and runs them in POSIX sh, after reporting
 * its process-group id on stderr. Stdin stays open afterwards so ssh signals still reach the step
 * (ssh2 drops signal() once stdin is closed); the script itself reads /dev/null.
 * sshd already made the login shell a session leader (setsid for non-pty sessions) and `exec`
 * keeps that pid, so $$ is the process group of everything the step starts.
 */
export function stepBootstrap(scriptBytes: number): string {
  if (!Number.isSafeInteger(scriptBytes) || scriptBytes < 0) throw new Error(`bad script length ${scriptBytes}`);
  return `exec /bin/sh -c 'echo "${PGID_MARKER}$$" >&2; s=$(head -c ${scriptBytes}); eval "$s" </dev/null'`;
}

/** Ends a step's process group: TERM, then KILL if it is still there after the grace period. */
export function killGroupCommand(pgid: number, graceMs: number): string {
  if (!Number.isSafeInteger(pgid) || pgid < 2) throw new Error(`bad process group ${pgid}`);
  const tries = Math.max(1, Math.ceil(graceMs / 100));
  return `exec /bin/sh -c 'kill -TERM -${pgid} 2>/dev/null || exit 0; i=0; while kill -0 -${pgid} 2>/dev/null; do i=$((i+1)); if [ $i -gt ${tries} ]; then kill -KILL -${pgid} 2>/dev/null; exit 0; fi; sleep 0.1; done'`;
}
