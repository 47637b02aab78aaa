// reparsedVariables: a `{{value}}` a second shell would parse (the run pipeline refuses such a step,
// `runbook check` warns), on many forms, quoted, unquoted and nested; and the safe forms it must leave alone.

import { strict as assert } from 'node:assert';
import { reparsedVariables } from '../../src/analysis/reparse';
import { parseRunbook } from '../../src/runbook/parse';
import { analyzeRunbook } from '../../src/analysis/analyze';

const found = (command: string) => reparsedVariables(command).map((v) => `${v.name}@${v.offset} ${v.construct}`);

describe('values parsed again by a shell', () => {
  const reparsed: [string, string[]][] = [
    ["sh -c 'kill {{pid}}'", ['pid@12 sh -c']],
    ['bash -c "echo {{x}}"', ['x@14 bash -c']],
    ['sh -c kill\\ {{pid}}', ['pid@12 sh -c']],
    ['bash -lc "ls {{dir}}"', ['dir@13 bash -c']],
    ['timeout 5 sh -xc "{{x}}"', ['x@18 sh -c']],
    ['sudo -u root bash -c "kill {{pid}}"', ['pid@27 bash -c']],
    ['kubectl exec pod -- sh -c "ls {{x}}"', ['x@30 sh -c']],
    ['find / -exec sh -c "rm {{n}}" \\;', ['n@23 sh -c']],
    ['echo "$(sh -c "echo {{x}}")"', ['x@20 sh -c']],
    ['eval {{cmd}}', ['cmd@5 eval']],
    ['eval "ls {{dir}}"', ['dir@9 eval']],
    ['echo `eval {{x}}`', ['x@11 eval']],
    ['ssh web-1 cat {{file}}', ['file@14 ssh']],
    ["ssh -p 22 -o BatchMode=yes web-1 'cat {{file}}'", ['file@38 ssh']],
    ["su - app -c 'ls {{dir}}'", ['dir@16 su -c']],
    ['su -c "ls {{dir}}" app', ['dir@10 su -c']],
    ['runuser -u app --command="ls {{d}}"', ['d@29 runuser -c']],
    ['echo {{x}} | sh', ['x@5 | sh']],
    ['echo {{ x }} | bash -s', ['x@5 | bash']],
    ['printf %s {{x}} | ssh web-1', ['x@10 | ssh']],
    ["echo {{x}} | xargs sh -c 'echo $0'", ['x@5 | xargs sh']],
    ["echo {{x}} | xargs -I{} bash -c 'kill {}'", ['x@5 | xargs bash']],
    ["cat <<'EOF' | sh\n{{x}}\nEOF", ['x@17 heredoc into sh']],
    ['sh <<EOF\nkill {{pid}}\nEOF', ['pid@14 heredoc into sh']],
    ['ssh web-1 <<-END\n\tkill {{pid}}\n\tEND', ['pid@23 heredoc into ssh']],
    ['bash <<< {{x}}', ['x@9 <<< to bash']],
    ['watch -n 1 ls {{x}}', ['x@14 watch']],
    ["if true; then sh -c 'ls {{a}}'; fi", ['a@24 sh -c']],
    ["ls {{a}} && sh -c 'ls {{b}}'", ['b@22 sh -c']],
  ];
  for (const [command, want] of reparsed) {
    it(`finds ${want.join(', ')} in ${JSON.stringify(command)}`, () => assert.deepEqual(found(command), want));
  }

  const safe = [
    'ls {{x}}',
    "grep '{{x}}' file",
    'grep "{{x}}" file',
    'sh -c \'echo "$1"\' _ {{x}}',
    'find / -name {{n}} -exec sh -c \'rm "$1"\' _ {} \\;',
    'ssh -p 22 -o BatchMode=yes {{host}} uptime',
    'ssh {{host}}',
    'bash script.sh {{x}}',
    '# sh -c {{x}}\necho {{y}}',
    'cat <<< {{x}}',
    // A heredoc read as data: the value is expanded once and never parsed again (script.ts).
    'cat <<EOF\nhello {{x}}\nEOF\necho {{y}}',
    'echo {{x}} | grep y',
    'sudo kill {{pid}}',
    'watch -x ls {{x}}',
    'echo sh -c',
  ];
  for (const command of safe) {
    it(`leaves ${JSON.stringify(command)} alone`, () => assert.deepEqual(found(command), []));
  }

  it('runbook check warns at the variable, names it and the construct, and says what to do', () => {
    const text = '```sh {id=a}\nuptime\n```\n\n```check\nextract:\n  pid: \'pid=(\\d+)\'\n```\n\n```sh {id=b confirm}\necho start\nsh -c "kill {{pid}}"\n```\n';
    const d = analyzeRunbook(parseRunbook(text, 'x.runbook.md')).filter((x) => x.code === 'value-parsed-again');
    assert.equal(d.length, 1);
    assert.deepEqual(d[0].range, { start: { line: 11, character: 12 }, end: { line: 11, character: 19 } });
    assert.equal(d[0].severity, 'warning');
    assert.match(
      d[0].message,
      /^line 12: \{\{pid\}\} is parsed again by a shell \(sh -c\).*pass the value as an argument after the script instead: sh -c '\.\.\. "\$1"' _ \{\{pid\}\}/,
    );
  });
});
