// Masks secrets the user typed (passwords, passphrases, secret parameters) wherever they show up
// in text, including the encoded forms a command line or an HTTP header would carry.

export const SECRET_PLACEHOLDER = '[REDACTED:secret]';

/** Values shorter than this are not masked: masking "1" or "ab" would shred ordinary output. */
const MIN_SECRET_LENGTH = 4;

/** The forms of one secret worth looking for: as typed, base64 (with and without padding), URL-encoded. */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret]);
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  forms.add(Buffer.from(secret, 'utf8').toString('base64url'));
  forms.add(encodeURIComponent(secret));
  // Form encoding writes spaces as `+`; lower-case hex escapes appear in some tools' output.
  forms.add(encodeURIComponent(secret).replace(/%20/g, '+'));
  forms.add(encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  // RFC 3986 strict encoding also escapes ! ' ( ) * (curl --data-urlencode, Python's quote(safe='')).
  const strict = encodeURIComponent(secret).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  forms.add(strict);
  forms.add(strict.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  // Every byte outside letters and digits escaped, or every byte escaped, in upper and lower case hex,
  // as HTTP clients, proxies and shell one-liners (od | sed) write them.
  const bytes = [...Buffer.from(secret, 'utf8')];
  const hex = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');
  const mostly = bytes.map((b) => (/[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${hex(b)}`)).join('');
  const every = bytes.map((b) => `%${hex(b)}`).join('');
  for (const form of [mostly, every]) forms.add(form).add(form.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One pass over the text for all forms of all secrets; longest forms first so a form never half-masks another. */
export function exactMasker(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.filter((s) => s.length > 0).flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  const pattern = new RegExp(forms.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, SECRET_PLACEHOLDER);
}
