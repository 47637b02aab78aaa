// Which SSH answers may be remembered: the exact questions src/ssh/auth.ts asks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rememberableSecret } from '../../src/extension/secretKeys';

describe('extension/secretKeys: remembering passwords and passphrases', () => {
  it('keys a password by user, host and port, and a passphrase by key file', () => {
    assert.deepEqual(rememberableSecret('Password for alice@10.0.0.5:22'), {
      kind: 'password',
      subject: 'alice@10.0.0.5:22',
      key: 'runbook.secret/password/alice@10.0.0.5:22',
    });
    assert.equal(rememberableSecret('Password for bob@10.0.0.5:22')?.key === rememberableSecret('Password for alice@10.0.0.5:22')?.key, false);
    assert.deepEqual(rememberableSecret('Passphrase for key /home/a/.ssh/id_ed25519'), {
      kind: 'passphrase',
      subject: '/home/a/.ssh/id_ed25519',
      key: 'runbook.secret/passphrase//home/a/.ssh/id_ed25519',
    });
  });

  it('never remembers one-time codes or anything else asked', () => {
    assert.equal(rememberableSecret('Verification code:'), undefined);
    assert.equal(rememberableSecret('Enter OTP\nPassword:'), undefined);
  });

  it('matches the questions the SSH layer really asks (a rename there must update this)', () => {
    const auth = readFileSync(join(__dirname, '..', '..', 'src', 'ssh', 'auth.ts'), 'utf8');
    assert.match(auth, /askSecret\(`Password for \$\{id\}`\)/);
    assert.match(auth, /const id = `\$\{username\}@\$\{host\.hostname\}:\$\{host\.port\}`/);
    assert.match(auth, /askSecret\(`Passphrase for key \$\{file\}`\)/);
  });
});
