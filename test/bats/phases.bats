#!/usr/bin/env bats
# The k6 step with a fake k6 (test/bats/fixtures/fake-k6): exit codes reach the runner's exit code, the
# full phase skips readwrite after 105/107/108, failed thresholds are named, and k6 gets the configuration
# in its environment (never as flags) without secrets it does not need. Real k6 runs are in test/e2e.

load helpers

# Starts the runner (load phase, fake k6 that runs for a minute) in the background in its own process
# group, as on a terminal, and returns once k6 runs; RUNNER_PID is the runner's pid.
start_runner_until_k6_runs() {
  local out="$1" tries=300
  set -m # job control: the runner's own process group, SIGINT not ignored
  FAKE_K6_SLEEP_LOAD=60 "$RUNNER" --phase load >"$out" 2>&1 3>&- &
  RUNNER_PID=$!
  set +m
  until grep -q 'fake k6: phase load running' "$out" 2>/dev/null; do
    ((tries-- > 0)) || { cat "$out"; return 1; }
    sleep 0.1
  done
}

setup() {
  setup_project
  use_fake_k6
}

teardown() {
  teardown_project
}

@test "full: load ends with 107 -> readwrite skipped, exit 107" {
  FAKE_K6_EXIT_LOAD=107 run "$RUNNER" --profile smoke
  assert_status 107
  assert_output_has "k6 exit code 107: script error"
  assert_output_has "skipping the readwrite phase: the load phase ended with k6 exit code 107"
  [ ! -e "$FAKE_K6_LOG/readwrite.args" ]
  local dir
  dir="$(run_dir)"
  [ "$(json_get "$dir/run.json" 'JSON.stringify(j.phases)')" = '[{"name":"load","exitCode":107,"dir":"load"},{"name":"readwrite","exitCode":null,"dir":""}]' ]
  [ "$(cat "$dir/exit-status")" = 107 ]
  assert_output_has "FAIL  smoke full against the stand-in (exit code 107, phase load: k6 exit code 107, script error)"
}

@test "full: load ends with 108 or 105 -> readwrite skipped" {
  FAKE_K6_EXIT_LOAD=108 run "$RUNNER"
  assert_status 108
  assert_output_has "skipping the readwrite phase"
  rm -rf "$RESULTS_ROOT"
  FAKE_K6_EXIT_LOAD=105 run "$RUNNER"
  assert_status 105
  assert_output_has "skipping the readwrite phase"
}

@test "full: thresholds fail in load -> readwrite still runs, exit 99 names the thresholds" {
  FAKE_K6_EXIT_LOAD=99 FAKE_K6_FAILED_LOAD='http_req_duration{api:data}|p(95)<5;checks|rate>0.99' run "$RUNNER"
  assert_status 99
  assert_output_has "k6 exit code 99: thresholds failed"
  assert_output_has "failed: http_req_duration{api:data}  p(95)<5"
  assert_output_has "failed: checks  rate>0.99"
  [ -e "$FAKE_K6_LOG/readwrite.args" ]
  assert_output_has "PASS  phase readwrite"
  [ "$(json_get "$(run_dir)/run.json" j.status)" = FAIL ]
}

@test "run.json and the last line name the failed thresholds and k6's exit code" {
  FAKE_K6_EXIT_LOAD=99 FAKE_K6_FAILED_LOAD='http_req_duration{api:data}|p(95)<5;checks|rate>0.99;a|rate<1;b|rate<1' run "$RUNNER" --phase load
  assert_status 99
  local dir reason
  dir="$(run_dir)"
  reason="phase load: k6 exit code 99, thresholds failed: http_req_duration{api:data} p(95)<5; checks rate>0.99; a rate<1 and 1 more"
  [ "$(json_get "$dir/run.json" j.reason)" = "$reason" ]
  [[ "${lines[-1]}" == *"(exit code 99, $reason): results in $dir" ]]
  # the answer first, just above the last line: the verdict and its reasons
  assert_output_has "== the answer"
  [[ "${lines[-3]}" == "FAIL  $reason" || "$output" == *$'\n'"FAIL  $reason"$'\n'* ]]
  FAKE_K6_EXIT_LOAD=107 run "$RUNNER" --phase load
  assert_status 107
  [ "$(json_get "$RESULTS_ROOT/latest/run.json" j.reason)" = "phase load: k6 exit code 107, script error" ]
}

