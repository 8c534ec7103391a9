#!/bin/sh
# Nightly posture scan: records every run in a history database and marks what changed since
# last night (drift against the previous results). Options come from .hipaacheck.yaml in the
# working folder (systemd: WorkingDirectory=/etc/hipaacheck), named with --config: it is the
# operator's own file, so it may name paths outside its folder (root: /) and a --log-file.
# Exit code is hipaacheck's: 0 pass, 1 failures, 2 bad input (nothing scanned), 3 incomplete.
set -u
STATE="${STATE_DIRECTORY:-/var/lib/hipaacheck}"
OUT="$STATE/runs/$(date -u +%Y-%m-%dT%H%M%SZ)"
LAST="$STATE/last-results.json"
mkdir -p "$OUT"

if [ -f "$LAST" ]; then
  hipaacheck scan --config .hipaacheck.yaml --quiet --history "$STATE/history.db" --baseline "$LAST" \
    --format json,html,markdown --output-dir "$OUT"
else
  hipaacheck scan --config .hipaacheck.yaml --quiet --history "$STATE/history.db" \
    --format json,html,markdown --output-dir "$OUT"
fi
code=$?

if [ "$code" -ne 2 ] && [ -f "$OUT/hipaacheck-results.json" ]; then
  if [ -f "$LAST" ]; then
    hipaacheck diff "$LAST" "$OUT/hipaacheck-results.json" --format markdown > "$OUT/drift.md"
  fi
  cp "$OUT/hipaacheck-results.json" "$LAST.tmp" && mv "$LAST.tmp" "$LAST"
fi
exit "$code"
