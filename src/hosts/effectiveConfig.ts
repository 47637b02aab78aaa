// The fallback when `ssh -G` cannot be used: evaluates Host/Match blocks like OpenSSH's
// readconf.c (first value wins, Include keeps the includer's state, `Match final` re-reads)
// and prints the same keys `ssh -G` prints, so both paths feed one converter.
import { RunbookError } from '../base/failure';
import type { ConfigEntry, ConfigLine } from './configFile';
import { matchHostLine, matchPatternList } from './patterns';
import { expandEnv, expandPath, type TokenValues } from './tokens';

/** `ssh -G` style output: lowercase keyword -> one value per printed line. */
export type GOutput = Map<string, string[]>;

export interface EvalInput {
  host: string;
  /** Config files in the order OpenSSH reads them, already read with includes spliced in. */
  files: ConfigEntry[][];
  /** `-o Key=value` pairs; they come before every file, so they win. */
  overrides: Record<string, string>;
  local: { user: string; homeDir: string; hostname: string; uid: number };
  env: NodeJS.ProcessEnv;
  onWarning: (message: string) => void;
}

/** Keywords this project reads; others are parsed for syntax only. */
const KEYWORDS = new Set([
  'hostname',
  'user',
  'port',
  'identityfile',
  'identitiesonly',
  'identityagent',
  'proxyjump',
  'serveraliveinterval',
  'serveralivecountmax',
  'connecttimeout',
  'userknownhostsfile',
  'globalknownhostsfile',
  'stricthostkeychecking',
  'hashknownhosts',
  'hostkeyalias',
]);

export const DEFAULT_IDENTITY_FILES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_xmss', 'id_dsa'].map((f) => `~/.ssh/${f}`);

interface State {
  first: Map<string, ConfigLine>;
  identityFiles: string[];
  wantFinal: boolean;
}

export function evaluateConfig(input: EvalInput): GOutput {
  const state: State = { first: new Map(), identityFiles: [], wantFinal: false };
  for (const [key, value] of Object.entries(input.overrides)) {
    const line: ConfigLine = { kind: 'line', keyword: key.toLowerCase(), args: [value], file: 'command-line', line: 0 };
    apply(line, state);
  }
  for (const entries of input.files) walk(entries, input, state, input.host, false);
  let hostname = currentHostname(state, input.host).toLowerCase();
  if (state.wantFinal) {
    // ssh.c stores the resolved name and reads every file again with it (Match final/canonical).
    state.first.set('hostname', { kind: 'line', keyword: 'hostname', args: [hostname], file: 'final', line: 0 });
    for (const entries of input.files) walk(entries, input, state, hostname, true);
    hostname = currentHostname(state, input.host).toLowerCase();
  }
  return print(state, input, hostname);
}

/** The name a host currently resolves to: HostName with %h, or the name itself. */
function currentHostname(state: State, host: string): string {
  const hn = state.first.get('hostname');
  return hn ? hn.args[0].replace(/%(.)/g, (all, t: string) => (t === 'h' ? host : t === '%' ? '%' : all)) : host;
}

function walk(entries: ConfigEntry[], input: EvalInput, state: State, host: string, finalPass: boolean): void {
  let active = true;
  let neverMatch = false;
  const stack: Array<{ active: boolean; neverMatch: boolean }> = [];
  for (const entry of entries) {
    if (entry.kind === 'enter') {
      stack.push({ active, neverMatch });
      // readconf.c: an Include in an inactive block is parsed but can never match.
      neverMatch = neverMatch || !active;
      active = !neverMatch;
      continue;
    }
    if (entry.kind === 'leave') {
      ({ active, neverMatch } = stack.pop() ?? { active: true, neverMatch: false });
      continue;
    }
    if (entry.keyword === 'host') {
      active = !neverMatch && matchHostLine(host, entry.args);
    } else if (entry.keyword === 'match') {
      const result = matchLine(entry, input, state, host, finalPass);
      active = !neverMatch && result;
    } else if (active) {
      apply(entry, state);
    }
  }
}

function matchLine(entry: ConfigLine, input: EvalInput, state: State, host: string, finalPass: boolean): boolean {
  const where = `${entry.file}:${entry.line}`;
  const args = [...entry.args];
  if (args.length === 0) throw new RunbookError('config', `${where}: Match needs a criterion`, 'Write e.g. "Match host web-*" or "Match all".');
  const matchHost = finalPass ? host : currentHostname(state, input.host);
  const remoteUser = state.first.get('user')?.args[0] ?? input.local.user;
  let result = true;
  while (args.length > 0) {
    let criterion = args.shift()!.toLowerCase();
    const negate = criterion.startsWith('!');
    if (negate) criterion = criterion.slice(1);
    let hit: boolean;
    if (criterion === 'all') {
      hit = true;
    } else if (criterion === 'canonical' || criterion === 'final') {
      if (criterion === 'final' && !finalPass) state.wantFinal = true;
      hit = finalPass;
    } else {
      const value = args.shift();
      if (value === undefined) throw new RunbookError('config', `${where}: Match ${criterion} needs an argument`, `Add a pattern after "${criterion}".`);
      switch (criterion) {
        case 'host':
          hit = matchPatternList(matchHost, value, true);
          break;
        case 'originalhost':
          hit = matchPatternList(input.host, value, true);
          break;
        case 'user':
          hit = matchPatternList(remoteUser, value, false);
          break;
        case 'localuser':
          hit = matchPatternList(input.local.user, value, false);
          break;
        case 'exec':
          input.onWarning(
            `${where}: "Match exec ${value}" was not run (commands from ssh config are only run through ssh -G for trusted configs); the block is treated as not matching.`,
          );
          return false;
        default:
          input.onWarning(`${where}: Match ${criterion} is not supported here; the block is treated as not matching.`);
          return false;
      }
    }
    if (hit === negate) result = false;
  }
  return result;
}

