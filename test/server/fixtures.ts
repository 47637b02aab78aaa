// Runbooks with one kind of mistake each, and a helper that finds where a piece of text stands.

/** Line and character of the `nth` occurrence of `needle` (0-based), plus `offset` characters. */
export function where(text: string, needle: string, offset = 0, nth = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" not found ${nth + 1} times`);
  }
  at += offset;
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - (before.lastIndexOf('\n') + 1) };
}

export const CONNTRACK = `---
title: Conntrack table full
params:
  port: 8080
---

# Conntrack table full

## Usage

\`\`\`sh {id=conntrack title="Conntrack usage" timeout=10s}
cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max
\`\`\`

\`\`\`check
parse: numbers
options: {names: [count, max]}
findings:
  - when: count >= max * 0.9
    severity: critical
    message: conntrack table {{count}}/{{max}}
    next: drops
next: listeners
\`\`\`

## Drops

\`\`\`sh {id=drops title="Kernel drops"}
dmesg -T | grep -c 'table full'
\`\`\`

\`\`\`check
parse: numbers
findings:
  - when: value > 0
    severity: warning
    message: "{{value}} drops in the kernel log"
next: listeners
\`\`\`

## Listeners

\`\`\`sh {id=listeners}
ss -ltn 'sport = :{{port}}'
\`\`\`

\`\`\`check
parse: ss-tan
findings:
  - when: total == 0
    severity: critical
    message: nothing listens on {{port}}
next: end
\`\`\`
`;
