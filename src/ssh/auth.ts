// Logs in the way OpenSSH would try: ssh-agent, then identity files (asking for a passphrase when a key
// is encrypted), then keyboard-interactive and password through the prompter. Secrets stay in memory.
import { readFileSync } from 'node:fs';
import { utils, type AnyAuthMethod, type AuthHandlerMiddleware, type ParsedKey, type Prompt } from 'ssh2';
import type { HostConfig } from '../hosts/types';
import type { Prompter } from '../base/prompter';

/** Decrypted keys and typed passwords, kept for the pool's lifetime so one prompt serves every reconnect. */
export class CredentialCache {
  readonly keys = new Map<string, ParsedKey>();
  readonly passwords = new Map<string, string>();
}

export interface AuthAttempts {
  /** Methods we tried, in the user's words, for the error message. */
  tried: string[];
  /** What the server said it accepts, from its last USERAUTH_FAILURE. */
  serverAccepts: string[];
}

type Attempt = () => Promise<AnyAuthMethod | undefined>;

/**
 * Builds ssh2's authHandler for `host`. `whilePrompting` wraps every question to the user so the
 * connect timer does not run while a person is typing.
 */
export function authHandler(
  host: HostConfig,
  prompter: Prompter,
  cache: CredentialCache,
  attempts: AuthAttempts,
  whilePrompting: <T>(question: Promise<T>) => Promise<T>,
): AuthHandlerMiddleware {
  const username = host.user;
  const queue: Attempt[] = [];
  if (host.identityAgent) {
    const agent = host.identityAgent;
    queue.push(async () => (attempts.tried.push(`ssh-agent (${agent})`), { type: 'agent', username, agent }));
  }
  for (const file of host.identityFiles) queue.push(() => identityFile(file));
  let learned = false;
  const keyboardInteractive: Attempt = async () => {
    if (!learned) {
      // Ask with method "none" first, as OpenSSH does, to learn which methods the server offers.
      queue.unshift(keyboardInteractive);
      return { type: 'none', username };
    }
    if (!attempts.serverAccepts.includes('keyboard-interactive')) return undefined;
    attempts.tried.push('keyboard-interactive');
    return {
      type: 'keyboard-interactive',
      username,
      prompt: (_n: string, instructions: string, _l: string, prompts: Prompt[], finish: (a: string[]) => void) => {
        void answer(instructions, prompts).then(finish, () => finish([]));
      },
    };
  };
  queue.push(keyboardInteractive);
  queue.push(async () => {
    if (!attempts.serverAccepts.includes('password')) return undefined;
    const id = `${username}@${host.hostname}:${host.port}`;
    const password = cache.passwords.get(id) ?? (await whilePrompting(prompter.askSecret(`Password for ${id}`)));
    if (password === undefined) return undefined;
    attempts.tried.push('password');
    cache.passwords.set(id, password);
    return { type: 'password', username, password };
  });

  async function identityFile(file: string): Promise<AnyAuthMethod | undefined> {
    const cached = cache.keys.get(file);
    if (cached) return (attempts.tried.push(`key ${file}`), { type: 'publickey', username, key: cached });
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      return undefined; // OpenSSH skips identity files that do not exist
    }
    let key = utils.parseKey(data);
    if (key instanceof Error && /encrypted|passphrase/i.test(key.message)) {
      const passphrase = await whilePrompting(prompter.askSecret(`Passphrase for key ${file}`));
      if (passphrase === undefined) return (attempts.tried.push(`key ${file} (passphrase not given)`), undefined);
      key = utils.parseKey(data, passphrase);
      if (key instanceof Error) return (attempts.tried.push(`key ${file} (wrong passphrase)`), undefined);
    }
    if (key instanceof Error) return (attempts.tried.push(`key ${file} (unreadable: ${key.message})`), undefined);
    const parsed = Array.isArray(key) ? key[0] : key;
    cache.keys.set(file, parsed);
    attempts.tried.push(`key ${file}`);
    return { type: 'publickey', username, key: parsed };
  }

  async function answer(instructions: string, prompts: Prompt[]): Promise<string[]> {
    const answers: string[] = [];
    for (const p of prompts) {
      const reply = await whilePrompting(prompter.askSecret([instructions, p.prompt].filter(Boolean).join('\n')));
      if (reply === undefined) return [];
      answers.push(reply);
    }
    return answers;
  }

  return (authsLeft, _partial, next) => {
    if (authsLeft) {
      learned = true;
      attempts.serverAccepts = [...authsLeft];
    }
    const tryNext = async (): Promise<void> => {
      for (let attempt = queue.shift(); attempt; attempt = queue.shift()) {
        const method = await attempt();
        if (method) return next(method);
      }
      // ssh2 ends authentication when the handler gives `false`.
      (next as unknown as (m: false) => void)(false);
    };
    tryNext().catch(() => (next as unknown as (m: false) => void)(false));
  };
}
