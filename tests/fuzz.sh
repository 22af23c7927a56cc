#!/usr/bin/env bash
# Runs every connector's cargo-fuzz target for a bounded time (FUZZ_SECONDS each, 20 by
# default), starting from the committed seeds. A crash fails the run and leaves its input
# under src-tauri/crates/connectors/fuzz/artifacts/. Needs cargo-fuzz (.ci/install).
# No sanitizer: stable Rust, and a panic is what the decoders must never do.
set -euo pipefail
cd "$(dirname "$0")/../src-tauri/crates/connectors/fuzz"
source ../../../../.ci/env
# Its own target folder: libFuzzer's instrumented build must not evict the app's.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR}-fuzz"
seconds="${FUZZ_SECONDS:-20}"
cargo fuzz build -s none -O
for target in aviationalley pilotflows airbly flightschoolbooking flylogs; do
  corpus=$(mktemp -d)
  cp "seeds/$target"/* "$corpus"/
  echo "fuzzing $target for ${seconds}s"
  log="$corpus.log"
  status=0
  cargo fuzz run -s none -O "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 \
    >"$log" 2>&1 || status=$?
  grep -E "DONE|panicked|SUMMARY|Test unit written" "$log" || true
  rm -rf "$corpus" "$log"
  if ((status != 0)); then
    echo "fuzz target $target crashed (input saved under artifacts/$target/)" >&2
    exit 1
  fi
done
echo "fuzzing: no crash in any target"
