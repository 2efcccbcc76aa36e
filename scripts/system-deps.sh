#!/usr/bin/env bash
# Install the Debian packages listed in scripts/system-packages.txt (and, with --browser, Chromium for
# the browser tests) when they are missing. Needs root for apt-get; without it, says what is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
packages=$(grep -v -E '^\s*(#|$)' "$here/system-packages.txt")
if [ "${1:-}" = "--browser" ]; then packages="$packages chromium"; fi
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "Jisr needs these Debian packages; please install them (sudo apt-get install$missing)" >&2
  exit 1
fi
