// The non-root login used by the test bed when tests run as root: created once with useradd,
// its login shell switched per test (bash, dash...) so quoting is proven against each shell.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';

export const TEST_USER = 'runbook-test';

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

export function currentUser(): string {
  return userInfo().username;
}

/** The login shell /etc/passwd records for `user`, or undefined when the user does not exist. */
export function loginShellOf(user: string): string | undefined {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  return line?.split(':')[6];
}

/** Creates the test user if missing (root only) and sets its login shell. */
export function ensureTestUser(shell = '/bin/bash'): string {
  if (!isRoot()) throw new Error(`Creating the ${TEST_USER} user needs root; run the tests as root or use the current user only.`);
  if (!existsSync(shell)) throw new Error(`Login shell ${shell} is not installed on this machine.`);
  if (loginShellOf(TEST_USER) === undefined) {
    execFileSync('useradd', ['-m', '-s', shell, TEST_USER], { stdio: 'pipe' });
    // A locked password ('!') makes OpenSSH refuse even key logins when UsePAM is off; '*' does not.
    execFileSync('usermod', ['-p', '*', TEST_USER], { stdio: 'pipe' });
  } else if (loginShellOf(TEST_USER) !== shell) {
    execFileSync('usermod', ['-s', shell, TEST_USER], { stdio: 'pipe' });
  }
  return TEST_USER;
}

/** Installed login shells worth testing quoting against (we never install any). */
export function installedShells(): string[] {
  return ['/bin/bash', '/bin/dash', '/usr/bin/zsh', '/usr/bin/fish', '/bin/tcsh'].filter((s) => existsSync(s));
}

/** Logins for sudo tests: NOPASSWD, one that must type its password, and one with a password but no sudo rights. */
export const SUDO_USERS = { nopasswd: 'runbook-sudo', password: 'runbook-sudopw', none: 'runbook-nosudo' } as const;
/** The password of `runbook-sudopw` and `runbook-nosudo` (throwaway accounts that exist only on test machines). */
export const SUDO_TEST_PASSWORD = 'Testbed sudo pw 7!';
/** A login whose ~/.bashrc costs ~90 ms before anything else, like pyenv/conda/nvm set-ups. */
export const HEAVY_RC_USER = 'runbook-heavyrc';
const SUDOERS_FILE = '/etc/sudoers.d/runbook-testbed';

/** Creates the sudo test users and their sudoers rules (root only, idempotent). */
export function ensureSudoUsers(): typeof SUDO_USERS {
  ensureLogin(SUDO_USERS.nopasswd);
  ensureLogin(SUDO_USERS.password);
  ensureLogin(SUDO_USERS.none);
  const passwords = [SUDO_USERS.password, SUDO_USERS.none].map((u) => `${u}:${SUDO_TEST_PASSWORD}\n`).join('');
  execFileSync('chpasswd', { input: passwords, stdio: ['pipe', 'pipe', 'pipe'] });
  const rules = `${SUDO_USERS.nopasswd} ALL=(ALL:ALL) NOPASSWD: ALL\n${SUDO_USERS.password} ALL=(ALL:ALL) ALL\n`;
  if (!existsSync(SUDOERS_FILE) || readFileSync(SUDOERS_FILE, 'utf8') !== rules) {
    const draft = `${SUDOERS_FILE}.new`;
    writeFileSync(draft, rules, { mode: 0o440 });
    // visudo refuses a file that would break sudo for everyone; only a checked file goes in place.
    execFileSync('visudo', ['-cqf', draft], { stdio: 'pipe' });
    renameSync(draft, SUDOERS_FILE);
  }
  return SUDO_USERS;
}

/**
 * Creates the heavy-rc login (bash) whose ~/.bashrc sleeps `rcSeconds` first, even for non-interactive ssh, and
 * counts its runs in ~/.rc-runs, one line per run with `$SSH_CONNECTION`: the login is shared by every test bed
 * and bench on the machine, so a test counts only the lines that name its own sshd's port (`rcRunsOn`).
 */
export function ensureHeavyRcUser(rcSeconds = 0.09): string {
  ensureLogin(HEAVY_RC_USER);
  const home = `/home/${HEAVY_RC_USER}`;
  // bash sources ~/.bashrc for `ssh host cmd` because it sees sshd; Debian's .bashrc returns early
  // for non-interactive shells, so the slow part sits above that line, as version managers' hooks often do.
  writeFileSync(
    `${home}/.bashrc`,
    `# written by src/testbed/users.ts\necho "run $SSH_CONNECTION" >> ~/.rc-runs\nsleep ${rcSeconds}\ncase $- in *i*) ;; *) return;; esac\n`,
  );
  execFileSync('chown', [`${HEAVY_RC_USER}:${HEAVY_RC_USER}`, `${home}/.bashrc`], { stdio: 'pipe' });
  return HEAVY_RC_USER;
}

/** How many times the heavy-rc login's ~/.bashrc ran for sessions to the sshd on `port` (see ensureHeavyRcUser). */
export function rcRunsOn(port: number): number {
  const file = `/home/${HEAVY_RC_USER}/.rc-runs`;
  if (!existsSync(file)) return 0;
  // SSH_CONNECTION is "client_ip client_port server_ip server_port".
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.split(' ')[4] === String(port)).length;
}

function ensureLogin(user: string, shell = '/bin/bash'): void {
  if (!isRoot()) throw new Error(`Creating the ${user} user needs root; run the tests as root.`);
  if (loginShellOf(user) !== undefined) return;
  execFileSync('useradd', ['-m', '-s', shell, user], { stdio: 'pipe' });
  // '*' rather than a locked '!': OpenSSH refuses key logins to locked accounts when UsePAM is off.
  execFileSync('usermod', ['-p', '*', user], { stdio: 'pipe' });
}
