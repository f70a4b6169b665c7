#!/usr/bin/env bats
# End to end: the user's k6 outputs (K6_OUT, --out) are written once per phase into the run's results
# folder, <run>/<phase>/<file>, each with the samples of its own phase; nothing lands in the project folder
# or the folder the runner was started from. Real k6 against the stand-in.

load ../bats/helpers
use_e2e_dms_version

setup() {
  setup_project
  export DURATION_READWRITE_PHASE=4s
  # The rate limiter is not what these tests are about (see runner.bats).
  export SIM_RATE_LIMIT_PERMITS=0
  WORK="$BATS_TEST_TMPDIR/work"
  mkdir -p "$WORK"
}

teardown() {
  teardown_project
}

# Nothing but the runner's own files in the project copy and the working folder.
assert_nothing_written_outside() {
  local name="$1" stray
  stray="$(find "$PROJECT" "$WORK" -name "$name" -not -path "$RESULTS_ROOT/*" 2>/dev/null)"
  if [[ -n "$stray" ]]; then
    printf 'written outside the results folder:\n%s\n' "$stray" >&2
    return 1
  fi
}

# points_of FILE METRIC: the number of k6 JSON-output points of a metric in FILE.
points_of() {
  node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    console.log(lines.map((l) => JSON.parse(l)).filter((p) => p.type === "Point" && p.metric === process.argv[2]).length)' "$1" "$2"
}

# scenarios_of FILE: the scenario tags of the data requests in a k6 JSON output, sorted, unique (setup()'s
# requests have none).
scenarios_of() {
  node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    const s = new Set(lines.map((l) => JSON.parse(l)).filter((p) => p.type === "Point" && p.metric === "http_reqs" && p.data.tags.api === "data").map((p) => p.data.tags.scenario).filter(Boolean));
    console.log([...s].sort().join(","))' "$1"
}

@test "K6_OUT=json=out.json, full run: load/out.json and readwrite/out.json in the run folder, each with its phase's samples" {
  cd "$WORK"
  K6_OUT=json=out.json run "$RUNNER" --profile smoke --phase full
  assert_status 0
  local dir
  dir="$(run_dir)"
  [ -s "$dir/load/out.json" ]
  [ -s "$dir/readwrite/out.json" ]
  [ "$(scenarios_of "$dir/load/out.json")" = load ]
  [ "$(scenarios_of "$dir/readwrite/out.json")" = readwrite ]
  [ "$(points_of "$dir/load/out.json" entities_ensured)" -gt 0 ]
  [ "$(points_of "$dir/readwrite/out.json" entities_ensured)" = 0 ]
  assert_nothing_written_outside out.json
  assert_output_has "--out json=$dir/load/out.json"
  assert_output_has "--out json=$dir/readwrite/out.json"
}

@test "--out csv=x.csv, full run: load/x.csv and readwrite/x.csv in the run folder, each with its phase's samples" {
  cd "$WORK"
  run "$RUNNER" --profile smoke --phase full --out csv=x.csv
  assert_status 0
  local dir
  dir="$(run_dir)"
  head -n1 "$dir/load/x.csv" | grep -q '^metric_name,timestamp,metric_value,'
  grep -q '^entities_ensured,' "$dir/load/x.csv"
  grep -q '^http_reqs,.*,readwrite,' "$dir/readwrite/x.csv"
  refute grep -q '^entities_ensured,' "$dir/readwrite/x.csv"
  refute grep -q '^http_reqs,.*,readwrite,' "$dir/load/x.csv"
  assert_nothing_written_outside x.csv
  assert_nothing_written_outside file.csv
}
