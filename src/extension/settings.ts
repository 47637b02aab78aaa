// The `runbook.*` settings, read when used (never when a module loads), with their defaults.

import * as vscode from 'vscode';
import { parseDuration } from '../runbook/attributes';

export interface RunSettings {
  defaultTimeoutMs?: number;
  outputCapBytes: number;
  keepaliveSeconds: number;
  maxSessionsPerHost: number;
  inventoryPath?: string;
  incidentsFolder: string;
  groupConcurrency: number;
  rememberSecrets: boolean;
  /** `runbook.executor`: the engine per inventory (`{ "*": "ssh2", "prod.ini": "ansible" }`). */
  executor?: Record<string, string> | string;
}

export function readSettings(scope?: vscode.Uri): RunSettings {
  const config = vscode.workspace.getConfiguration('runbook', scope);
  const timeout = config.get<string>('step.defaultTimeout', '60s');
  return {
    defaultTimeoutMs: parseDuration(timeout),
    outputCapBytes: positive(config.get<number>('output.capBytes'), 1024 * 1024),
    keepaliveSeconds: positive(config.get<number>('ssh.keepaliveInterval'), 15),
    maxSessionsPerHost: positive(config.get<number>('ssh.maxSessionsPerHost'), 8),
    inventoryPath: config.get<string>('inventoryPath') || undefined,
    incidentsFolder: config.get<string>('incidents.folder') || 'incidents',
    groupConcurrency: positive(config.get<number>('group.concurrency'), 32),
    rememberSecrets: config.get<boolean>('secrets.remember', false),
    executor: config.get<Record<string, string> | string>('executor'),
  };
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
