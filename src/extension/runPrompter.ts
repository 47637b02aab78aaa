// The pipeline's questions in VS Code: parameters in input boxes (prefilled with the default,
// validated as typed), and the yes before a host-changing step: a modal showing the command with
// its control characters visible; for a group, first a pick of hosts (those whose finding led here).

import * as vscode from 'vscode';
import type { ParameterQuestion, RunPrompter, StepConfirmAnswer, StepConfirmQuestion } from '../pipeline/prompts';
import { visibleControls } from '../base/visible';
import type { VsCodePrompter } from './prompter';

export function vscodeRunPrompter(ssh: VsCodePrompter, remembered: Record<string, string>): RunPrompter {
  return {
    askSecret: (q) => ssh.askSecret(q),
    confirm: (q, d) => ssh.confirm(q, d),
    async askParameter(q: ParameterQuestion) {
      const answer = await vscode.window.showInputBox({
        title: `Runbook parameter: ${q.name}`,
        prompt: `${q.prompt}${q.type ? ` (${q.type})` : ''} — asked because ${q.reason}`,
        value: q.secret ? undefined : q.default,
        password: q.secret,
        ignoreFocusOut: true,
        validateInput: (value) => q.validate(value),
      });
      if (answer !== undefined && !q.secret) remembered[q.name] = answer.trim();
      return answer;
    },
    async confirmStep(q: StepConfirmQuestion): Promise<StepConfirmAnswer | undefined> {
      let hosts = q.hosts;
      if (q.hosts.length > 1) {
        const suggested = new Set(q.suggested.map((h) => h.name));
        const picked = await vscode.window.showQuickPick(
          q.hosts.map((h) => ({
            label: h.name,
            description: suggested.has(h.name) ? 'its finding led here' : undefined,
            picked: suggested.has(h.name),
            host: h,
          })),
          { title: `"${q.title}" changes the host: run it on which hosts?`, canPickMany: true, ignoreFocusOut: true },
        );
        if (!picked || picked.length === 0) return undefined;
        hosts = picked.map((p) => p.host);
      }
      const names = hosts.map((h) => h.name).join(', ');
      const run = hosts.length > 1 ? `Run on ${hosts.length} Hosts` : 'Run';
      const detail = [
        q.reason === 'it changes the host' ? undefined : `It needs a yes: ${q.reason}.`,
        q.ledBy.length ? `Found before it:\n${q.ledBy.join('\n')}` : undefined,
        `Host${hosts.length > 1 ? 's' : ''}: ${names}`,
        `Command (control characters shown as symbols):\n${q.command}`,
        q.plan ? `Rollout: ${q.plan}` : undefined,
      ]
        .filter(Boolean)
        .join('\n\n');
      const name = visibleControls(q.step.title ?? q.step.id ?? q.step.key, false);
      const why = q.reason === 'it changes the host' ? 'changes the host' : `needs a yes: ${q.reason}`;
      const choice = await vscode.window.showWarningMessage(`"${name}" ${why}. Run on ${names}?`, { modal: true, detail }, run);
      return choice === run ? { hosts, how: 'confirmed in VS Code' } : undefined;
    },
  };
}