@test "full: the first non-zero phase exit code is the run's" {
  FAKE_K6_EXIT_READWRITE=99 run "$RUNNER"
  assert_status 99
  assert_output_has "PASS  phase load"
  assert_output_has "FAIL  phase readwrite"
}

@test "PASS: exit 0, final line names the folder, latest points at it" {
  run "$RUNNER" --phase load
  assert_status 0
  assert_output_has "PASS  data access"
  local dir
  dir="$(run_dir)"
  [[ "${lines[-1]}" == "PASS  smoke load against the stand-in: results in $dir" ]]
  [ "$(readlink "$RESULTS_ROOT/latest")" = "${dir##*/}" ]
  [ "$(json_get "$dir/run.json" j.status)" = PASS ]
  [ "$(json_get "$dir/run.json" j.versions.k6)" = v2.2.0 ]
  [ "$(json_get "$dir/run.json" j.versions.suite)" = unknown ]
  assert_output_has "suite     unknown (not a git checkout)"
  [[ "${dir##*/}" =~ ^[0-9]{8}T[0-9]{6}Z-smoke-load$ ]]
}

@test "runs never overwrite each other" {
  run "$RUNNER" --phase load
  assert_status 0
  run "$RUNNER" --phase load
  assert_status 0
  local dirs=("$RESULTS_ROOT"/2*)
  [ "${#dirs[@]}" = 2 ]
}

@test "k6 gets the configuration in its environment, no secrets, no -e flags" {
  write_env_file "K6_INFLUXDB_PASSWORD=influx-Pass-123" "SIM_ADMIN_CLIENT_SECRET='Sim-Admin-Secret-1'"
  VUS_LOAD_PHASE=3 run "$RUNNER" --phase load
  assert_status 0
  local dir env args
  dir="$(run_dir)"
  env="$FAKE_K6_LOG/load.env"
  args="$FAKE_K6_LOG/load.args"
  grep -qx "VUS_LOAD_PHASE=3" "$env"
  grep -qx "PROFILE=smoke" "$env"
  grep -qx "TARGET=sim" "$env"
  grep -qx "RUN_ID=${dir##*/}" "$env"
  grep -qx "RESULTS_DIR=$dir/load" "$env"
  grep -q "^API_BASE_URL=http://127.0.0.1:" "$env"
  grep -q "^DATA_API_URL=http://127.0.0.1:[0-9]*/data$" "$env"
  grep -q "^DATA_API_URL='http://127.0.0.1:[0-9]*/data'  # discovery (urls.dataManagementApi)$" "$dir/config.env"
  grep -q "^CLIENT_ID=." "$env"
  grep -q "^TOKEN_BROKER_URL=http://127.0.0.1:" "$env"
  grep -q "^TOKEN_BROKER_KEY=................" "$env"
  refute grep -q "^CLIENT_SECRET=" "$env"
  refute grep -q "^CMS_ADMIN_CLIENT_SECRET=" "$env"
  refute grep -q "^SIM_ADMIN_CLIENT_SECRET=" "$env"
  # k6's own options stay, secret or not (k6 reads them itself); they are masked everywhere else
  grep -qx "K6_INFLUXDB_PASSWORD=influx-Pass-123" "$env"
  assert_config_line K6_INFLUXDB_PASSWORD '********' .env.load-test
  refute grep -rqF 'influx-Pass-123' "$RESULTS_ROOT"
  refute grep -rqF 'Sim-Admin-Secret-1' "$RESULTS_ROOT"
  [ "$(cat "$args")" = "$(printf 'run\n--address\n127.0.0.1:%s\n--quiet\ndist/load.js' "$(sed -n 3p "$args" | cut -d: -f2)")" ]
  [ "$(cat "$FAKE_K6_LOG/load.cwd")" = "$PROJECT" ]
}

