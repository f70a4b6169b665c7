#!/usr/bin/env bash
# The whole test suite (`npm test`): type checks, unit tests, stand-in contract tests, shellcheck, CLI tests
# (bats), end-to-end runs of the real k6 against the stand-in, and runs that meet a fault (test/faults).
# Installs what it needs on a fresh machine.
set -Eeuo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n== %s\n' "$*"; }

# Debian packages a fresh machine may lack; installed only when running as root with apt-get.
ensure_system_tool() {
  local tool="$1" package="$2"
  command -v "$tool" >/dev/null 2>&1 && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    step "installing $package (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
  fi
  command -v "$tool" >/dev/null 2>&1 || { echo "test/run-all.sh: '$tool' is missing; install it: sudo apt-get install $package" >&2; exit 1; }
}

main() {
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    step "npm ci"
    npm ci --no-audit --no-fund
  fi
  ensure_system_tool shellcheck shellcheck
  ensure_system_tool chromium chromium # the HTML report's browser test
  step "k6"
  K6_BIN="$(scripts/install-k6.sh)"
  export K6_BIN

  step "type checks"
  npx tsc --noEmit -p .
  npx tsc --noEmit -p sim/tsconfig.json
  node build.mjs
  node build.mjs --runner

  step "shellcheck"
  shellcheck -x run-load-test.sh scripts/*.sh scripts/lib/*.sh test/run-all.sh .ci/run test/bats/helpers.bash test/bats/fixtures/fake-k6

  step "unit and stand-in contract tests"
  local -a node_tests
  mapfile -t node_tests < <(ls test/unit/*.test.ts test/sim/*.test.ts test/tools/*.test.ts 2>/dev/null)
  node --import tsx --test --test-concurrency=1 "${node_tests[@]}"

  step "CLI tests (bats)"
  node_modules/bats/bin/bats test/bats

  step "end-to-end tests: real k6 against the stand-in (bats)"
  node_modules/bats/bin/bats test/e2e

  step "fault tests: runs that meet a fault, real k6 against the stand-in (bats)"
  node_modules/bats/bin/bats test/faults
}

main "$@"
