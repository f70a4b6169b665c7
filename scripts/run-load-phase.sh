#!/usr/bin/env bash
# Runs the load phase: run-load-test.sh --phase load, from any folder. Other options pass through,
# e.g. scripts/run-load-phase.sh --profile dev --dry-run
set -Eeuo pipefail

main() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
  exec "$root/run-load-test.sh" --phase load "$@"
}

main "$@"
