// Where a `{{value}}` in a command would be read as shell code a second time: inside the script of
// `sh -c`, after `eval`, in the remote command of `ssh host ...`, in `su -c`, in what a pipe feeds to a
// shell (`| sh`, `| xargs sh`), or in a heredoc that a shell reads as its script. The engine expands each
// value once, for the step's own shell; a second shell parses that text again, so `'` or `$(...)` in it runs.

import { readPipelines, type SimpleCommand, type Word } from './shellWords';

export interface ReparsedVariable {
  /** The variable as written between the braces. */
  name: string;
  /** The construct that parses it again, in shell words: `sh -c`, `eval`, `ssh`, `heredoc`... */
  construct: string;
  /** Offset of its `{{` in the command. */
  offset: number;
}

const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'yash', 'posh', 'fish']);
/** Commands that run the command after them as its own process (its words are not parsed again). */
const WRAPPERS = new Set(['sudo', 'doas', 'env', 'nohup', 'exec', 'command', 'nice', 'ionice', 'timeout', 'stdbuf', 'setsid', 'time', 'builtin']);
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}', 'fi', 'done']);
/** ssh options that take an argument (OpenSSH 9). */
const SSH_ARGUMENT = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));
/** Options of each wrapper (and xargs) that take the next word as their argument. */
const WRAPPER_ARGUMENT: Record<string, string[]> = {
  sudo: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '-T'],
  doas: ['-u', '-C'],
  env: ['-u', '-C', '-S'],
  nice: ['-n'],
  ionice: ['-c', '-n', '-p'],
  timeout: ['-s', '-k'],
  stdbuf: ['-i', '-o', '-e'],
  exec: ['-a'],
  xargs: ['-I', '-L', '-n', '-P', '-s', '-d', '-E', '-a'],
};

interface Zone {
  start: number;
  end: number;
  construct: string;
}

/**
 * Variables of `command` that a shell would parse again, each with the construct and where it is.
 * Pure: the run pipeline calls it to refuse such a step, `runbook check` to warn about it.
 */
export function reparsedVariables(command: string): ReparsedVariable[] {
  const variables = [...command.matchAll(VARIABLE)];
  if (variables.length === 0) return [];
  // `{{ name }}` is one word for the engine: read it as one word here too.
  const text = command.replace(VARIABLE, (m) => m.replace(/\s/g, '_'));
  const zones: Zone[] = [];
  for (const pipeline of readPipelines(text)) zonesOfPipeline(pipeline, zones);
  const out: ReparsedVariable[] = [];
  for (const m of variables) {
    const zone = zones.find((z) => m.index >= z.start && m.index < z.end);
    if (zone) out.push({ name: m[1], construct: zone.construct, offset: m.index });
  }
  return out;
}

function zonesOfPipeline(pipeline: SimpleCommand[], zones: Zone[]): void {
  const readers = pipeline.map((command) => zonesOfCommand(command, zones));
  pipeline.forEach((command, k) => {
    const reader = readers[k];
    // What earlier commands of the pipeline print becomes the script of a shell that reads its input.
    if (reader && k > 0) zones.push({ start: pipeline[0].start, end: pipeline[k - 1].end, construct: `| ${reader}` });
    // A heredoc body is data (a value there expands once, never re-parsed) unless a shell reads it as
    // its script: this command, or one later in the pipe that its output flows into.
    const downstream = readers.slice(k).find((r) => r !== undefined) ?? (command.words[0]?.text === 'ssh' ? 'ssh' : undefined);
    if (downstream) for (const body of command.heredocs) zones.push({ ...body, construct: `heredoc into ${downstream}` });
  });
}