function apply(line: ConfigLine, state: State): void {
  if (!KEYWORDS.has(line.keyword)) return;
  if (line.args.length === 0) {
    throw new RunbookError('config', `${line.file}:${line.line}: no argument after keyword "${line.keyword}"`, 'Give the setting a value or delete the line.');
  }
  if (line.keyword === 'identityfile') {
    if (!state.identityFiles.includes(line.args[0])) state.identityFiles.push(line.args[0]);
    return;
  }
  if (!state.first.has(line.keyword)) state.first.set(line.keyword, line);
}

/** Prints what `ssh -G` prints for our keys, with the expansions ssh.c does before printing. */
function print(state: State, input: EvalInput, hostname: string): GOutput {
  const out: GOutput = new Map();
  const get = (k: string) => state.first.get(k)?.args;
  const where = (k: string) => {
    const l = state.first.get(k);
    return l ? `${l.file}:${l.line}` : 'ssh config';
  };
  const user = get('user')?.[0] ?? input.local.user;
  const port = get('port') ? parsePort(get('port')![0], where('port')) : 22;
  const hostKeyAlias = get('hostkeyalias')?.[0]?.toLowerCase();
  const tokens: TokenValues = {
    homeDir: input.local.homeDir,
    localUser: input.local.user,
    hostname,
    user,
    port,
    originalHost: input.host,
    hostKeyAlias,
    localHostname: input.local.hostname,
    uid: input.local.uid,
  };
  out.set('user', [user]);
  out.set('hostname', [hostname]);
  out.set('port', [String(port)]);
  out.set('identityfile', state.identityFiles.length > 0 ? state.identityFiles : DEFAULT_IDENTITY_FILES);
  out.set('identitiesonly', [flag(get('identitiesonly')?.[0], 'no', where('identitiesonly'))]);
  const agent = get('identityagent')?.[0];
  if (agent !== undefined) {
    const plain = agent === 'none' || agent === 'SSH_AUTH_SOCK' || agent.startsWith('$');
    out.set('identityagent', [plain ? agent : expandEnv(expandPath(agent, tokens, where('identityagent')), input.env, where('identityagent'))]);
  }
  const jump = get('proxyjump')?.[0];
  if (jump !== undefined && jump !== 'none') out.set('proxyjump', [jump]);
  out.set('serveraliveinterval', [String(seconds(get('serveraliveinterval')?.[0], 0, where('serveraliveinterval')))]);
  out.set('serveralivecountmax', [String(integer(get('serveralivecountmax')?.[0], 3, where('serveralivecountmax')))]);
  const timeout = get('connecttimeout')?.[0];
  out.set('connecttimeout', [timeout === undefined || timeout === 'none' ? 'none' : String(seconds(timeout, 0, where('connecttimeout')))]);
  const userFiles = get('userknownhostsfile') ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
  out.set('userknownhostsfile', [userFiles.map((f) => expandPath(f, tokens, where('userknownhostsfile'))).join(' ')]);
  out.set('globalknownhostsfile', [(get('globalknownhostsfile') ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']).join(' ')]);
  out.set('stricthostkeychecking', [strictness(get('stricthostkeychecking')?.[0], where('stricthostkeychecking'))]);
  out.set('hashknownhosts', [flag(get('hashknownhosts')?.[0], 'no', where('hashknownhosts'))]);
  if (hostKeyAlias !== undefined) out.set('hostkeyalias', [hostKeyAlias]);
  return out;
}

function flag(value: string | undefined, fallback: string, where: string): string {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (v === 'yes' || v === 'true') return 'yes';
  if (v === 'no' || v === 'false') return 'no';
  throw new RunbookError('config', `${where}: expected yes or no, got "${value}"`, 'Write yes or no.');
}

function strictness(value: string | undefined, where: string): string {
  if (value === undefined) return 'ask';
  const v = value.toLowerCase();
  if (v === 'yes' || v === 'true') return 'true';
  if (v === 'no' || v === 'false' || v === 'off') return 'false';
  if (v === 'ask' || v === 'accept-new') return v;
  throw new RunbookError(
    'config',
    `${where}: StrictHostKeyChecking must be yes, no, ask or accept-new, got "${value}"`,
    'Use one of yes, no, ask, accept-new.',
  );
}

function parsePort(value: string, where: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) {
    throw new RunbookError('config', `${where}: bad port "${value}"`, 'Use a number from 1 to 65535.');
  }
  return n;
}

function integer(value: string | undefined, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new RunbookError('config', `${where}: expected a whole number, got "${value}"`, 'Write a number like 3.');
  return Number(value);
}

/** convtime(): `90`, `1m30s`, `1h`; units s m h d w. */
export function seconds(value: string | undefined, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  const units: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  const re = /(\d+)([smhdwSMHDW]?)/y;
  let pos = 0;
  while (pos < value.length) {
    re.lastIndex = pos;
    const m = re.exec(value);
    if (!m) throw new RunbookError('config', `${where}: bad time "${value}"`, 'Write seconds (30) or a time like 1m30s.');
    total += Number(m[1]) * units[m[2].toLowerCase()];
    pos = re.lastIndex;
  }
  return total;
}
