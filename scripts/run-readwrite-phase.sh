#!/usr/bin/env bash
# Runs the readwrite phase: run-load-test.sh --phase readwrite, from any folder. Other options pass through,
# e.g. scripts/run-readwrite-phase.sh --profile dev --dry-run
set -Eeuo pipefail

main() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
  exec "$root/run-load-test.sh" --phase readwrite "$@"
}

main "$@"
