#!/usr/bin/env bash
# Two Jisr instances on one machine, to try a cross-border referral (README: "Trying a cross-border
# referral on one machine"). Instance A (demo-ma) lives in var/demo-ma and serves port 8001; instance B
# (demo-es) lives in var/demo-es and serves port 8002. Each has its own database, master key and referral
# keys. Generated demo people only.
#
#   scripts/two-instances.sh          set up both (once: migrate, seed_demo, keys, partners), then serve both
#   scripts/two-instances.sh setup    set up only
#   scripts/two-instances.sh run      serve only (Ctrl-C stops both)
#
# A_DIR, B_DIR, A_PORT, B_PORT and JISR_DEMO_PASSWORD may be set to change the defaults.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jisr="$root/.venv/bin/jisr"
A_DIR="${A_DIR:-$root/var/demo-ma}" B_DIR="${B_DIR:-$root/var/demo-es}"
A_PORT="${A_PORT:-8001}" B_PORT="${B_PORT:-8002}"
[ -x "$jisr" ] || { echo "run 'make install' first" >&2; exit 1; }
# Each instance's keys come from its own data dir, never from this shell.
unset DATABASE_URL JISR_MASTER_KEY JISR_MASTER_KEY_FILE SECRET_KEY SECRET_KEY_FILE
a() { JISR_DATA_DIR="$A_DIR" "$jisr" "$@"; }
b() { JISR_DATA_DIR="$B_DIR" "$jisr" "$@"; }

setup() {
  mkdir -p "$A_DIR" "$B_DIR"
  password="${JISR_DEMO_PASSWORD:-$(cat "$A_DIR/demo_password" 2>/dev/null || echo "demo-$(head -c 9 /dev/urandom | base64 | tr '+/' '-_')")}"
  for side in a b; do
    $side migrate --noinput >/dev/null
    $side seed_demo --password "$password" | grep -v '^Log in\|^  demo-' || true
  done
  printf '%s\n' "$password" > "$A_DIR/demo_password"; printf '%s\n' "$password" > "$B_DIR/demo_password"
  chmod 600 "$A_DIR/demo_password" "$B_DIR/demo_password"
  # Keys on both sides, each in the other's partner directory, fingerprints confirmed.
  a referral demo_pair --peer-data-dir "$B_DIR" --url "http://127.0.0.1:$A_PORT" --peer-url "http://127.0.0.1:$B_PORT"
  echo
  echo "A (demo-ma): http://127.0.0.1:$A_PORT/  — ma-caseworker, ma-focalpoint, ma-coordinator …"
  echo "B (demo-es): http://127.0.0.1:$B_PORT/  — es-caseworker, es-focalpoint, es-coordinator …"
  echo "Password for every demo user: $password"
}

run() {
  a runserver "127.0.0.1:$A_PORT" --noreload & pid_a=$!
  b runserver "127.0.0.1:$B_PORT" --noreload & pid_b=$!
  trap 'kill $pid_a $pid_b 2>/dev/null || true' INT TERM EXIT
  wait -n $pid_a $pid_b
}

case "${1:-all}" in
  setup) setup ;;
  run) run ;;
  all) setup; run ;;
  *) echo "usage: $0 [setup|run]" >&2; exit 2 ;;
esac
