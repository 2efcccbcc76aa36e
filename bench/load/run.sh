#!/usr/bin/env bash
# One bounded load run: `jisr serve` (gunicorn, 2 workers × 4 threads) on 127.0.0.1:8765, 50 locust
# users for DURATION (default 150 s), then the raw-SQL and blind-index comparison on the same database.
#   JISR_DATA_DIR=/tmp/jisr-load-sqlite bench/load/run.sh sqlite
#   JISR_DATA_DIR=/tmp/jisr-load-pg DATABASE_URL=postgres://postgres@127.0.0.1:5432/jisr_loadbench bench/load/run.sh pg
set -euo pipefail
cd "$(dirname "$0")/../.."
LABEL=${1:-run}
DURATION=${DURATION:-150s}
OUT=${OUT:-/tmp/jisr-load-results}
mkdir -p "$OUT"
export JISR_REQUIRE_MFA=false
# The blind-index size the data set was generated with (generate.py writes it into users.json).
JISR_EXPECTED_POPULATION=$(.venv/bin/python -c 'import json; print(json.load(open("bench/load/users.json"))["expected_population"])')
export JISR_EXPECTED_POPULATION
.venv/bin/jisr serve --bind 127.0.0.1:8765 >"$OUT/$LABEL-serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -fs -o /dev/null http://127.0.0.1:8765/login/ && break; sleep 1; done
echo "think time (s): ${JISR_THINK:-0.5,2.5}; load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/$LABEL-load.txt"
.venv/bin/locust -f bench/load/locustfile.py --headless -u 50 -r 10 -t "$DURATION" \
    -H http://127.0.0.1:8765 --csv "$OUT/$LABEL" >"$OUT/$LABEL-locust.log" 2>&1 || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/$LABEL-load.txt"
kill $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT
[ -n "${SKIP_RAWSQL:-}" ] || .venv/bin/python bench/load/rawsql.py | tee "$OUT/$LABEL-rawsql.txt"
