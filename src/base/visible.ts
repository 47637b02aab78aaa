// Text from a host or a runbook made safe to show where it could pass for something else: every
// control character (ESC, CR, NUL, C1, bidi overrides...) becomes a visible symbol, so a terminal
// or a dialog shows what will run, not what an escape sequence paints over it.

const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** C0 controls as Unicode control pictures (U+2400..), DEL as ␡, C1 and bidi marks as <U+XXXX>. Tabs and line feeds stay unless `keepLayout` is false. */
export function visibleControls(text: string, keepLayout = true): string {
  return text
    .replace(/[\u0000-\u001f\u007f]/g, (c) => {
      if (keepLayout && (c === '\n' || c === '\t')) return c;
      return c === '\u007f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0));
    })
    .replace(/[\u0080-\u009f]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`)
    .replace(BIDI, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}
