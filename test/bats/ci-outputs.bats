#!/usr/bin/env bats
# junit.xml and summary.md for runs that stop before k6 starts (pre-flight, client setup): CI still gets a
# test report naming the check that failed and why. No k6 runs here.

load helpers

setup() {
  setup_project
}

teardown() {
  teardown_project
}

@test "DMS unreachable (exit 3): junit.xml has every pre-flight check, the failed one with its reason; summary.md says FAIL first" {
  local port dir
  port="$(free_port)"
  write_env_file "API_BASE_URL=http://127.0.0.1:$port" "CLIENT_ID=key" "CLIENT_SECRET=secret-value-1"
  run "$RUNNER" --profile smoke --phase load
  assert_status 3
  dir="$(run_dir)"
  assert_junit_shape "$dir/junit.xml"
  # one test case per pre-flight check line the runner printed, in its order
  local printed
  printed="$(grep -cE '^  (PASS|FAIL)  ' "$dir/console.log")"
  [ "$printed" -ge 4 ]
  [ "$(xml_value "$dir/junit.xml" 'count(//testsuite[@name="pre-flight"]/testcase)')" = "$printed" ]
  [ "$(xml_value "$dir/junit.xml" 'string(//testsuite[@name="pre-flight"]/testcase[1]/@name)')" = k6 ]
  [ "$(xml_value "$dir/junit.xml" 'count(//testsuite[@name="pre-flight"]//failure)')" = 1 ]
  [ "$(xml_value "$dir/junit.xml" 'string(//testcase[@name="DMS reachable"]/failure/@message)')" = \
    "DMS reachable: GET http://127.0.0.1:$port/ failed: connection refused: nothing listens at 127.0.0.1:$port (ECONNREFUSED)" ]
  [ "$(xml_value "$dir/junit.xml" 'string(//testcase[@name="verdict"]/failure/@message)')" = \
    "the run failed (exit code 3): $(json_get "$dir/run.json" j.reason)" ]
  [ "$(xml_value "$dir/junit.xml" 'count(//testsuite[starts-with(@name, "phase")])')" = 0 ]
  [[ "$(head -n 1 "$dir/summary.md")" == "## ❌ FAIL: DMS load test · smoke · load against a DMS" ]]
  grep -q '^| DMS reachable | ❌ FAIL | GET http://127.0.0.1:'"$port"'/ failed: connection refused' "$dir/summary.md"
}

@test "client setup fails (exit 4): junit.xml names the failed client setup check" {
  local port dir
  start_test_sim
  port="$(free_port)"
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=http://127.0.0.1:$port" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET=whatever-secret"
  run "$RUNNER" --target dms --phase load
  assert_status 4
  dir="$(run_dir)"
  assert_junit_shape "$dir/junit.xml"
  [ "$(xml_value "$dir/junit.xml" 'string(//testsuite[@name="pre-flight"]/testcase[@name="DMS reachable"]/@name)')" = "DMS reachable" ]
  [[ "$(xml_value "$dir/junit.xml" 'string(//testcase[@name="client setup"]/failure/@message)')" == "client setup: "*"is unreachable"* ]]
  [ "$(xml_value "$dir/junit.xml" 'string(/testsuites/@failures)')" = 2 ] # the check and the verdict
  refute grep -q 'whatever-secret' "$dir/junit.xml" "$dir/summary.md"
}
