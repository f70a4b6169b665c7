#!/usr/bin/env bash
# Runs both phases (load, then readwrite): run-load-test.sh --phase full, from any folder. Other options pass through,
# e.g. scripts/run-full-test.sh --profile dev --dry-run
set -Eeuo pipefail

main() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
  exec "$root/run-load-test.sh" --phase full "$@"
}

main "$@"
