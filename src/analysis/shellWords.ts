// A small POSIX shell reader for analysis: a command's simple commands, pipelines, redirections and
// heredoc bodies, with offsets, reading quotes, `$(...)`, backquotes and `${...}` the way sh does.
// It does not run or expand anything; constructs it does not know stay plain words.

export interface Word {
  start: number;
  end: number;
  /** The word without its quotes and backslashes (expansions kept as written). */
  text: string;
}

export interface SimpleCommand {
  words: Word[];
  /** Words given as `<<<` here-strings. */
  hereStrings: Word[];
  /** Heredoc bodies (offsets of the text between the operator's line and the delimiter line). */
  heredocs: { start: number; end: number }[];
  start: number;
  end: number;
}

/** Commands joined by `|`; a command list is a series of pipelines. */
export type Pipeline = SimpleCommand[];

interface Token {
  kind: 'word' | 'op' | 'redirect' | 'newline';
  start: number;
  end: number;
  text: string;
}

const REDIRECT = /^(?:\d*(?:<<<|<<-|<<|<>|<&|>&|>>|>\||<|>)|&>>?)/;
const OPERATOR = /^(?:&&|\|\||;;|\|&|[;&|()])/;

/** Every pipeline in `text`, including those inside `$(...)` and backquotes (listed after their outer one). */
export function readPipelines(text: string): Pipeline[] {
  const out: Pipeline[] = [];
  readList(text, 0, undefined, out);
  return out;
}

/** Reads commands from `from` until `until` (`)` or a backquote) or the end; returns the offset after it. */
function readList(text: string, from: number, until: ')' | '`' | undefined, out: Pipeline[]): number {
  const tokens: Token[] = [];
  const heredocs: { delimiter: string; strip: boolean; command: number }[] = [];
  const bodies: { start: number; end: number; token: number }[] = [];
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
    } else if (c === until) {
      i++;
      break;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '\n') {
      tokens.push({ kind: 'newline', start: i, end: i + 1, text: '\n' });
      i++;
      // Heredoc bodies start on the line after their operator.
      for (const doc of heredocs.splice(0)) {
        const start = i;
        let end = text.length;
        while (i < text.length) {
          const lineEnd = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
          const line = text.slice(i, lineEnd);
          if ((doc.strip ? line.replace(/^\t+/, '') : line) === doc.delimiter) {
            end = i;
            i = Math.min(text.length, lineEnd + 1);
            break;
          }
          i = lineEnd + 1;
        }
        bodies.push({ start, end: Math.min(end, text.length), token: doc.command });
      }
    } else {
      const rest = text.slice(i, i + 4);
      const redirect = REDIRECT.exec(rest);
      const operator = redirect ? undefined : OPERATOR.exec(rest);
      if (redirect) {
        tokens.push({ kind: 'redirect', start: i, end: i + redirect[0].length, text: redirect[0].replace(/^\d+/, '') });
        i += redirect[0].length;
      } else if (operator) {
        tokens.push({ kind: 'op', start: i, end: i + operator[0].length, text: operator[0] });
        i += operator[0].length;
      } else {
        const word = readWord(text, i, until, out);
        tokens.push({ kind: 'word', start: i, end: word.end, text: word.text });
        i = word.end;
        const previous = tokens[tokens.length - 2];
        if (previous?.kind === 'redirect' && previous.text.startsWith('<<') && previous.text !== '<<<') {
          heredocs.push({ delimiter: word.text, strip: previous.text === '<<-', command: tokens.length - 1 });
        }
      }
    }
  }
  group(tokens, bodies, out);
  return i;
}

/** One word from `i`: quotes, escapes and expansions belong to it; nested commands are read on the way. */
function readWord(text: string, i: number, until: string | undefined, out: Pipeline[]): { end: number; text: string } {
  let plain = '';
  while (i < text.length) {
    const c = text[i];
    if (c === until || ' \t\n;&|<>()'.includes(c)) break;
    if (c === "'") {
      const close = text.indexOf("'", i + 1);
      const end = close < 0 ? text.length : close;
      plain += text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          plain += text[i + 1] ?? '';
          i += 2;
        } else if (text.startsWith('$(', i) || text[i] === '`' || text.startsWith('${', i)) {
          const end = readExpansion(text, i, out);
          plain += text.slice(i, end);
          i = end;
        } else plain += text[i++];
      }
      i++;
    } else if (c === '\\') {
      plain += text[i + 1] ?? '';
      i += 2;
    } else if (text.startsWith('$(', i) || c === '`' || text.startsWith('${', i)) {
      const end = readExpansion(text, i, out);
      plain += text.slice(i, end);
      i = end;
    } else {
      plain += c;
      i++;
    }
  }
  return { end: Math.min(i, text.length), text: plain };
}

/** `$(...)`, `$((...))`, backquotes, `${...}` from `i`; returns the offset after. */
function readExpansion(text: string, i: number, out: Pipeline[]): number {
  if (text.startsWith('$((', i) || text.startsWith('${', i)) {
    const [open, close] = text[i + 1] === '{' ? ['{', '}'] : ['(', ')'];
    let depth = 0;
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === open) depth++;
      else if (text[j] === close && --depth === 0) return text.startsWith('$((', i) ? Math.min(text.length, j + 2) : j + 1;
    }
    return text.length;
  }
  if (text[i] === '`') return readList(text, i + 1, '`', out);
  return readList(text, i + 2, ')', out);
}

/** Tokens into pipelines of simple commands. */
function group(tokens: Token[], bodies: { start: number; end: number; token: number }[], out: Pipeline[]): void {
  let pipeline: Pipeline = [];
  let command: SimpleCommand | undefined;
  const finish = (pipe: boolean) => {
    if (command) pipeline.push(command);
    command = undefined;
    if (!pipe && pipeline.length > 0) {
      out.push(pipeline);
      pipeline = [];
    }
  };
  tokens.forEach((token, k) => {
    if (token.kind === 'newline' || token.kind === 'op') {
      finish(token.text === '|' || token.text === '|&');
      return;
    }
    command ??= { words: [], hereStrings: [], heredocs: [], start: token.start, end: token.end };
    command.end = token.end;
    if (token.kind === 'redirect') return;
    const previous = tokens[k - 1];
    const word: Word = { start: token.start, end: token.end, text: token.text };
    if (previous?.kind === 'redirect') {
      if (previous.text === '<<<') command.hereStrings.push(word);
      for (const body of bodies) if (body.token === k) command.heredocs.push({ start: body.start, end: body.end });
      return;
    }
    command.words.push(word);
  });
  finish(false);
}
