// Builds diagnostics that name the line (1-based, as people count) and say what to do.

import type { Diagnostic, Range, Severity } from './model';

export function diagnostic(range: Range, severity: Severity, code: string, message: string): Diagnostic {
  return { range, severity, code, message: `line ${range.start.line + 1}: ${message}` };
}
