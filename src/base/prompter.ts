// How the core asks the person at the keyboard; each front supplies one (terminal, VS Code dialogs).

/** Asks the person at the keyboard: a passphrase, a password, or a yes/no on a host key. */
export interface Prompter {
  /** Returns undefined when the user cancels. `secret` input is never echoed nor logged. */
  askSecret(question: string): Promise<string | undefined>;
  /** Returns true only on an explicit yes. */
  confirm(question: string, detail: string): Promise<boolean>;
}
