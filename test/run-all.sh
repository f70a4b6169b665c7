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

# actionlint (checks the example workflows in docs/ci/), built from its Go module into the user cache once,
# like k6 (scripts/install-k6.sh); its path in ACTIONLINT_BIN for test/bats/ci-workflows.bats.
readonly ACTIONLINT_VERSION="v1.7.12"
ensure_actionlint() {
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/dms-load-test/actionlint/$ACTIONLINT_VERSION"
  if [[ ! -x "$dir/actionlint" ]]; then
    command -v go >/dev/null 2>&1 || { echo "test/run-all.sh: Go is needed to build actionlint $ACTIONLINT_VERSION (it checks docs/ci/*.yml)" >&2; exit 1; }
    step "actionlint $ACTIONLINT_VERSION (go install, once, into $dir)"
    mkdir -p "$dir"
    CGO_ENABLED=0 GOBIN="$dir" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  fi
  export ACTIONLINT_BIN="$dir/actionlint"
}

# run_e2e_passes VERSION...: test/e2e once per DMS line the stand-in models (E2E_DMS_VERSION, issue 10), the
# passes side by side: an end-to-end test mostly waits (k6 phases of a set length, Retry-After, token
# lifetimes), so two passes on two cores take little longer than one. Each pass's TAP output is printed
# whole once all are done (the test names say their line, e.g. "[DMS 8.0] ..."); fails if any pass failed.
# Each pass is a job of its own (set -m): its own process group, which Ctrl-C or a TERM stops whole, and
# SIGINT not ignored in it (without job control a background command ignores SIGINT, and so would every
# runner the tests interrupt on purpose).
E2E_PASS_PIDS=()
stop_e2e_passes() {
  local pid
  for pid in "${E2E_PASS_PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  exit 130
}

run_e2e_passes() {
  local version out rc=0 started
  local -A pids=() outs=()
  started=$SECONDS
  out="$(mktemp -d)"
  trap stop_e2e_passes INT TERM
  printf 'test/e2e against DMS %s side by side; each pass prints its results when all are done\n' "$*"
  set -m
  for version in "$@"; do
    outs[$version]="$out/e2e-$version.tap"
    E2E_DMS_VERSION="$version" node_modules/bats/bin/bats --timing test/e2e >"${outs[$version]}" 2>&1 &
    pids[$version]=$!
    E2E_PASS_PIDS+=("$!")
  done
  set +m
  for version in "$@"; do
    if wait "${pids[$version]}"; then
      printf '\n-- end-to-end tests against DMS %s: passed\n' "$version"
    else
      rc=1
      printf '\n-- end-to-end tests against DMS %s: FAILED\n' "$version"
    fi
    cat "${outs[$version]}"
  done
  trap - INT TERM
  E2E_PASS_PIDS=()
  printf '\n-- end-to-end passes (%s) took %d s side by side\n' "$*" "$((SECONDS - started))"
  rm -rf "$out"
  return "$rc"
}

main() {
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    step "npm ci"
    npm ci --no-audit --no-fund
  fi
  ensure_system_tool shellcheck shellcheck
  ensure_system_tool chromium chromium # the HTML report's browser test
  ensure_system_tool xmllint libxml2-utils # junit.xml checked against the JUnit shape
  ensure_system_tool prometheus prometheus # --prometheus end to end (test/e2e/prometheus.bats)
  ensure_actionlint
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

  step "end-to-end tests: real k6 against the stand-in, once per DMS line (bats)"
  run_e2e_passes 8.0 8.1

  step "fault tests: runs that meet a fault, real k6 against the stand-in (bats)"
  node_modules/bats/bin/bats test/faults
}

main "$@"
