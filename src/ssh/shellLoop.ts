// The remote half of the persistent shell: a POSIX sh loop that keeps a fresh step shell waiting on the
// channel, each in a new session (its own process group), so nothing a step changes (cwd, variables, traps,
// functions, umask, jobs) can reach the next one. Sent once per lane on stdin; the loop never runs step text.

/** Marker kind of the lane itself (READY / NO <tool>) before any step. */
export const LANE_READY = 'READY';

/** Scripts up to this size are read line by line by the shell's own `read` (no `head` process). */
export const LINE_READ_MAX_BYTES = 2048;

/**
 * The step's first process (a fresh `sh`, pid = process group = session), started before its request
 * arrives so that fork and exec are off the step's path. It reports its pid (for a kill, ahead of the step),
 * reads `RBSTEP L <lines>` or `RBSTEP B <bytes>` and the script from the channel, and runs the script with
 * stdin from /dev/null.
 * At the end of input (the channel closed) it ends itself with USR2, which tells the loop to end too.
 * The EXIT trap writes `X <code>` on both streams: it tells a normal exit from death by a signal (a
 * signalled shell runs no trap), which the loop's `wait` (128+n) cannot, and it lets the client end the
 * step when its shell is done rather than one process hop later at the loop's `E` (what a background job
 * prints in between is not the step's: the loop ends that job before the next step's shell starts).
 */
const LEADER = [
  `printf '\\036rb%s P %s\\n' "$1" "$$" >&2`,
  `IFS= read -r h || kill -USR2 $$`,
  `case $h in`,
  `"RBSTEP L "*) n=\${h#RBSTEP L }; s=; while [ "$n" -gt 0 ]; do IFS= read -r l; s="$s$l`,
  `"; n=$((n-1)); done;;`,
  `"RBSTEP B "*) s=$(head -c "\${h#RBSTEP B }");;`,
  `*) exit 90;;`,
  `esac`,
  `trap "c=\\$?; printf '\\\\036rb$1 X %s\\\\n' \\"\\$c\\" 2>/dev/null; printf '\\\\036rb$1 X %s\\\\n' \\"\\$c\\" >&2" EXIT`,
  `unset h n l`,
  `set --`,
  `exec </dev/null`,
  `eval "$s"`,
].join('\n');

/**
 * After each step, ends whatever the step left in its process group (background jobs), writes `E <status>`
 * on both streams so the client knows each is complete, and starts the next step's shell at once, so it is
 * waiting when the next request comes. The loop's `wait` is never interrupted: no traps here.
 */
function loop(token: string): string {
  return `T=${token}
command -v setsid >/dev/null 2>&1 || { printf '\\036rb%s NO setsid\\n' "$T"; exit 0; }
command -v head >/dev/null 2>&1 || { printf '\\036rb%s NO head\\n' "$T"; exit 0; }
exec 3<&0
L='${LEADER.replace(/'/g, `'\\''`)}'
start() { setsid /bin/sh -c "$L" /bin/sh "$T" <&3 3<&- & }
{ /bin/sh -c 'kill -USR2 $$'; } 2>/dev/null
u=$?
start
p=$!
printf '\\036rb%s ${LANE_READY} %s\\n' "$T" "$$"
while :; do
  wait "$p" 2>/dev/null
  rc=$?
  # TERM what the step left behind, KILL it after 0.2 s. Not "until gone": an init that is slow to reap
  # leaves zombies that kill -0 still finds, and a killed process writes nothing more anyway.
  if kill -TERM -"$p" 2>/dev/null; then
    i=0
    while [ $i -lt 10 ] && kill -0 -"$p" 2>/dev/null; do sleep 0.02; i=$((i+1)); done
    kill -KILL -"$p" 2>/dev/null
  fi
  printf '\\036rb%s E %s\\n' "$T" "$rc"
  printf '\\036rb%s E %s\\n' "$T" "$rc" >&2
  # USR2: the waiting shell met the end of input (or a step died by USR2: the next step gets a new lane).
  [ "$rc" = "$u" ] && exit 0
  start
  p=$!
done
`;
}

/** The loop text for a lane framed by `token` (24 hex digits), and the exec line that reads it from stdin. */
export function laneProgram(token: string): { bootstrap: string; loop: string } {
  if (!/^[0-9a-f]{24}$/.test(token)) throw new Error(`bad lane token ${token}`);
  const text = loop(token);
  // Fixed text plus a number: the login shell (bash, dash, zsh, fish, tcsh) parses only this.
  return { bootstrap: `exec /bin/sh -c 'eval "$(head -c ${Buffer.byteLength(text)})"'`, loop: text };
}

/** The request line and script for one step: by lines when small (the shell's read), else by bytes (head). */
export function stepRequest(script: Buffer): Buffer {
  if (script.length <= LINE_READ_MAX_BYTES) {
    const body = script.length && script[script.length - 1] !== 0x0a ? Buffer.concat([script, Buffer.from('\n')]) : script;
    let lines = 0;
    for (let i = body.indexOf(0x0a); i >= 0; i = body.indexOf(0x0a, i + 1)) lines++;
    return Buffer.concat([Buffer.from(`RBSTEP L ${lines}\n`, 'latin1'), body]);
  }
  return Buffer.concat([Buffer.from(`RBSTEP B ${script.length}\n`, 'latin1'), script]);
}
