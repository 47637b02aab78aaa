// The text of a `samples=N` run holds each sample under a "── sample i of N at TIME ──" line
// (runStep.ts). Splitting it back gives the replay the samples its `delta.`/`rate.` rules need.

export interface SampleText {
  at: Date;
  text: string;
}

const HEADING = /^── sample (\d+) of (\d+) at (\S+) ──\n/gm;

/**
 * The samples of one stream, or [] when the text is not a sampled run. Only the first complete
 * sequence 1..N counts: a saved output is stdout then stderr, and stderr's own headings start at 1
 * again; the last sample ends there, so stderr never reads as stdout.
 */
export function splitSampleText(text: string): SampleText[] {
  const marks = [...text.matchAll(HEADING)];
  if (marks.length < 2) return [];
  const total = Number(marks[0][2]);
  if (Number(marks[0][1]) !== 1 || total < 2 || marks.length < total) return [];
  const sequence = marks.slice(0, total);
  if (sequence.some((m, i) => Number(m[1]) !== i + 1 || Number(m[2]) !== total)) return [];
  const end = marks.length > total ? marks[total].index : text.length;
  return sequence.map((m, i) => {
    const from = m.index + m[0].length;
    const to = i + 1 < total ? sequence[i + 1].index : end;
    return { at: new Date(m[3]), text: text.slice(from, to) };
  });
}
