// The remote half of the persistent shell: a POSIX sh loop that reads framed step requests from the
// channel and starts each step as a new session (its own process group), so nothing a step changes
// (cwd, variables, traps, functions, umask, jobs) can reach the next one. Sent once per lane on stdin.

/** Marker token of the lane itself (READY / NO <tool>); steps use random hex tokens. */
export const LANE_TOKEN = 'LANE';

/**
 * The step's first process (a fresh `sh`, pid = process group = session): reports its pid, reads exactly
 * $1 bytes of script from the channel, then runs it with stdin from /dev/null. The EXIT trap tells a normal
 * exit from death by a signal (a signalled shell runs no trap), which `wait`'s 128+n cannot.
 */
const LEADER = [
  `printf '\\036rb%s P %s\\n' "$2" "$$" >&2`,
  `s=$(head -c "$1")`,
  `trap "printf '\\\\036rb$2 X %s\\\\n' \\"\\$?\\" >&2" EXIT`,
  `set --`,
  `exec </dev/null`,
  `eval "$s"`,
].join('\n');

/**
 * Reads `RBSTEP <token> <bytes>` lines; after each step, ends whatever the step left in its process group
 * (background jobs) and writes `E <status>` on both streams, so the client knows each stream is complete.
 * The loop never evaluates step text itself: each step runs in a child that starts from the loop's state.
 */
export const SHELL_LOOP = `command -v setsid >/dev/null 2>&1 || { printf '\\036rb${LANE_TOKEN} NO setsid\\n'; exit 0; }
command -v head >/dev/null 2>&1 || { printf '\\036rb${LANE_TOKEN} NO head\\n'; exit 0; }
exec 3<&0
L='${LEADER.replace(/'/g, `'\\''`)}'
printf '\\036rb${LANE_TOKEN} READY %s\\n' "$$"
while read -r tag tok n; do
  [ "$tag" = RBSTEP ] || exit 90
  case $tok in ''|*[!0-9a-f]*) exit 91;; esac
  case $n in ''|*[!0-9]*) exit 91;; esac
  setsid /bin/sh -c "$L" /bin/sh "$n" "$tok" <&3 3<&- &
  p=$!
  wait "$p" 2>/dev/null
  rc=$?
  # TERM what the step left behind, KILL it after 0.2 s. Not "until gone": an init that is slow to reap
  # leaves zombies that kill -0 still finds, and a killed process writes nothing more anyway.
  if kill -TERM -"$p" 2>/dev/null; then
    i=0
    while [ $i -lt 10 ] && kill -0 -"$p" 2>/dev/null; do sleep 0.02; i=$((i+1)); done
    kill -KILL -"$p" 2>/dev/null
  fi
  printf '\\036rb%s E %s\\n' "$tok" "$rc"
  printf '\\036rb%s E %s\\n' "$tok" "$rc" >&2
done
`;

/** The exec line of a lane: fixed text plus the loop's length; the loop itself arrives on stdin. */
export function laneBootstrap(): string {
  return `exec /bin/sh -c 'eval "$(head -c ${Buffer.byteLength(SHELL_LOOP)})"'`;
}
