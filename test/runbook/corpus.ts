// Generated files for the round-trip suite: line endings, BOM, tabs, trailing spaces, nested fences,
// HTML, tables, lists with code, and malformed shapes. Each entry is one file's full text.

import { renderSavedOutput } from '../../src/runbook/savedOutput';
import type { SavedOutput } from '../../src/runbook/model';

export const sampleOutput: SavedOutput = {
  step: 'conntrack',
  host: 'web-1',
  startedAt: '2026-11-23T16:30:01.000Z',
  durationMs: 212,
  exitCode: 0,
  termination: 'exit',
  text: 'net.netfilter.nf_conntrack_count = 65210\nnet.netfilter.nf_conntrack_max = 65536\n',
  truncated: false,
  values: { count: 65210, max: 65536 },
  findings: [{ severity: 'critical', message: 'conntrack table 65210/65536', hint: 'raise nf_conntrack_max', rule: 0, when: 'count >= max * 0.9' }],
  next: 'drops',
  why: 'count >= max * 0.9',
  runId: 'run-1',
};

const runbook = (eol: string) =>
  [
    '---',
    'title: Conntrack table full',
    'hosts: [web-1, web-2]',
    'params:',
    '  port: {default: "8080", type: port}',
    '---',
    '',
    '# Conntrack table full',
    '',
    'Symptoms: `nf_conntrack: table full, dropping packet` in the kernel log.',
    '',
    '```sh {id=conntrack title="Conntrack usage" timeout=10s}',
    'sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max',
    '```',
    '',
    '```check',
    'parse: sysctl',
    'values:',
    '  count: net.netfilter.nf_conntrack_count',
    'findings:',
    '  - when: count >= max * 0.9',
    '    severity: critical',
    '    message: conntrack table {{count}}/{{max}}',
    '    next: drops',
    '```',
    '',
    renderSavedOutput(sampleOutput, eol).replace(/\r?\n$/, ''),
    '',
    '## Drops',
    '',
    '```bash {"id":"drops","confirm":true}',
    'dmesg | grep conntrack',
    '```',
    '',
  ].join(eol);

export function generatedCorpus(): Record<string, string> {
  const lf = runbook('\n');
  return {
    'a full runbook with LF': lf,
    'a full runbook with CRLF': runbook('\r\n'),
    'mixed line endings': lf
      .split('\n')
      .map((line, n) => line + (n % 3 === 0 ? '\r\n' : n % 3 === 1 ? '\n' : '\r'))
      .join(''),
    'a BOM': '\uFEFF' + lf,
    'a BOM and CRLF without front matter': '\uFEFF# T\r\n\r\n```sh\r\nls\r\n```\r\n',
    'tabs and trailing spaces': '# T  \n\n\tindented code\t\n\n```sh {id=t}\t\n\techo \t x   \n```   \n\ntrailing   \n  \n\t\n',
    'no final newline after prose': '# Title\n\nText',
    'no final newline after a step': '```sh {id=x}\nls\n```',
    'no final newline after a check': '```sh\nls\n```\n```check\nparse: ss-tan\n```',
    'no final newline after front matter': '---\ntitle: x\n---',
    'nested fences': '~~~~markdown\n```sh\nnot a step\n```\n~~~~\n\n`````sh {id=outer}\necho "````"\n```\n`````\n',
    'html blocks': '<div>\n\n```sh\nls\n```\n\n</div>\n\n<!-- a comment\n```sh\nnot a step\n```\n-->\n<details><summary>s</summary>\n\ntext\n</details>\n',
    tables: '| a | b |\n|---|---|\n| `ls` | x |\n\n```sh\nls\n```\n',
    'lists with code': '- item\n\n  ```sh\n  echo inside list\n  ```\n\n> ```sh\n> echo quoted\n> ```\n\n1. one\n   ```check\n   parse: x\n   ```\n',
    'empty file': '',
    'only blank lines': '\n\n  \n',
    'only front matter': '---\ntitle: only\n---\n',
    'empty front matter': '---\n---\n\ntext\n',
    'unclosed front matter': '---\ntitle: x\n\nno end\n',
    'unclosed fence': '# T\n\n```sh {id=x}\necho never closed\n\nmore\n',
    'bad yaml front matter': '---\ntitle: [unclosed\n---\n\n# T\n',
    'orphan check and output': '```check\nparse: ss\n```\n\n' + renderSavedOutput(sampleOutput, '\n') + '\ntext\n',
    'leading blank lines then heading': '\n\n# T\n\ntext\n',
    'link reference definitions': '[a]: /url\n\n```sh\nls\n```\n[b]: /other\n# H\n',
    'indented fence': '  ```sh {id=ind}\n  echo a\n   echo b\n  ```\n',
    'lone CR line endings': '# T\r\r```sh\rls\r```\r',
    'blank lines with spaces between step and check': '```sh {id=a}\nls\n```\n  \n\t\n```check\nparse: x\n```\n',
    'hostile saved output':
      '```sh {id=s}\nx\n```\n\n' +
      renderSavedOutput({ ...sampleOutput, step: 's', text: '```` </details> --> \x1b[31m\0 \r\n😀 <!-- /runbook:output -->\n' }, '\n'),
    'output followed directly by prose': '```sh {id=conntrack}\nx\n```\n' + renderSavedOutput(sampleOutput, '\n') + 'prose right after\n',
  };
}