@test "--target dms: DATA_API_URL from the env file is honoured and passed to k6" {
  start_test_sim
  write_env_file "API_BASE_URL=$SIM_URL" "DATA_API_URL=$SIM_URL/api/data" "CMS_BASE_URL=$SIM_URL" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd'"
  run "$RUNNER" --target dms --phase load
  assert_status 0
  assert_output_lacks "unknown setting"
  assert_config_line DATA_API_URL "$SIM_URL/api/data" .env.load-test
  grep -qx "DATA_API_URL=$SIM_URL/api/data" "$FAKE_K6_LOG/load.env"
}

@test "--target dms with only admin settings in the shell: a client for this run, no env file written" {
  start_test_sim
  API_BASE_URL="$SIM_URL" CMS_BASE_URL="$SIM_URL" CMS_ADMIN_CLIENT_ID=DmsConfigurationService \
    CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd' run "$RUNNER" --target dms --phase load
  assert_status 0
  assert_output_has "kept in memory for this run only (there is no .env.load-test to save it to)"
  assert_output_has "the next run creates another client"
  assert_output_has "PASS  data access"
  [ ! -e "$PROJECT/.env.load-test" ]
  refute compgen -G "$PROJECT/.env.load-test.bak*"
  grep -q "^CLIENT_ID=." "$FAKE_K6_LOG/load.env"
  grep -q "^CLIENT_ID='.*'  # created by client setup, this run only$" "$(run_dir)/config.env"
  refute grep -rqF 'ValidClientSecret1234567890!Abcd' "$RESULTS_ROOT"
}

@test "--target dms: client setup writes through a symlinked .env.load-test and keeps the link" {
  local secrets="$BATS_TEST_TMPDIR/secrets"
  start_test_sim
  mkdir -p "$secrets"
  printf '%s\n' "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=$SIM_URL" "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" \
    "CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd'" >"$secrets/dms.env"
  ln -s "$secrets/dms.env" "$PROJECT/.env.load-test"
  run "$RUNNER" --target dms --phase load
  assert_status 0
  assert_output_has "CLIENT_ID and CLIENT_SECRET saved to .env.load-test (mode 600)"
  assert_output_has "previous .env.load-test kept as $secrets/dms.env.bak."
  [ -L "$PROJECT/.env.load-test" ]
  grep -q "^CLIENT_ID='" "$secrets/dms.env"
  [ "$(stat -c %a "$secrets/dms.env")" = 600 ]
  compgen -G "$secrets/dms.env.bak.*"
}

@test "K6_HTTP_DEBUG is never passed to k6 (it would log the Authorization header), with a warning" {
  K6_HTTP_DEBUG=full run "$RUNNER" --phase load
  assert_status 0
  assert_output_has "K6_HTTP_DEBUG (shell) is not passed to k6: it would write every request's Authorization header"
  refute grep -q "^K6_HTTP_DEBUG" "$FAKE_K6_LOG/load.env"
  rm -rf "$RESULTS_ROOT"
  write_env_file "K6_HTTP_DEBUG=headers"
  run "$RUNNER" --phase load
  assert_status 0
  assert_output_has "K6_HTTP_DEBUG (.env.load-test) is not passed to k6"
  refute grep -q "^K6_HTTP_DEBUG" "$FAKE_K6_LOG/load.env"
}

