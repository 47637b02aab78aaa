// Many hosts at once: `ssh -G` bounded (see sshG.ts) and cached per configuration (sshConfig.ts),
// and for large fleets the built-in evaluator instead, once it has been seen to agree with
// `ssh -G` on a sample of the same fleet and the config has nothing it cannot evaluate.

import { RunbookError } from '../base/failure';
import type { ConfigEntry } from './configFile';
import { configFiles, localFacts, resolveHost, type ResolveOptions } from './sshConfig';
import type { HostConfig } from './types';

export interface HostRequest {
  /** The name the user sees (inventory name). */
  name: string;
  /** What ssh_config resolution is asked for. */
  sshName: string;
  overrides: Record<string, string>;
  origin?: string;
  ansible?: HostConfig['ansible'];
}

export interface ManyOptions extends ResolveOptions {
  /**
   * `ssh`: `ssh -G` for every host (bounded, cached). `builtin`: the evaluator for every host.
   * `auto` (default): `ssh -G`, except fleets of at least `builtinFrom` hosts where the evaluator
   * agrees with `ssh -G` on a sample.
   */
  resolver?: 'ssh' | 'builtin' | 'auto';
  builtinFrom?: number;
  /** Told which way a large fleet was resolved and why. */
  onResolver?: (message: string) => void;
}

export const BUILTIN_FROM = 200;
const SAMPLE = 4;
/** Criteria the evaluator skips or cannot know; a config using them stays with `ssh -G`. */
const UNSURE_MATCH = /^!?(exec|localnetwork|tagged|canonical)$/i;
const UNSURE_KEYWORDS = new Set(['canonicalizehostname', 'proxycommand']);

export async function resolveMany(requests: HostRequest[], options: ManyOptions = {}): Promise<HostConfig[]> {
  const trusted = options.trustConfig ?? options.sshConfigPath === undefined;
  let mode = options.resolver ?? 'auto';
  if (mode === 'auto') {
    mode = 'ssh';
    if (trusted && requests.length >= (options.builtinFrom ?? BUILTIN_FROM)) {
      const why = evaluatorUnsure(configFiles(options, localFacts()));
      if (why) options.onResolver?.(`${requests.length} hosts resolved with ssh -G: the config uses ${why}, which only ssh evaluates.`);
      else if (await agreesOnSample(requests, options)) {
        mode = 'builtin';
        options.onResolver?.(`${requests.length} hosts resolved with the built-in evaluator (it agreed with ssh -G on ${SAMPLE} of them).`);
      } else options.onResolver?.(`${requests.length} hosts resolved with ssh -G: the built-in evaluator disagreed with it on a sample.`);
    }
  }
  const resolveOptions: ResolveOptions = mode === 'builtin' ? { ...options, trustConfig: false } : options;
  // ssh -G is bounded in sshG.ts; the evaluator is synchronous. All promises at once is fine either way.
  return Promise.all(requests.map((r) => resolveOne(r, resolveOptions)));
}

async function resolveOne(r: HostRequest, options: ResolveOptions): Promise<HostConfig> {
  const resolved = await resolveHost(r.sshName, { ...options, overrides: { ...r.overrides, ...options.overrides } });
  return { ...resolved, name: r.name, origin: r.origin ?? resolved.origin, ...(r.ansible ? { ansible: r.ansible } : {}) };
}

function evaluatorUnsure(files: ConfigEntry[][]): string | undefined {
  for (const list of files) {
    for (const e of list) {
      if (e.kind !== 'line') continue;
      if (e.keyword === 'match') {
        const bad = e.args.find((a) => UNSURE_MATCH.test(a));
        if (bad) return `"Match ${bad}" (${e.file}:${e.line})`;
      }
      if (UNSURE_KEYWORDS.has(e.keyword) && !(e.keyword === 'canonicalizehostname' && /^no$/i.test(e.args[0] ?? '')))
        return `${e.keyword} (${e.file}:${e.line})`;
    }
  }
  return undefined;
}

/** The first, last and middle hosts through both; equal HostConfigs (apart from where they came from) or not. */
async function agreesOnSample(requests: HostRequest[], options: ResolveOptions): Promise<boolean> {
  const picks = [...new Set([0, requests.length - 1, Math.floor(requests.length / 2), Math.floor(requests.length / 3)])].slice(0, SAMPLE);
  for (const i of picks) {
    try {
      const [viaSsh, viaBuiltin] = await Promise.all([
        resolveOne(requests[i], options),
        resolveOne(requests[i], { ...options, trustConfig: false, onWarning: () => undefined }),
      ]);
      if (comparable(viaSsh) !== comparable(viaBuiltin)) return false;
    } catch (error) {
      if (error instanceof RunbookError) return false;
      throw error;
    }
  }
  return true;
}

function comparable(h: HostConfig): string {
  const strip = (x: HostConfig): unknown => ({ ...x, origin: undefined, proxyJump: x.proxyJump.map(strip) });
  return JSON.stringify(strip(h));
}
