#!/usr/bin/env bats
# End to end: the CI outputs of real runs against the stand-in. junit.xml has the common JUnit shape with one
# test case per pre-flight check and per threshold of each phase; summary.md starts with the verdict and
# carries the table per resource and operation.

load ../bats/helpers

setup() {
  setup_project
  export SIM_RATE_LIMIT_PERMITS=0
}

teardown() {
  teardown_project
}

# thresholds_of SUMMARY: how many thresholds k6 judged in a phase.
thresholds_of() {
  json_get "$1" 'Object.values(j.metrics).reduce((n, m) => n + Object.keys(m.thresholds ?? {}).length, 0)'
}

@test "a passing smoke run: junit.xml with every pre-flight check and threshold, none failed; summary.md's verdict and tables; run.json and summary.json valid against their schemas" {
  DURATION_READWRITE_PHASE=4s run "$RUNNER" --profile smoke --phase full
  assert_status 0
  local dir
  dir="$(run_dir)"
  assert_schema run.schema.json "$dir/run.json"
  assert_schema summary.schema.json "$dir/load/summary.json" "$dir/readwrite/summary.json"
  [ "$(json_get "$dir/run.json" j.schemaVersion)" = 1 ]
  assert_junit_shape "$dir/junit.xml"
  [ "$(xml_value "$dir/junit.xml" 'string(/testsuites/@failures)')" = 0 ]
  # pre-flight: one case per PASS line before the phase, in order
  local -a names
  mapfile -t names < <(sed -n '/^== pre-flight/,/^== phase/p' "$dir/console.log" | sed -nE 's/^  PASS  (.*[^ ]) {2,}.*/\1/p')
  [ "${#names[@]}" -ge 6 ]
  [ "$(xml_value "$dir/junit.xml" 'count(//testsuite[@name="pre-flight"]/testcase)')" = "${#names[@]}" ]
  local i
  for i in "${!names[@]}"; do
    [ "$(xml_value "$dir/junit.xml" "string(//testsuite[@name=\"pre-flight\"]/testcase[$((i + 1))]/@name)")" = "${names[i]}" ]
  done
  # the phase: its exit code and one case per threshold
  [ "$(xml_value "$dir/junit.xml" 'count(//testsuite[@name="phase load"]/testcase)')" = "$(($(thresholds_of "$dir/load/summary.json") + 1))" ]
  xml_value "$dir/junit.xml" 'string(//testsuite[@name="phase load"]/testcase[@name="http_req_duration{api:data}: p(95)<1000"]/@classname)' | grep -qx 'dms-load-test.load.thresholds'
  [ "$(xml_value "$dir/junit.xml" 'count(//testsuite[@name="phase readwrite"]/testcase)')" = "$(($(thresholds_of "$dir/readwrite/summary.json") + 1))" ]
  [ -s "$dir/summary.md" ]
  [ "$(head -n 1 "$dir/summary.md")" = "## ✅ PASS: DMS load test · smoke · full against the stand-in" ]
  grep -qE '^\| students \| create \| 2 \| ' "$dir/summary.md"
  grep -q '^None: all [0-9]* thresholds passed.$' "$dir/summary.md"
}

@test "thresholds fail (exit 99): the failed threshold is a JUnit failure with the p95 k6 measured, and summary.md lists it" {
  SIM_LATENCY_MS=25 THRESHOLD_P95_MS_LOAD=5 run "$RUNNER" --profile smoke --phase load
  assert_status 99
  local dir p95
  dir="$(run_dir)"
  assert_junit_shape "$dir/junit.xml"
  assert_schema run.schema.json "$dir/run.json"
  assert_schema summary.schema.json "$dir/load/summary.json"
  # formatted as the report does: one decimal below 100 ms, whole milliseconds above
  p95="$(json_get "$dir/load/summary.json" '((v) => v >= 100 ? Math.round(v) : v.toFixed(1))(j.metrics["http_req_duration{api:data}"].values["p(95)"])')"
  [ "$(xml_value "$dir/junit.xml" 'string(//testcase[@name="http_req_duration{api:data}: p(95)<5"]/failure/@message)')" = \
    "threshold http_req_duration{api:data} p(95)<5 failed: p(95) = $p95 ms" ]
  [ "$(xml_value "$dir/junit.xml" 'string(//testsuite[@name="phase load"]/testcase[@name="k6 exit code"]/failure/@message)')" = \
    "phase load: k6 exit code 99 (thresholds failed)" ]
  [ "$(head -n 3 "$dir/summary.md" | tail -n 1)" = "**FAIL**: phase load: k6 exit code 99, thresholds failed: http\\_req\\_duration{api:data} p(95)\\<5" ]
  grep -qF "| load | \`http_req_duration{api:data}\` | \`p(95)<5\` | p(95) = $p95 ms |" "$dir/summary.md"
}
