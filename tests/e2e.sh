#!/usr/bin/env bash
# End-to-end tests of the built app: Xvfb display, real keyring, tauri-driver.
# Screenshots land in tests/artifacts/screenshots/. The cargo flags match .ci/test so the
# workspace is not rebuilt with another feature set.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/env
app="$CARGO_TARGET_DIR/debug/flightdesk-app"
[[ -x $app ]] || { echo "build the app first: cargo build -p flightdesk-app" >&2; exit 2; }
rm -rf tests/artifacts/screenshots
export FLIGHTDESK_APP="$app"
# WebDriver hangs instead of failing when something goes wrong: bound the whole run.
timeout --signal=TERM --kill-after=30 900 \
  xvfb-run -a -s "-screen 0 1280x1024x24" \
  tests/keyring-session.sh --throwaway \
  cargo test --workspace --locked --test window -- --ignored --test-threads=1
