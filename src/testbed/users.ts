// The non-root login used by the test bed when tests run as root: created once with useradd,
// its login shell switched per test (bash, dash...) so quoting is proven against each shell.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
