// The runbook's text rebuilt from its parts, so analysis can turn spans inside a check block's YAML
// (offsets relative to the YAML) into file positions.

import type { CheckBlock, Position, Range, Runbook } from '../runbook/model';
import type { Span } from '../checks/spec';
import { LineIndex } from '../runbook/lines';

export class RunbookSource {
  private indexed: LineIndex | undefined;

  /** `lines`: the text after the BOM, indexed, when the caller has it already. */
  constructor(
    readonly runbook: Runbook,
    lines?: LineIndex,
  ) {
    this.indexed = lines;
  }

  /** Indexed when first used: the language server's analysis of a big file mostly does not need it. */
  get lines(): LineIndex {
    // Positions in the model are relative to the text after the BOM, which is exactly the parts joined.
    this.indexed ??= new LineIndex(this.runbook.parts.map((p) => p.raw).join(''));
    return this.indexed;
  }

  get text(): string {
    return this.lines.text;
  }

  offsetAt(position: Position): number {
    const line = this.lines.lines[Math.min(position.line, this.lines.lineCount - 1)];
    if (!line) return 0;
    return Math.min(line.start + position.character, line.end);
  }

  /** A span of the check block's YAML (plus an optional extra offset and length inside it) as a file range. */
  checkRange(check: CheckBlock, span: Span, inner?: { offset: number; length: number }): Range {
    const base = this.offsetAt(check.contentRange.start);
    const lead = scalarLead(check.yamlText, span);
    // A block scalar (`|`, `>`) folds its lines: offsets inside it do not map back, so point at all of it.
    if (!inner || lead < 0) return this.lines.range(base + span.start, base + span.end);
    const end = base + Math.max(span.end, span.start + 1);
    // An error at the very end of the text (an unclosed bracket) still gets one character to underline.
    const start = Math.min(base + span.start + lead + inner.offset, end - 1);
    return this.lines.range(start, Math.min(start + Math.max(inner.length, 1), end));
  }

  /** The YAML text of a span, as written (quotes included). */
  spanText(check: CheckBlock, span: Span): string {
    return check.yamlText.slice(span.start, span.end);
  }
}

/** Characters before a scalar's value: 1 for a quoted scalar, 0 for a plain one, -1 for a block scalar. */
function scalarLead(yamlText: string, span: Span): number {
  const first = yamlText[span.start];
  if (first === '|' || first === '>') return -1;
  return first === '"' || first === "'" ? 1 : 0;
}
