// The SSH layer's questions in VS Code: host keys in a modal with the fingerprint, passwords and
// passphrases in password boxes, optionally remembered in SecretStorage (never settings or files).

import * as vscode from 'vscode';
import type { Prompter } from '../base/prompter';
import { rememberableSecret } from './secretKeys';

const INDEX_KEY = 'runbook.secrets.index';

export class VsCodePrompter implements Prompter {
  /** Keys answered from storage since the last run: forgotten when that run's login fails. */
  private readonly served = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    /** Every secret typed or read goes to the redactor before anything can record it. */
    private readonly onSecret: (secret: string) => void,
    private readonly remember: () => boolean,
  ) {}

  async askSecret(question: string): Promise<string | undefined> {
    const rememberable = rememberableSecret(question);
    if (rememberable && this.remember()) {
      const stored = await this.context.secrets.get(rememberable.key);
      if (stored !== undefined) {
        this.served.add(rememberable.key);
        this.onSecret(stored);
        return stored;
      }
    }
    const answer = await vscode.window.showInputBox({ title: 'Incident Runbooks', prompt: question, password: true, ignoreFocusOut: true });
    if (answer === undefined) return undefined;
    this.onSecret(answer);
    if (rememberable && this.remember()) {
      await this.context.secrets.store(rememberable.key, answer);
      const index = new Set(this.context.globalState.get<string[]>(INDEX_KEY, []));
      index.add(rememberable.key);
      await this.context.globalState.update(INDEX_KEY, [...index]);
    }
    return answer;
  }

  async confirm(question: string, detail: string): Promise<boolean> {
    const trust = 'Trust and connect';
    return (await vscode.window.showWarningMessage(question, { modal: true, detail }, trust)) === trust;
  }

  /** A login failed: a remembered answer that was used is wrong, so it is asked again next time. */
  async forgetServed(): Promise<void> {
    for (const key of this.served) await this.context.secrets.delete(key);
    this.served.clear();
  }

  resetServed(): void {
    this.served.clear();
  }

  async forgetAll(): Promise<number> {
    const index = this.context.globalState.get<string[]>(INDEX_KEY, []);
    for (const key of index) await this.context.secrets.delete(key);
    await this.context.globalState.update(INDEX_KEY, []);
    return index.length;
  }
}
