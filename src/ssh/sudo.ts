// Runs a step as root through sudo on any executor: first a probe asks sudo whether it will run without a
// password (`sudo -n`) or with the one given (`sudo -S -p ''`), so a refusal is told apart from the step's
// own failure; then the step runs with its script and the password on sudo's stdin, never on a command line.
import { randomBytes } from 'node:crypto';
import { shellQuote } from './script';
import type { ExecRequest, ExecResult } from './types';
import { RunbookError } from '../base/failure';

/** Why sudo did not run a step. */
export type SudoRefusal = 'password-needed' | 'password-wrong' | 'not-allowed' | 'no-sudo' | 'other';

/** A RunbookError (kind `auth`, or `config` when sudo is missing) that says why sudo refused. */
export class SudoRefused extends RunbookError {
  constructor(
    readonly refusal: SudoRefusal,
    message: string,
    hint: string,
  ) {
    super(refusal === 'no-sudo' ? 'config' : 'auth', message, hint);
  }
}

/** What sudo said, for a front deciding whether to ask for the password (`password-needed`, `password-wrong`). */
export function sudoRefusal(error: unknown): SudoRefusal | undefined {
  const r = (error as { refusal?: unknown } | undefined)?.refusal;
  return typeof r === 'string' && error instanceof Error ? (r as SudoRefusal) : undefined;
}

/** Runs `request` under sudo through `run` (the plain executor). `request.sudo` must be set. */
export async function execWithSudo(run: (r: ExecRequest) => Promise<ExecResult>, request: ExecRequest, host: string, user?: string): Promise<ExecResult> {
  const password = request.sudo?.password;
  const { sudo: _sudo, ...plain } = request;
  const probe = await run({ script: probeScript(password), timeoutMs: Math.min(request.timeoutMs, 30000), signal: request.signal, outputCapBytes: 65536 });
  if (probe.termination !== 'exit') return { ...probe, stdout: empty(), stderr: empty() };
  const verdict = /^rb-sudo: (\S+)$/m.exec(probe.stdout.text)?.[1];
  if (verdict === 'nopasswd' || verdict === 'password-ok') {
    const script = verdict === 'nopasswd' ? wrapNoPassword(request.script) : wrapWithPassword(request.script, password!);
    return run({ ...plain, script });
  }
  const said = redact(probe.stdout.text.replace(/^rb-sudo: \S+\n?/m, ''), password).trim();
  return { ...probe, exitCode: null, termination: 'error', stdout: empty(), stderr: empty(), error: refusal(verdict, said, host, user, password) };
}

/**
 * What sudo runs, as root: the step in a session of its own, watched. The user's kill cannot reach root
 * processes and sudo relays TERM to this shell only, so this shell passes it on to the step's whole group
 * and KILLs it 2 s later; when the step ends, whatever it left behind goes too.
 */
function rootWatcher(readScript: string): string {
  return [
    readScript,
    `exec </dev/null`,
    `printf '%s' "$s" | setsid /bin/sh -c 's=$(cat); exec </dev/null; eval "$s"' &`,
    `p=$!`,
    `trap 'kill -TERM -"$p" 2>/dev/null; (sleep 2; kill -KILL -"$p" 2>/dev/null) &' TERM HUP INT`,
    `wait "$p"; rc=$?`,
    // A trapped signal interrupts wait: wait again for the real status while the step is still there.
    `while [ "$rc" -gt 128 ] && kill -0 "$p" 2>/dev/null; do wait "$p"; rc=$?; done`,
    `kill -TERM -"$p" 2>/dev/null && { sleep 0.2; kill -KILL -"$p" 2>/dev/null; }`,
    `exit "$rc"`,
  ].join('\n');
}

/**
 * sudo reports the command's death by signal n as status 128+n (it re-raises the signal on itself, the
 * pipeline sees the number): raise it again, so the step reads as killed by that signal, as it was.
 */
const RERAISE = `rb_rc=$?; if [ "$rb_rc" -gt 128 ] && [ "$rb_rc" -lt 160 ]; then kill -s "$(kill -l "$rb_rc")" $$; fi; exit "$rb_rc"`;

export function wrapNoPassword(script: string): string {
  return `printf '%s' ${shellQuote(script)} | sudo -n -- /bin/sh -c ${shellQuote(rootWatcher('s=$(cat)'))}\n${RERAISE}\n`;
}

/**
 * The password goes first on stdin, then a random separator, then the script. If sudo did not read the
 * password (its credentials were still cached), the step's shell drops everything up to the separator,
 * so the password is never run as a command. printf is a shell builtin: no process shows the password.
 */
export function wrapWithPassword(script: string, password: string): string {
  let separator: string;
  do separator = `RBSUDO${randomBytes(8).toString('hex')}`;
  while (password.includes(separator));
  const inner = rootWatcher(`s=$(cat); s=\${s#*${separator}}`);
  return (
    `{ printf '%s\\n' ${shellQuote(password)}; printf '%s%s' ${separator} ${shellQuote(script)}; } | sudo -S -p '' -- /bin/sh -c ${shellQuote(inner)}\n` +
    `${RERAISE}\n`
  );
}

/** Asks sudo, in English, whether it would run /bin/sh for us; prints `rb-sudo: <verdict>` then what sudo said. */
function probeScript(password: string | undefined): string {
  const lines = [
    `command -v sudo >/dev/null 2>&1 || { echo 'rb-sudo: no-sudo'; exit 0; }`,
    `out=$(LC_ALL=C sudo -n -- /bin/sh -c : 2>&1) && { echo 'rb-sudo: nopasswd'; exit 0; }`,
  ];
  if (password !== undefined) {
    lines.push(`out=$(printf '%s\\n' ${shellQuote(password)} | LC_ALL=C sudo -S -p '' -- /bin/sh -c : 2>&1) && { echo 'rb-sudo: password-ok'; exit 0; }`);
  }
  lines.push(`echo 'rb-sudo: refused'`, `printf '%s\\n' "$out"`);
  return lines.join('\n') + '\n';
}

function refusal(verdict: string | undefined, said: string, host: string, user: string | undefined, password: string | undefined): SudoRefused {
  const who = user ? `${user} on ${host}` : host;
  const quote = said ? ` (sudo said: ${said.split('\n').slice(-2).join(' ')})` : '';
  if (verdict === 'no-sudo')
    return new SudoRefused('no-sudo', `sudo is not installed on ${host}.`, 'Install sudo on the host, or run the step as a user who can read what it needs.');
  if (/not in the sudoers|not allowed to execute|may not run sudo/i.test(said)) {
    return new SudoRefused('not-allowed', `${who} may not run commands with sudo${quote}.`, 'Ask for a sudoers rule for this user, or run the step as root.');
  }
  if (password === undefined && /password is required/i.test(said)) {
    return new SudoRefused('password-needed', `sudo needs a password for ${who}.`, 'Enter the sudo password when asked, or add a NOPASSWD sudoers rule.');
  }
  if (password !== undefined && /incorrect password|Sorry, try again|no password was provided/i.test(said)) {
    return new SudoRefused('password-wrong', `The sudo password for ${who} was not accepted.`, 'Enter the sudo password again.');
  }
  return new SudoRefused('other', `sudo refused to run the step for ${who}${quote}.`, 'Run `sudo -v` on the host to see why.');
}

function redact(text: string, password: string | undefined): string {
  return password ? text.split(password).join('[redacted]') : text;
}

function empty() {
  return { text: '', bytes: 0, truncated: false };
}
