// "Runbook: Go to Step": in a long runbook (triage has 20+ steps between prose), jump to a step by
// its title, id or command, as the outline would, and land on it selected, ready to run.

import * as vscode from 'vscode';
import type { NotebookRunbook } from '../runbook/runbookOfCells';
import { revealCell } from './runner';

interface StepItem extends vscode.QuickPickItem {
  index: number;
}

export async function goToStep(editor: vscode.NotebookEditor, nb: NotebookRunbook): Promise<void> {
  const items: StepItem[] = [];
  for (const step of nb.runbook.steps) {
    const index = nb.cellOf.get(step.key);
    if (index === undefined) continue;
    const firstLine = step.command.split('\n').find((l) => l.trim() !== '') ?? '';
    items.push({
      index,
      label: `${step.confirm ? '$(warning) ' : ''}${step.title ?? step.id ?? step.key}`,
      description: [step.id ? `id: ${step.id}` : undefined, step.confirm ? 'changes the host' : undefined].filter(Boolean).join(' · '),
      detail: firstLine.trim(),
    });
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('This runbook has no steps yet: a step is a ```sh fenced block.');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Go to step',
    placeHolder: 'Type a step title, id or command',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (picked) await revealCell(editor.notebook, picked.index);
}
