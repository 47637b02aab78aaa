// Shared by the SSH tests: a prompter that answers from a script and records what it was asked.
import type { Prompter } from '../../src/base/prompter';
import { processesRunning, signalPids } from '../../src/testbed/processes';

export interface RecordingPrompter extends Prompter {
  secrets: string[];
  confirms: Array<{ question: string; detail: string }>;
}

export function recordingPrompter(answers: { secret?: string; confirm?: boolean } = {}): RecordingPrompter {
  const p: RecordingPrompter = {
    secrets: [],
    confirms: [],
    askSecret: async (question) => {
      p.secrets.push(question);
      return answers.secret;
    },
    confirm: async (question, detail) => {
      p.confirms.push({ question, detail });
      return answers.confirm ?? false;
    },
  };
  return p;
}

/** A unique argument so tests find exactly their own remote processes (`sleep 1000.123`). */
export function uniqueSleep(): string {
  return `${1000 + Math.floor(Math.random() * 1000)}.${Math.floor(Math.random() * 1000)}`;
}

/** Waits until no process runs `text` or the time is up; returns what is still running. */
export async function leftovers(text: string, waitMs = 3000): Promise<string[]> {
  const until = Date.now() + waitMs;
  for (;;) {
    const found = processesRunning(text);
    if (!found.length || Date.now() > until) return found.map((p) => `${p.pid} ${p.args}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Cleans up after a failed test: kills exactly the processes running our unique command, by pid. */
export function killLeftovers(text: string): void {
  signalPids(
    processesRunning(text).map((p) => p.pid),
    'SIGKILL',
  );
}
