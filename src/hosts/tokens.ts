// The `%` tokens and `~` that OpenSSH expands in paths (ssh_config(5) TOKENS), so identity and
// known_hosts paths point at the files ssh itself would open.
import { RunbookError } from '../base/failure';

export interface TokenValues {
  /** %d local home directory */ homeDir: string;
  /** %u local user */ localUser: string;
  /** %h remote host name */ hostname: string;
  /** %r remote user */ user: string;
  /** %p remote port */ port: number;
  /** %n the name as typed */ originalHost: string;
  /** %k HostKeyAlias or the original name */ hostKeyAlias?: string;
  /** %l local host name */ localHostname: string;
  /** %i local uid */ uid: number;
}

/** `~/x` -> home; `%x` tokens per ssh_config(5). Unknown tokens are an error, as in OpenSSH. */
export function expandPath(value: string, tokens: TokenValues, where: string): string {
  const tilde = value === '~' || value.startsWith('~/') ? tokens.homeDir + value.slice(1) : value;
  return expandTokens(tilde, tokens, where);
}

export function expandTokens(value: string, tokens: TokenValues, where: string): string {
  return value.replace(/%(.?)/g, (_all, token: string) => {
    switch (token) {
      case '%':
        return '%';
      case 'd':
        return tokens.homeDir;
      case 'u':
        return tokens.localUser;
      case 'h':
        return tokens.hostname;
      case 'r':
        return tokens.user;
      case 'p':
        return String(tokens.port);
      case 'n':
        return tokens.originalHost;
      case 'k':
        return tokens.hostKeyAlias ?? tokens.originalHost;
      case 'l':
        return tokens.localHostname;
      case 'L':
        return tokens.localHostname.split('.')[0];
      case 'i':
        return String(tokens.uid);
      default:
        throw new RunbookError(
          'config',
          `${where}: unknown token %${token} in "${value}"`,
          'Use one of %d %u %h %r %p %n %k %l %i %%, or write %% for a literal %.',
        );
    }
  });
}

/** `${VAR}` in IdentityAgent and similar paths, from the given environment. */
export function expandEnv(value: string, env: NodeJS.ProcessEnv, where: string): string {
  return value.replace(/\$\{([^}]*)\}/g, (_all, name: string) => {
    const v = env[name];
    if (v === undefined) {
      throw new RunbookError('config', `${where}: environment variable ${name} is not set (used in "${value}")`, `Set ${name} or change the setting.`);
    }
    return v;
  });
}
