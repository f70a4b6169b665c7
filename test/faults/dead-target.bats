#!/usr/bin/env bats
# A DMS that dies during a phase and does not come back (issue: reliability): the phase ends at once with
# the diagnosis, not after minutes of retries, and the later phases are skipped with the reason.
# Real k6 against a stand-in of the test's own, which the test kills.

load ../bats/helpers

setup() {
  setup_project
}

teardown() {
  teardown_project
}

@test "the DMS dies during the load phase: the phase ends with 'stopped answering', readwrite is skipped" {
  SIM_LATENCY_MS=400 SIM_RATE_LIMIT_PERMITS=0 start_test_sim
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=$SIM_URL" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd'"
  local out="$BATS_TEST_TMPDIR/run.out" pid dir
  "$RUNNER" --target dms --profile smoke --phase full >"$out" 2>&1 3>&- &
  pid=$!
  wait_for_output "$out" 'phase load: k6 run'
  sleep 2
  stop_test_sim # the DMS is gone: every connection is refused from now on
  wait_for_runner "$pid" "$out"
  assert_status 108
  assert_output_has "DMS at $SIM_URL/data stopped answering ("
  assert_output_has "skipping the readwrite phase"
  dir="$(run_dir)"
  [ "$(json_get "$dir/run.json" 'JSON.stringify(j.phases.map((p) => p.name + ":" + p.exitCode))')" = '["load:108","readwrite:null"]' ]
  # the diagnosis a few times (k6's abort line, the phase's reason, the answer, the final line), not
  # hundreds of retry warnings
  [ "$(grep -c 'stopped answering' "$dir/console.log")" -le 8 ]
  [[ "$(json_get "$dir/run.json" j.reason)" == *"stopped answering"* ]]
}
