// Bare numbers: `cat /proc/sys/net/netfilter/nf_conntrack_count`, `... | wc -l`, `sysctl -n a b`.
// The `names` option names them in order (`names: [count, max]`).
import type { Parser } from './types';
import { clip, forEachLine, readNumber, unsafeKeys, Warnings } from './text';

export const numbersParser: Parser = {
  info: {
    name: 'numbers',
    summary: 'Numbers, one per line or separated by spaces (`cat /proc/sys/...`, `wc -l`); `names` option names them.',
    commands: [
      'cat /proc/sys/net/netfilter/nf_conntrack_count',
      'netstat -an | grep ESTABLISHED | wc -l',
      'cat /proc/sys/net/netfilter/nf_conntrack_{count,max}',
      'sysctl -n KEY...',
    ],
    values: [
      { name: 'value', type: 'number', description: 'The first number.' },
      { name: 'numbers', type: 'list', description: 'All numbers in order.' },
      { name: '<name>', type: 'number', description: 'With `names: [count, max]`, the first number is `count`, the second `max`.' },
    ],
    options: [{ name: 'names', type: 'list', description: 'Names for the numbers, in order.' }],
  },
  parse(text, options) {
    const numbers: number[] = [];
    const warnings = new Warnings();
    forEachLine(text, (line, n) => {
      for (const token of line.trim().split(/\s+/)) {
        if (token === '') continue;
        const value = readNumber(token);
        if (value === undefined) warnings.add(`line ${n}: "${clip(token, 40)}" is not a number`);
        else numbers.push(value);
      }
    });
    const values: Record<string, unknown> = { value: numbers[0], numbers };
    const names = Array.isArray(options.names) ? options.names.map(String) : [];
    names.forEach((name, i) => {
      if (unsafeKeys.has(name)) warnings.add(`option names: "${name}" cannot be used as a value name`);
      else values[name] = numbers[i];
    });
    if (names.length > numbers.length) warnings.add(`expected ${names.length} numbers (${names.join(', ')}), found ${numbers.length}`);
    if (numbers.length === 0) warnings.add('no number in the output');
    return { values, warnings: warnings.done() };
  },
};
