#!/usr/bin/env bash
# Measures the app's memory after start: RSS and PSS of the main process plus its WebKit
# processes (PSS counts shared pages once, so its sum is the honest total).
#   tests/measure-app-memory.sh [APP_BINARY]   (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/env
app="${1:-$CARGO_TARGET_DIR/release/flightdesk-app}"
data_dir="$(mktemp -d)"
trap 'rm -rf "$data_dir"' EXIT
xvfb-run -a -s "-screen 0 1280x1024x24" tests/keyring-session.sh --throwaway \
  bash -c '
    "$1" --data-dir "$2" & app=$!
    sleep 10
    pids="$app $(pgrep WebKit | tr "\n" " ")"
    rss=0; pss=0
    for pid in $pids; do
      [[ -r /proc/$pid/smaps_rollup ]] || continue
      r=$(awk "/^Rss:/ {print \$2}" /proc/$pid/smaps_rollup)
      p=$(awk "/^Pss:/ {print \$2}" /proc/$pid/smaps_rollup)
      printf "%-8s %-28s rss %6d KiB  pss %6d KiB\n" "$pid" "$(cat /proc/$pid/comm)" "$r" "$p"
      rss=$((rss + r)); pss=$((pss + p))
    done
    printf "total: rss %d MiB, pss %d MiB\n" $((rss / 1024)) $((pss / 1024))
    kill -TERM $app
  ' measure "$app" "$data_dir"
