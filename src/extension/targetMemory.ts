// Which host or group a notebook runs on: the one picked for this notebook, else the runbook's
// front matter (`group:` / `hosts:`), else the last one used anywhere. No vscode here: the store is
// a Memento-like key/value store passed in.

import type { FrontMatter } from '../runbook/model';

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface Target {
  /** Host or group names, as the user picks them (`local`, `web-1`, `web-servers`). */
  names: string[];
  /** Where the choice comes from, shown next to it. */
  from: 'picked' | 'runbook' | 'last used';
}

const LAST_USED = 'runbook.target.lastUsed';
const LAST_REMOTE = 'runbook.target.lastRemote';
const remoteFor = (runbook: string) => `runbook.target.lastRemote:${runbook}`;
const isRemote = (names: string[]) => names.length > 0 && !names.includes('local');
const perNotebook = (notebook: string) => `runbook.target:${notebook}`;

export class TargetMemory {
  constructor(private readonly store: KeyValueStore) {}

  targetFor(notebook: string, frontMatter: FrontMatter | undefined): Target | undefined {
    const picked = this.store.get<string[]>(perNotebook(notebook));
    if (picked?.length) return { names: picked, from: 'picked' };
    // An incident record remembers where it ran; a template names its usual target.
    const recorded = frontMatter?.incident?.target ?? [];
    const declared = recorded.length ? recorded : frontMatter?.group ? [frontMatter.group] : (frontMatter?.hosts ?? []);
    if (declared.length) return { names: declared, from: 'runbook' };
    const last = this.store.get<string[]>(LAST_USED);
    if (last?.length) return { names: last, from: 'last used' };
    return undefined;
  }

  async pick(notebook: string, names: string[]): Promise<void> {
    await this.store.update(perNotebook(notebook), names);
    await this.store.update(LAST_USED, names);
  }

  /** A run on a target makes it the default for notebooks that name none. */
  async used(names: string[]): Promise<void> {
    await this.store.update(LAST_USED, names);
  }

  /**
   * A run of `runbook` (its template, so a record and its template share it) on `names`: a remote
   * target becomes the one the host picker preselects for it; `local` never does (Enter must not run on this machine).
   */
  async ranOn(runbook: string, names: string[]): Promise<void> {
    if (!isRemote(names)) return;
    await this.store.update(remoteFor(runbook), names);
    await this.store.update(LAST_REMOTE, names);
  }

  /** What the picker preselects: the last remote target of this runbook, else the last remote one of any; never `local`. */
  preselect(runbook: string): string[] | undefined {
    const mine = this.store.get<string[]>(remoteFor(runbook));
    if (mine && isRemote(mine)) return mine;
    const any = this.store.get<string[]>(LAST_REMOTE);
    return any && isRemote(any) ? any : undefined;
  }
}

export function targetLabel(target: Target | undefined): string {
  return target ? target.names.join(', ') : 'no host';
}
