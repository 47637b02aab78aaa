// Bare numbers: `cat /proc/sys/net/netfilter/nf_conntrack_count`, `... | wc -l`, `sysctl -n a b`.
// The `names` option names them in order (`names: [count, max]`).
import type { LineAccumulator, ParserOptions } from './types';
import { clip, readNumber, unsafeKeys, Warnings } from './text';
import { lineParser } from './byteLines';

/** Numbers kept in `numbers`: a runaway output of digits must not fill the memory. */
const MAX_NUMBERS = 100_000;

export function createNumbersAccumulator(options: ParserOptions): LineAccumulator {
  const numbers: number[] = [];
  const warnings = new Warnings();
  let n = 0;
  let more = 0;
  return {
    push(line) {
      n++;
      for (const token of line.trim().split(/\s+/)) {
        if (token === '') continue;
        const value = readNumber(token);
        if (value === undefined) warnings.add(`line ${n}: "${clip(token, 40)}" is not a number`);
        else if (numbers.length < MAX_NUMBERS) numbers.push(value);
        else more++;
      }
    },
    result() {
      const values: Record<string, unknown> = { value: numbers[0], numbers };
      const names = Array.isArray(options.names) ? options.names.map(String) : [];
      names.forEach((name, i) => {
        if (unsafeKeys.has(name)) warnings.add(`option names: "${name}" cannot be used as a value name`);
        else values[name] = numbers[i];
      });
      if (names.length > numbers.length) warnings.add(`expected ${names.length} numbers (${names.join(', ')}), found ${numbers.length}`);
      if (numbers.length === 0) warnings.add('no number in the output');
      if (more > 0) warnings.add(`${more} numbers after the first ${MAX_NUMBERS} were not kept`);
      return { values, warnings: warnings.done() };
    },
  };
}

export const numbersParser = lineParser(
  {
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
      { name: 'numbers', type: 'list', description: `All numbers in order (at most ${MAX_NUMBERS.toLocaleString('en-US')}).` },
      { name: '<name>', type: 'number', description: 'With `names: [count, max]`, the first number is `count`, the second `max`.' },
    ],
    options: [{ name: 'names', type: 'list', description: 'Names for the numbers, in order.' }],
  },
  createNumbersAccumulator,
);
