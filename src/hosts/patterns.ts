// OpenSSH's host pattern matching (match.c): `*` and `?` wildcards, `!` negation, comma lists.
// Written out rather than taken from npm `ssh-config` so both parsers agree on the exact rules.

/** match_pattern(): the whole string must match; `*` any run, `?` one character; case-sensitive. */
export function matchPattern(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * match_pattern_list(): a comma-separated list where any negated hit vetoes the whole list.
 * `lowerPattern` mirrors OpenSSH lowercasing the patterns (not the text) for host names.
 */
export function matchPatternList(text: string, list: string, lowerPattern: boolean): boolean {
  let positive = false;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    let pattern = negated ? raw.slice(1) : raw;
    if (lowerPattern) pattern = pattern.toLowerCase();
    if (matchPattern(text, pattern)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

/** A `Host` line: active when some pattern matches and no negated one does. */
export function matchHostLine(host: string, patterns: string[]): boolean {
  let active = false;
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    if (matchPattern(host, negated ? raw.slice(1) : raw)) {
      if (negated) return false;
      active = true;
    }
  }
  return active;
}

/** True when a `Host` argument names one machine rather than a pattern. */
export function isConcreteHostName(arg: string): boolean {
  return !/[*?!]/.test(arg) && arg.length > 0;
}