/** Adds the command's own zones; returns the construct's name when it reads shell code on its input. */
function zonesOfCommand(command: SimpleCommand, zones: Zone[]): string | undefined {
  const words = command.words;
  // `sh -c SCRIPT` anywhere in the words: after sudo, xargs, find -exec, kubectl exec --, timeout...
  for (let k = 0; k < words.length; k++) {
    if (!SHELLS.has(base(words[k]))) continue;
    const script = shellScript(words, k + 1);
    if (script) zones.push({ ...span(script), construct: `${base(words[k])} -c` });
  }
  let k = 0;
  while (k < words.length && (RESERVED.has(words[k].text) || /^[A-Za-z_]\w*=/.test(words[k].text))) k++;
  let xargs = false;
  while (k < words.length && (WRAPPERS.has(base(words[k])) || base(words[k]) === 'xargs')) {
    xargs ||= base(words[k]) === 'xargs';
    k = skipOptions(words, k + 1, WRAPPER_ARGUMENT[base(words[k])] ?? []);
    // `timeout 5 cmd`, `env A=1 cmd`
    while (k < words.length && (/^\d+(\.\d+)?[smhd]?$/.test(words[k].text) || /^[A-Za-z_]\w*=/.test(words[k].text))) k++;
  }
  const name = k < words.length ? base(words[k]) : '';
  const rest = words.slice(k + 1);
  const readsInput = (what: string) => {
    for (const word of command.hereStrings) zones.push({ ...span(word), construct: `<<< to ${what}` });
    return xargs ? `xargs ${what}` : what;
  };
  // `xargs sh -c 'kill {}'`: what the pipe gives xargs lands in the shell's script or its words.
  if (xargs && SHELLS.has(name)) return readsInput(name);
  if (name === 'eval' && rest.length > 0) {
    zones.push({ start: rest[0].start, end: rest[rest.length - 1].end, construct: 'eval' });
  } else if (name === 'ssh') {
    const remote = sshRemoteCommand(rest);
    if (remote.length > 0) zones.push({ start: remote[0].start, end: remote[remote.length - 1].end, construct: 'ssh' });
    else return readsInput('ssh');
  } else if (name === 'su' || name === 'runuser') {
    const script = suCommand(rest);
    if (script) zones.push({ ...span(script), construct: `${name} -c` });
    else return readsInput(name);
  } else if (name === 'watch' && !rest.some((w) => /^-[a-z]*x|^--exec$/.test(w.text))) {
    const i = skipOptions(rest, 0, ['-n', '-d', '-g', '-q', '-w']);
    if (i < rest.length) zones.push({ start: rest[i].start, end: rest[rest.length - 1].end, construct: 'watch' });
  } else if (SHELLS.has(name) && !shellScript(words, k + 1) && !hasScriptFile(words, k + 1)) {
    return readsInput(name);
  }
  return undefined;
}

/** The script word of `sh [options] -c SCRIPT`, given the words after the shell's name. */
function shellScript(words: Word[], from: number): Word | undefined {
  let c = false;
  for (let i = from; i < words.length; i++) {
    const w = words[i].text;
    if (w === '--') return c ? words[i + 1] : undefined;
    if (/^[-+]o$/.test(w) || w === '--rcfile' || w === '--init-file') {
      i++;
      continue;
    }
    if (/^-[A-Za-z]+$/.test(w)) {
      c ||= w.includes('c');
      continue;
    }
    if (/^(--|\+)[\w-]*$/.test(w)) continue;
    return c ? words[i] : undefined;
  }
  return undefined;
}

/** `sh script.sh` runs a file, not its input. */
function hasScriptFile(words: Word[], from: number): boolean {
  for (let i = from; i < words.length; i++) {
    const w = words[i].text;
    if (w === '-s') return false;
    if (/^[-+]o$/.test(w)) i++;
    else if (!/^[-+]/.test(w)) return true;
  }
  return false;
}

/** The words after `ssh [options] host`: the command the remote shell parses. */
function sshRemoteCommand(words: Word[]): Word[] {
  for (let i = 0; i < words.length; i++) {
    const w = words[i].text;
    if (w === '--') return words.slice(i + 2);
    if (/^-[A-Za-z0-9]+$/.test(w)) {
      // In a cluster like `-tp22`, the first letter taking an argument takes the rest (or the next word).
      for (let j = 1; j < w.length; j++) {
        if (SSH_ARGUMENT.has(w[j])) {
          if (j === w.length - 1) i++;
          break;
        }
      }
      continue;
    }
    return words.slice(i + 1);
  }
  return [];
}

/** The command of `su [options] [user] -c COMMAND` (or `--command=COMMAND`). */
function suCommand(words: Word[]): Word | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i].text;
    if (w === '-c' || w === '--command' || w === '--session-command') return words[i + 1];
    if (/^--(session-)?command=/.test(w)) return words[i];
    if (/^-c./.test(w)) return words[i];
  }
  return undefined;
}

function skipOptions(words: Word[], i: number, withArgument: string[]): number {
  while (i < words.length && /^-/.test(words[i].text) && words[i].text !== '--') {
    i += withArgument.includes(words[i].text) ? 2 : 1;
  }
  return words[i]?.text === '--' ? i + 1 : i;
}

function base(word: Word): string {
  return word.text.replace(/^.*\//, '');
}

function span(word: Word): { start: number; end: number } {
  return { start: word.start, end: word.end };
}