@test "results: secret values and anything that looks like a credential are masked in every text file" {
  local dir="$BATS_TEST_TMPDIR/run" b64
  mkdir -p "$dir/load"
  b64="$(printf 'user:Pa55word' | base64)"
  printf '%s\n' 'Authorization: Bearer eyJhbGci.eyJzdWIi.sig-0123456789' "authorization: basic $b64" \
    'Basic authentication stays readable' 'the secret is Sup3r-Secret-Value' 'client visible-client-id' >"$dir/console.log"
  printf '{"access_token":"tok-0123456789abcdef","expires_in":1800}\n' >"$dir/load/summary.json"
  printf 'key broker-key-0123456789\n' >"$dir/broker.log"
  printf 'bin\0Bearer 0123456789abcdefghij' >"$dir/blob.bin"
  cp "$dir/blob.bin" "$BATS_TEST_TMPDIR/blob.orig"
  printf 'CLIENT_SECRET\0shell\0Sup3r-Secret-Value\0CLIENT_ID\0shell\0visible-client-id\0' |
    BROKER_KEY=broker-key-0123456789 node "$REPO/dist/runner/results.mjs" scrub "$dir" BROKER_KEY
  [ "$(cat "$dir/console.log")" = "$(printf '%s\n' 'Authorization: Bearer ********' 'authorization: basic ********' \
    'Basic authentication stays readable' 'the secret is ********' 'client visible-client-id')" ]
  [ "$(cat "$dir/load/summary.json")" = '{"access_token":"********","expires_in":1800}' ]
  [ "$(cat "$dir/broker.log")" = 'key ********' ]
  cmp "$dir/blob.bin" "$BATS_TEST_TMPDIR/blob.orig"
}

@test "the stand-in gets every SIM_* setting" {
  SIM_TOKEN_LIFETIME_SECONDS=77 run "$RUNNER" --phase load
  assert_status 0
  assert_config_line SIM_TOKEN_LIFETIME_SECONDS 77 shell
  grep -q "^SIM_TOKEN_LIFETIME_SECONDS=77" "$FAKE_K6_LOG/load.env"
  [ "$(json_get "$(run_dir)/broker-stats.json" j.tokensFetched)" = 1 ]
  [ -s "$(run_dir)/sim-stats.json" ]
}

@test "--baseline that does not exist: exit 6 before anything runs; a bad baseline name: exit 2" {
  export BASELINE_DIR="$BATS_TEST_TMPDIR/baselines"
  run "$RUNNER" --baseline main
  assert_status 6
  assert_output_has "FAIL  baseline"
  assert_output_has "the comparison with 'main' cannot be made: no baseline named 'main'"
  assert_output_has "there are no baselines in $BASELINE_DIR yet"
  # recorded, so results/latest does not point at an earlier PASS for this run
  [ "$(json_get "$RESULTS_ROOT/latest/run.json" j.exitCode)" = 6 ]
  [[ "$(json_get "$RESULTS_ROOT/latest/run.json" j.reason)" == "baseline main could not be compared: no baseline named 'main'"* ]]
  assert_output_lacks "PASS  pre-flight"
  rm -rf "$RESULTS_ROOT"
  run "$RUNNER" --baseline-optional
  assert_status 2
  assert_output_has "--baseline-optional needs --baseline NAME"
  run "$RUNNER" --save-baseline ../x
  assert_status 2
  assert_output_has "baseline name '../x' is not valid"
  [ ! -e "$RESULTS_ROOT" ]
}

@test "--save-baseline does not save a failing run" {
  export BASELINE_DIR="$BATS_TEST_TMPDIR/baselines"
  FAKE_K6_EXIT_LOAD=99 run "$RUNNER" --phase load --save-baseline main
  assert_status 99
  assert_output_has "baseline 'main' not saved: the run failed (exit code 99)"
  [ ! -e "$BASELINE_DIR/main.json" ]
}

@test "the runner exits while k6 runs (SIGHUP): k6 gets one SIGINT and time to write its summary" {
  local out="$BATS_TEST_TMPDIR/run.out" pid dir
  FAKE_K6_STOP_SECONDS=2 start_runner_until_k6_runs "$out"
  pid="$RUNNER_PID"
  kill -HUP "$pid"
  wait_for_runner "$pid" "$out"
  assert_status 129
  assert_output_has "waiting up to 35 s for k6 to stop and write its summary"
  assert_output_has "fake k6: stopping gracefully"
  assert_output_lacks "no summary"
  dir="$(run_dir)"
  [ -s "$dir/load/summary.json" ]
  [ "$(cat "$dir/exit-status")" = 129 ]
  [ "$(json_get "$dir/run.json" j.reason)" = "hangup (SIGHUP)" ]
}

