// A step with `hosts=local` runs on the machine of whoever runs the runbook (often as root), not on
// the hosts the incident is about. In a runbook meant for remote hosts that needs the author's say-so
// in the front matter: `allow-local: true`.

import type { Diagnostic, FrontMatter, Step } from '../runbook/model';
import { diagnostic } from '../runbook/diagnostics';
import { allowsLocal } from '../runbook/frontMatter';

/** Whether the front matter leaves the target to remote hosts: names other than `local`, a group, or none at all. */
export function targetsRemote(frontMatter: FrontMatter | undefined): boolean {
  if (!frontMatter) return true;
  if (frontMatter.group !== undefined) return true;
  return frontMatter.hosts.length === 0 || frontMatter.hosts.some((h) => h !== 'local');
}

export function localTargetDiagnostics(step: Step, frontMatter: FrontMatter | undefined): Diagnostic[] {
  if (!step.hosts?.includes('local') || allowsLocal(frontMatter) || !targetsRemote(frontMatter)) return [];
  const attribute = step.attributes.find((a) => a.name === 'hosts');
  if (!attribute) return [];
  const where =
    frontMatter && (frontMatter.hosts.length > 0 || frontMatter.group !== undefined)
      ? `this runbook targets ${frontMatter.group !== undefined ? `group ${frontMatter.group}` : frontMatter.hosts.join(', ')}`
      : 'this runbook runs on the hosts chosen when it starts';
  return [
    diagnostic(
      attribute.valueRange,
      'warning',
      'local-step',
      `hosts=local runs this step on the machine running the runbook, but ${where}; run it on the incident's hosts instead, or add \`allow-local: true\` to the front matter if it is meant to run here`,
    ),
  ];
}
