// Replaces IP addresses and known host names with stable stand-ins (`ip-1`, `host-1`), for a
// report shared outside the team. The same value always gets the same stand-in within one redactor.

const IPV4 = String.raw`(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w]|\.\d)`;
// Full 8-group form, or any form with `::`; bare `hh:mm:ss` times and MAC addresses have neither.
const H = '[0-9A-Fa-f]{1,4}';
const IPV6 = String.raw`(?<![\w:])(?:(?:${H}:){7}${H}|(?:${H}:){0,6}${H}?::(?:${H}:){0,6}(?:${H}|(?:\d{1,3}\.){3}\d{1,3})?)(?![\w:])`;

/** Loopback, unspecified and wildcard addresses say nothing about the site: kept. */
const KEEP = new Set(['127.0.0.1', '0.0.0.0', '255.255.255.255', '::', '::1']);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Anonymizer {
  private readonly ips = new Map<string, string>();
  private readonly hostNames = new Map<string, string>();
  private readonly ipPattern = new RegExp(`${IPV6}|${IPV4}`, 'g');
  private hostPattern: RegExp | undefined;

  constructor(hosts: readonly string[] = []) {
    this.addHosts(hosts);
  }

  /** Host names to hide (from the incident's targets, ssh config, the journal). IPs need not be listed. */
  addHosts(hosts: readonly string[]): void {
    for (const host of hosts) {
      const name = host.trim();
      if (name.length < 2 || this.hostNames.has(name) || new RegExp(`^(?:${IPV4}|${IPV6})$`).test(name)) continue;
      if (name === 'localhost') continue;
      this.hostNames.set(name, `host-${this.hostNames.size + 1}`);
    }
    const names = [...this.hostNames.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.hostPattern = names.length ? new RegExp(`(?<![\\w.-])(?:${names.join('|')})(?![\\w-]|\\.\\w)`, 'g') : undefined;
  }

  anonymize(text: string): string {
    let result = text.replace(this.ipPattern, (ip) => {
      if (KEEP.has(ip) || ip.startsWith('127.')) return ip;
      let standIn = this.ips.get(ip);
      if (!standIn) {
        standIn = `ip-${this.ips.size + 1}`;
        this.ips.set(ip, standIn);
      }
      return standIn;
    });
    if (this.hostPattern) result = result.replace(this.hostPattern, (name) => this.hostNames.get(name) ?? name);
    return result;
  }
}