@test "a signal while the exiting runner waits for k6 stops k6 at once" {
  local out="$BATS_TEST_TMPDIR/run.out" pid tries started
  FAKE_K6_STOP_SECONDS=60 start_runner_until_k6_runs "$out"
  pid="$RUNNER_PID"
  kill -HUP "$pid"
  tries=100
  until grep -q 'waiting up to' "$out" 2>/dev/null; do
    ((tries-- > 0)) || { cat "$out"; false; }
    sleep 0.1
  done
  started=$SECONDS
  kill -TERM "$pid"
  wait "$pid" || true
  output="$(cat "$out")"
  ((SECONDS - started < 10))
  assert_output_has "fake k6: terminated, no summary"
  [ "$(cat "$(run_dir)/exit-status")" = 129 ]
}

@test "--target dms: a second client setup against DMS 8.1 reuses the vendor (8.1 refuses a repeated POST /v3/vendors)" {
  start_test_sim
  local admin=("CMS_BASE_URL=$SIM_URL" "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd'")
  write_env_file "API_BASE_URL=$SIM_URL" "${admin[@]}"
  run "$RUNNER" --target dms --phase load
  assert_status 0
  assert_output_has "vendor 1 created (DMS Load Test)"
  rm -rf "$RESULTS_ROOT"
  write_env_file "API_BASE_URL=$SIM_URL" "${admin[@]}"
  run "$RUNNER" --target dms --phase load
  assert_status 0
  assert_output_has "vendor 1 reused (DMS Load Test)"
  assert_output_has "CLIENT_ID and CLIENT_SECRET saved to .env.load-test"
  [ "$(sim_count 'POST /v3/vendors 201')" = 1 ]
  [ "$(sim_count 'POST /v3/vendors 400')" = 0 ]
}

@test "--dashboard: k6's web dashboard listens on loopback only unless K6_WEB_DASHBOARD_HOST says otherwise" {
  run "$RUNNER" --phase load --dashboard
  assert_status 0
  grep -qx "K6_WEB_DASHBOARD=true" "$FAKE_K6_LOG/load.env"
  grep -qx "K6_WEB_DASHBOARD_HOST=127.0.0.1" "$FAKE_K6_LOG/load.env"
  # no terminal here: the runner says there is no live page instead of printing a URL nothing serves
  assert_output_has "k6 web dashboard: no live page (no terminal, or K6_WEB_DASHBOARD_PORT=-1)"
  K6_WEB_DASHBOARD_HOST=0.0.0.0 K6_WEB_DASHBOARD_PORT=5777 run "$RUNNER" --phase load --dashboard
  assert_status 0
  grep -qx "K6_WEB_DASHBOARD_HOST=0.0.0.0" "$FAKE_K6_LOG/load.env"
  assert_output_has "k6 web dashboard: http://0.0.0.0:5777"
}

@test "--phase readwrite alone on the stand-in is refused before anything starts (it starts empty), and recorded" {
  run "$RUNNER" --phase readwrite
  assert_status 2
  assert_output_has "--phase readwrite alone cannot run on the bundled stand-in"
  assert_output_has "--phase full"
  [ ! -e "$FAKE_K6_LOG/readwrite.args" ]
  assert_output_lacks "pre-flight"
  [ "$(json_get "$(run_dir)/run.json" j.exitCode)" = 2 ]
  # the wrapper too; a dry run shows the plan with the warning
  run "$PROJECT/scripts/run-readwrite-phase.sh"
  assert_status 2
  run "$RUNNER" --phase readwrite --dry-run
  assert_status 0
  assert_output_has "(a real run stops here with exit 2)"
}

@test "k6 aborts (108) without a summary: the runner still records the phase and exits 108" {
  FAKE_K6_EXIT_LOAD=108 FAKE_K6_NO_SUMMARY=1 run "$RUNNER" --phase load
  assert_status 108
  assert_output_has "k6 exit code 108: the scenario aborted the test"
  assert_output_lacks "unbound variable"
  [ "$(json_get "$(run_dir)/run.json" 'j.phases.map((p) => p.name + ":" + p.exitCode).join(",")')" = "load:108" ]
  [[ "$(json_get "$(run_dir)/run.json" j.reason)" == *"the scenario aborted the test (its reason is in console.log)"* ]]
}
