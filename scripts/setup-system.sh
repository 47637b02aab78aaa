#!/usr/bin/env bash
# Installs the Debian packages the tests, the demo and the fault lab use, when they are missing.
# Idempotent; needs root for apt-get (CI runs as root). Without root it only says what is missing.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$1" ]; }
have /usr/sbin/sshd   || need+=(openssh-server)
have ssh              || need+=(openssh-client)
have ssh-agent        || need+=(openssh-client)
have parallel-ssh     || need+=(pssh)
have /usr/bin/chromium || need+=(chromium)
have ip               || need+=(iproute2)
have ss               || need+=(iproute2)
have netstat          || need+=(net-tools)
have lsof             || need+=(lsof)
have tcpdump          || need+=(tcpdump)
have busybox          || need+=(busybox)
have dash             || need+=(dash)
have pgrep            || need+=(procps)
have perl             || need+=(perl-base)
have sudo             || need+=(sudo)
have ansible-inventory || need+=(ansible-core)
have gawk             || need+=(gawk)
have mawk             || need+=(mawk)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)

if [ ${#need[@]} -eq 0 ]; then
  echo "setup-system: all system packages present"
  exit 0
fi
# de-duplicate
mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
if [ "$(id -u)" != "0" ]; then
  echo "setup-system: missing packages: ${need[*]}" >&2
  echo "setup-system: run as root: apt-get install -y ${need[*]}" >&2
  exit 0
fi
echo "setup-system: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "setup-system: done"
