// Our own secret patterns, for what secretlint's recommended preset lets through in command lines
// and diagnostic output (each one is pinned by a test in test/redact/redactor.test.ts).

export interface SecretPattern {
  /** Shown in the placeholder: `[REDACTED:<name>]`. */
  name: string;
  /** Global regex; when it has a group named `secret`, only that group is replaced. */
  regex: RegExp;
}

export const secretPatterns: readonly SecretPattern[] = [
  {
    // The AWS access key family (gitleaks `aws-access-token`); the preset only flags keys next to an AWS variable name.
    name: 'aws-access-key',
    regex: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b/g,
  },
  {
    // Authorization / Proxy-Authorization headers anywhere (curl -H, wget --header, logs): keep the scheme, hide the credential.
    name: 'authorization-header',
    // After a literal `\n` (printf 'a\nAuthorization: ...') there is no word boundary: accept one there too.
    regex: /(?:\b|(?<=\\[nrt]))(?:proxy-)?authorization\s*:\s*(?:(?:bearer|basic|token|digest|negotiate|apikey)\s+)?(?<secret>[^\s"'\\]+)/gi,
  },
  {
    // API-key style headers in curl command lines (gitleaks `curl-auth-header`).
    name: 'api-key-header',
    regex: /(?:\b|(?<=\\[nrt]))(?:x-api-key|api-key|x-auth-token|x-access-token|private-token)\s*:\s*(?<secret>[^\s"'\\]+)/gi,
  },
  {
    // curl -u user:password / --user user:password.
    name: 'curl-user',
    regex: /(?:\s-u\s*|--user[\s=]+)["']?[^\s:"']+:(?<secret>[^\s"']+)/g,
  },
  {
    // password=..., passwd:..., token=..., secret=..., DB_PASS=... in URLs, config dumps (also JSON and
    // YAML with a quoted key) and environment listings. The secret stops at a backslash, so a literal
    // `\n` in a command line does not swallow the next assignment or header.
    name: 'password-assignment',
    regex:
      /\b(?:[A-Za-z0-9_]*(?:password|passwd|pwd|passphrase|secret|token|api_?key|access_?key)|(?:[A-Za-z0-9]+_)*pass|[A-Za-z0-9_]*_pass)["']?\s*[=:]\s*["']?(?<secret>[^\s"'&;,\\]{3,})/gi,
  },
  {
    // A JSON Web Token anywhere (header.payload.signature, both first parts base64url JSON).
    name: 'jwt',
    regex: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  },
  {
    // user:password@host in any URL scheme (the preset's basic-auth rule covers http(s) only).
    name: 'url-credentials',
    regex: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:(?<secret>[^\s@/"']+)@/gi,
  },
  {
    // Current token formats the preset may lag behind on: GitHub fine-grained and classic tokens,
    // GitLab, Slack, Stripe, npm, OpenAI-style keys (gitleaks rules of the same names).
    name: 'service-token',
    regex:
      /\b(?:github_pat_[A-Za-z0-9_]{22,}|gh[pousr]_[A-Za-z0-9]{36,}|glpat-[A-Za-z0-9_-]{20,}|xox[baprs]-[A-Za-z0-9-]{10,}|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|npm_[A-Za-z0-9]{36}|sk-(?:proj-)?[A-Za-z0-9_-]{32,})\b/g,
  },
  {
    // PEM/OpenSSH private key blocks, also when the END line was cut off by output trimming.
    name: 'private-key',
    regex: /-----BEGIN[A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END[A-Z ]*PRIVATE KEY( BLOCK)?-----|$)/g,
  },
];

/** Applies every pattern; a match that already is a placeholder is left alone. */
export function maskPatterns(text: string, patterns: readonly SecretPattern[] = secretPatterns): string {
  let result = text;
  for (const { name, regex } of patterns) {
    const placeholder = `[REDACTED:${name}]`;
    result = result.replace(regex, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args[args.length - 1] as Record<string, string | undefined> | undefined;
      const secret = typeof groups === 'object' && groups ? groups.secret : undefined;
      if (secret === undefined) return placeholder;
      if (secret.startsWith('[REDACTED')) return match;
      const at = match.lastIndexOf(secret);
      return match.slice(0, at) + placeholder + match.slice(at + secret.length);
    });
  }
  return result;
}
