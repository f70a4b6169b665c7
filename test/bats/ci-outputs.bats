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

@test "--prometheus URL with a password: k6 gets the output and the run's tags, the URL only in its environment; console and run.json mask it" {
  local port dir
  use_fake_k6
  port="$(free_port)"
  # a remote-write receiver for the pre-flight: an empty write request is not a valid batch (400)
  node -e 'require("http").createServer((q, s) => { s.statusCode = 400; s.end("snappy: corrupt input"); }).listen(Number(process.argv[1]), "127.0.0.1")' "$port" 3>&- &
  LISTENER_PID=$!
  sleep 0.5
  run "$RUNNER" --profile smoke --phase load --prometheus "http://k6:rw-pass-4711@127.0.0.1:$port/api/v1/write"
  assert_status 0
  dir="$(run_dir)"
  assert_output_has "PASS  prometheus             http://k6:********@127.0.0.1:$port/api/v1/write receives remote writes"
  grep -qx -- '--out' "$FAKE_K6_LOG/load.args"
  grep -qx -- 'experimental-prometheus-rw' "$FAKE_K6_LOG/load.args"
  grep -qx -- "testid=${dir##*/}" "$FAKE_K6_LOG/load.args"
  grep -qx -- 'profile=smoke' "$FAKE_K6_LOG/load.args"
  grep -qx -- 'phase=load' "$FAKE_K6_LOG/load.args"
  grep -qx -- 'target=sim' "$FAKE_K6_LOG/load.args"
  refute grep -q 'rw-pass-4711' "$FAKE_K6_LOG/load.args"
  grep -qx "K6_PROMETHEUS_RW_SERVER_URL=http://k6:rw-pass-4711@127.0.0.1:$port/api/v1/write" "$FAKE_K6_LOG/load.env"
  grep -qx 'K6_PROMETHEUS_RW_TREND_STATS=p(50),p(95),p(99),max' "$FAKE_K6_LOG/load.env"
  grep -q '^K6_SYSTEM_TAGS=.*expected_response' "$FAKE_K6_LOG/load.env"
  refute grep -q '^K6_SYSTEM_TAGS=.*url' "$FAKE_K6_LOG/load.env"
  [ "$(json_get "$dir/run.json" 'j.prometheus.remoteWriteUrl')" = "http://k6:********@127.0.0.1:$port/api/v1/write" ]
  refute grep -rq 'rw-pass-4711' "$dir"
}

@test "--prometheus that is not a URL: usage error (exit 2)" {
  run "$RUNNER" --profile smoke --prometheus 127.0.0.1:9090
  assert_status 2
  assert_output_has "--prometheus '127.0.0.1:9090' is not a URL"
}
