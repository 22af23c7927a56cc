#!/usr/bin/env bash
# Runs a command with a real OS keyring: a private D-Bus session with gnome-keyring's
# Secret Service. Used by the test and run commands on machines with no keyring service
# (headless servers, CI).
#   tests/keyring-session.sh [--throwaway] COMMAND...
# --throwaway keeps the keyring in a temporary folder (tests); without it the login
# keyring in the user's data folder is used and kept, so secrets survive between runs.
set -euo pipefail
throwaway=0
if [[ "${1:-}" == --throwaway ]]; then throwaway=1; shift; fi
if [[ "${FLIGHTDESK_IN_KEYRING_SESSION:-}" == 1 ]]; then
  exec "$@"
fi
export FLIGHTDESK_IN_KEYRING_SESSION=1 FLIGHTDESK_THROWAWAY_KEYRING=$throwaway
exec dbus-run-session -- bash -c '
  set -euo pipefail
  if [[ "$FLIGHTDESK_THROWAWAY_KEYRING" == 1 ]]; then
    # gnome-keyring keeps its files under XDG_DATA_HOME; point only it at a temp folder.
    keyring_home="$(mktemp -d)"
    printf "flightdesk-session" | XDG_DATA_HOME="$keyring_home" \
      gnome-keyring-daemon --unlock --components=secrets >/dev/null
  else
    printf "flightdesk-session" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  fi
  exec "$@"
' keyring-session "$@"
