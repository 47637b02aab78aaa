// The terminal's prompter: passphrases and passwords without echo, parameters, and the yes before a
// step that changes the host. Without a terminal (CI, pipes) every question is answered "no".

import * as readline from 'node:readline';
import type { Prompter } from '../base/prompter';
import { visibleControls } from '../base/visible';
import type { ParameterQuestion, RunPrompter, StepConfirmAnswer, StepConfirmQuestion } from '../pipeline/prompts';

export function terminalPrompter(
  options: { yes?: boolean } = {},
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WriteStream = process.stderr,
): RunPrompter {
  const interactive = Boolean(input.isTTY);
  const base: Prompter = {
    async askSecret(question) {
      if (!interactive) {
        output.write(`${visibleControls(question, false)} (no terminal to ask on: skipped)\n`);
        return undefined;
      }
      return ask(input, output, `${visibleControls(question, false)} `, true);
    },
    async confirm(question, detail) {
      output.write(`\n${visibleControls(question)}\n${visibleControls(detail)}\n`);
      if (!interactive) {
        output.write('No terminal to answer on: taken as "no".\n');
        return false;
      }
      const answer = await ask(input, output, 'Type "yes" to continue: ', false);
      return answer?.trim().toLowerCase() === 'yes';
    },
  };
  return {
    ...base,
    async askParameter(q: ParameterQuestion) {
      const question = `${q.prompt}${q.type ? ` (${q.type})` : ''} — ${q.reason}:`;
      if (!interactive) {
        output.write(`${q.where}: parameter "${q.name}": ${q.reason}, and there is no terminal to ask on.\n`);
        return undefined;
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = q.secret ? await base.askSecret(question) : await ask(input, output, `${visibleControls(question, false)} `, false);
        if (answer === undefined) return undefined;
        const problem = q.validate(answer);
        if (!problem) return answer.trim();
        output.write(`${problem}\n`);
      }
      return undefined;
    },
    async confirmStep(q: StepConfirmQuestion): Promise<StepConfirmAnswer | undefined> {
      const names = q.hosts.map((h) => h.name);
      const lines = [`\nStep "${q.title}" needs a yes: ${q.reason}.`];
      if (q.ledBy.length) lines.push('Found before it:', ...q.ledBy.map((l) => `  ${l}`));
      lines.push(`Host${names.length > 1 ? 's' : ''}: ${names.join(', ')}`, 'Command (control characters shown as symbols):', q.command.replace(/^/gm, '    '));
      if (q.plan) lines.push(`Rollout: ${q.plan}`);
      output.write(`${lines.join('\n')}\n`);
      if (options.yes) {
        output.write('Confirmed in advance with --yes.\n');
        return { hosts: q.hosts, how: '--yes' };
      }
      if (!interactive) {
        output.write('No terminal to answer on: taken as "no". Pass --yes to confirm in advance.\n');
        return undefined;
      }
      const suggested = q.suggested.map((h) => h.name);
      const group = names.length > 1;
      const prompt = group
        ? `Type "yes" to run on ${suggested.join(', ')}${suggested.length < names.length ? ', "all" for every host,' : ''} or host names separated by commas: `
        : 'Type "yes" to continue: ';
      const answer = (await ask(input, output, prompt, false))?.trim() ?? '';
      if (answer.toLowerCase() === 'yes') return { hosts: q.suggested, how: 'typed yes' };
      if (group && answer.toLowerCase() === 'all') return { hosts: q.hosts, how: 'typed all' };
      if (group && answer) {
        const picked = answer.split(',').map((n) => n.trim());
        const hosts = q.hosts.filter((h) => picked.includes(h.name));
        if (hosts.length === picked.length) return { hosts, how: `typed ${hosts.map((h) => h.name).join(',')}` };
        output.write(`Not hosts of this step: ${picked.filter((p) => !names.includes(p)).join(', ')}. Nothing ran.\n`);
      }
      return undefined;
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
