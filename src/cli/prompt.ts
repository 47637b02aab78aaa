// The terminal's Prompter: passphrases and passwords without echo, yes/no questions on a TTY.
// Without a terminal (CI, pipes) every question is answered "no": nothing is accepted silently.

import * as readline from 'node:readline';
import type { Prompter } from '../base/prompter';

export function terminalPrompter(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Prompter {
  const interactive = Boolean(input.isTTY);
  return {
    async askSecret(question) {
      if (!interactive) {
        output.write(`${question} (no terminal to ask on: skipped)\n`);
        return undefined;
      }
      return ask(input, output, `${question} `, true);
    },
    async confirm(question, detail) {
      output.write(`\n${question}\n${detail}\n`);
      if (!interactive) {
        output.write('No terminal to answer on: taken as "no". Pass --yes to confirm in advance where that is allowed.\n');
        return false;
      }
      const answer = await ask(input, output, 'Type "yes" to continue: ', false);
      return answer?.trim().toLowerCase() === 'yes';
    },
  };
}

function ask(input: NodeJS.ReadStream, output: NodeJS.WriteStream, question: string, secret: boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input, output, terminal: true });
    if (secret) {
      // Mute echo: readline writes each typed key through _writeToOutput.
      const mutable = rl as unknown as { _writeToOutput: (s: string) => void };
      mutable._writeToOutput = (s: string) => {
        if (s.includes(question)) output.write(question);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (secret) output.write('\n');
      resolve(answer);
    });
    rl.on('SIGINT', () => {
      rl.close();
      resolve(undefined);
    });
  });
}
