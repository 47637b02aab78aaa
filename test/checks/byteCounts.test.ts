// ByteCounts (the socket parsers' counts per address, port, command) against the plain way: a Map of
// decoded strings. Generated keys: ASCII (cut from one decoded text), multi-byte UTF-8, and invalid
// UTF-8 byte strings that decode to the same text (their counts add up, as the Map's would).
import assert from 'node:assert/strict';
import { ByteCounts } from '../../src/checks/parsers/bytes';

/** A small deterministic generator, so a failure names its seed. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

const alphabets: Record<string, number[][]> = {
  ascii: [[0x31], [0x32], [0x2e], [0x3a], [0x61], [0x2a]],
  utf8: [[0x31], [0x2e], [0xc3, 0xa9], [0xe2, 0x82, 0xac]],
  // 0xff and a lone 0xc3 both decode to U+FFFD: distinct byte keys, one text.
  invalid: [[0x31], [0xff], [0xc3], [0x2e]],
};

function reference(keys: Buffer[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k.toString('utf8'), (out.get(k.toString('utf8')) ?? 0) + 1);
  return out;
}

describe('ByteCounts', () => {
  for (const [name, alphabet] of Object.entries(alphabets)) {
    it(`counts ${name} keys like a Map of decoded strings (values, order, copyTo, max, name)`, () => {
      for (let seed = 1; seed <= 40; seed++) {
        const random = generator(seed);
        const keys: Buffer[] = [];
        const n = 1 + Math.floor(random() * 300);
        for (let i = 0; i < n; i++) {
          const parts: number[] = [];
          const length = Math.floor(random() * 4);
          for (let j = 0; j < length; j++) parts.push(...alphabet[Math.floor(random() * alphabet.length)]!);
          keys.push(Buffer.from(parts));
        }
        // Keys sit inside a larger line, as they do in a row.
        const counts = new ByteCounts();
        const indexes = keys.map((k) => {
          const line = Buffer.concat([Buffer.from('x '), k, Buffer.from(' y')]);
          return counts.add(line, 2, 2 + k.length);
        });
        const expected = reference(keys);
        assert.deepEqual([...counts.toMap()], [...expected], `seed ${seed}`);
        assert.deepEqual(Object.entries(counts.copyTo(Object.create(null) as Record<string, number>, true)), [...expected], `seed ${seed}`);
        const base = Object.create(null) as Record<string, number>;
        base[keys[0]!.toString('utf8')] = 10;
        assert.equal(counts.copyTo(base)[keys[0]!.toString('utf8')], 10 + expected.get(keys[0]!.toString('utf8'))!, `seed ${seed}: adds to what is there`);
        let best: { key: string; count: number } | undefined;
        for (const [key, count] of expected) if (!best || count > best.count) best = { key, count };
        assert.deepEqual(counts.max(), best, `seed ${seed}`);
        keys.forEach((k, i) => assert.equal(counts.name(indexes[i]!), k.toString('utf8'), `seed ${seed}`));
      }
    });
  }

  it('past its limit counts the rest as dropped and names them (other)', () => {
    const counts = new ByteCounts(2);
    const line = Buffer.from('a b c a');
    const indexes = [0, 2, 4, 6].map((at) => counts.add(line, at, at + 1));
    assert.deepEqual(indexes, [0, 1, -1, 0]);
    assert.equal(counts.dropped, 1);
    assert.equal(counts.name(-1), '(other)');
    assert.deepEqual(
      [...counts.toMap()],
      [
        ['a', 2],
        ['b', 1],
      ],
    );
    assert.equal(new ByteCounts().max(), undefined);
  });
});
