// Which answers to SSH questions may be remembered, and under which key: a password per
// user@host:port, a passphrase per key file. One-time codes (keyboard-interactive) never are.

export type SecretKind = 'password' | 'passphrase';

export interface RememberableSecret {
  kind: SecretKind;
  /** `user@host:port` or the key file's path. */
  subject: string;
  /** The SecretStorage key. */
  key: string;
}

/** Reads the question the SSH layer asks (src/ssh/auth.ts); undefined = do not remember the answer. */
export function rememberableSecret(question: string): RememberableSecret | undefined {
  const password = /^Password for (\S+@\S+:\d+)$/.exec(question);
  if (password) return { kind: 'password', subject: password[1], key: `runbook.secret/password/${password[1]}` };
  const passphrase = /^Passphrase for key (.+)$/.exec(question);
  if (passphrase) return { kind: 'passphrase', subject: passphrase[1], key: `runbook.secret/passphrase/${passphrase[1]}` };
  return undefined;
}
