#!/usr/bin/env bats
# End to end: run-load-test.sh runs the real k6 against the stand-in; the tests assert k6's exit code, the
# results folder and the stand-in's own counters (sim-stats.json, /_sim/stats).

load ../bats/helpers
use_e2e_dms_version

setup() {
  setup_project
  # The smoke profile, with a short readwrite phase so each test stays well under a minute.
  export DURATION_READWRITE_PHASE=4s
}

teardown() {
  teardown_project
}

@test "smoke load on the stand-in: the data set is created exactly, one token, a complete results folder" {
  write_env_file "# my local settings" "THRESHOLD_CHECKS_RATE=0.99"
  cp "$PROJECT/.env.load-test" "$BATS_TEST_TMPDIR/before.env"
  run "$RUNNER" --profile smoke --phase load
  assert_status 0
  local dir stats
  dir="$(run_dir)"
  stats="$dir/sim-stats.json"
  for file in console.log config.env run.json exit-status report.html load/summary.json sim-stats.json broker-stats.json; do
    [ -s "$dir/$file" ] || { echo "missing $file"; ls -R "$dir"; false; }
  done
  [ "$(cat "$dir/exit-status")" = 0 ]
  [ "$(sim_count 'POST /data/ed-fi/students 201' "$stats")" = 2 ]
  [ "$(sim_count 'POST /data/ed-fi/schools 201' "$stats")" = 2 ]
  [ "$(sim_count 'POST /data/ed-fi/localEducationAgencies 201' "$stats")" = 1 ]
  [ "$(sim_count 'POST /data/ed-fi/studentSchoolAssociations 201' "$stats")" = 2 ]
  [ "$(client_tokens "$stats")" = 1 ]
  [ "$(json_get "$dir/broker-stats.json" j.tokensFetched)" = 1 ]
  [ "$(json_get "$dir/run.json" j.status)" = PASS ]
  [ "$(json_get "$dir/run.json" j.target)" = sim ]
  [ "$(json_get "$dir/run.json" j.versions.k6)" = v2.2.0 ]
  # the stand-in answered like the DMS line of this pass (E2E_DMS_VERSION)
  assert_output_has "answers like DMS $E2E_DMS_VERSION"
  [ "$(json_get "$dir/run.json" 'j.phases[0].exitCode')" = 0 ]
  [ "$(json_get "$dir/load/summary.json" 'typeof j.metrics')" = object ]
  [ "$(json_get "$dir/load/summary.json" '"setup_data" in j')" = false ]
  [ "$(readlink "$RESULTS_ROOT/latest")" = "${dir##*/}" ]
  [[ "${lines[-1]}" == "PASS  smoke load against the stand-in: results in $dir" ]]
  grep -q 'PASS  phase load' "$dir/console.log"
  # a stand-in run never touches the user's env file
  cmp "$PROJECT/.env.load-test" "$BATS_TEST_TMPDIR/before.env"
  refute compgen -G "$PROJECT/.env.load-test.bak*"
}

@test "smoke full on the stand-in: load then readwrite in one folder, one shared token, no 401 or 429" {
  # The stand-in's rate limiter (20000 requests per 10 s, like DMS) is off here: two unpaced readwrite VUs
  # on a fast machine can exceed it, and this test is about the shared token, not the limiter.
  SIM_RATE_LIMIT_PERMITS=0 run "$RUNNER" --profile smoke --phase full
  assert_status 0
  local dir stats
  dir="$(run_dir)"
  stats="$dir/sim-stats.json"
  [ -s "$dir/load/summary.json" ]
  [ -s "$dir/readwrite/summary.json" ]
  [ -s "$dir/readwrite/timeseries.ndjson" ] # live progress samples from k6's REST API
  [ -s "$dir/report.html" ]
  [ "$(json_get "$dir/run.json" 'j.phases.map((p) => p.name + ":" + p.exitCode).join(",")')" = "load:0,readwrite:0" ]
  [ "$(client_tokens "$stats")" -le 2 ]
  [ "$(data_calls_with "$stats" 401)" = 0 ]
  [ "$(data_calls_with "$stats" 429)" = 0 ]
  [ "$(sim_count_prefix 'GET /data/ed-fi/' "$stats")" -gt 0 ]
  [[ "$(sim_count 'POST /data/ed-fi/students 201' "$stats")" -ge 2 ]]
}

@test "thresholds fail: k6's exit code 99 reaches the runner, the failed threshold is named" {
  SIM_LATENCY_MS=25 THRESHOLD_P95_MS_LOAD=5 run "$RUNNER" --profile smoke --phase load
  assert_status 99
  assert_output_has "k6 exit code 99: thresholds failed"
  assert_output_has "failed: http_req_duration{api:data}  p(95)<5"
  local dir
  dir="$(run_dir)"
  [ "$(cat "$dir/exit-status")" = 99 ]
  [ "$(json_get "$dir/run.json" j.status)" = FAIL ]
  [ "$(json_get "$dir/run.json" j.exitCode)" = 99 ]
  [[ "${lines[-1]}" == "FAIL  smoke load against the stand-in (exit code 99, phase load: k6 exit code 99, thresholds failed: http_req_duration{api:data} p(95)<5): results in $dir" ]]
}

@test "baselines: save a passing run, then a slower run regresses: exit 5, named in the results" {
  export BASELINE_DIR="$BATS_TEST_TMPDIR/baselines"
  SIM_RATE_LIMIT_PERMITS=0 run "$RUNNER" --profile smoke --save-baseline smoke-sim
  assert_status 0
  assert_output_has "PASS  baseline saved"
  [ -s "$BASELINE_DIR/smoke-sim.json" ]
  [ -s "$(run_dir)/report.html" ]
  rm -rf "$RESULTS_ROOT"
  SIM_RATE_LIMIT_PERMITS=0 SIM_LATENCY_MS=20 THRESHOLD_P95_MS_LOAD=5000 THRESHOLD_P95_MS_READWRITE=5000 \
    run "$RUNNER" --profile smoke --baseline smoke-sim
  assert_status 5
  assert_output_has "FAIL  baseline"
  assert_output_has "regression against 'smoke-sim'"
  local dir
  dir="$(run_dir)"
  [ -s "$dir/baseline-comparison.json" ]
  [ "$(json_get "$dir/run.json" j.exitCode)" = 5 ]
  # the reason names the regressed rows (phase, resource, operation, metric: before -> after)
  local named='^regression against baseline smoke-sim: (load|readwrite) [^ ]+ [^ ]+ (p50|p95|p99|throughput) [0-9.]+ -> [0-9.]+'
  [[ "$(json_get "$dir/run.json" j.reason)" =~ $named ]]
  [ "$(json_get "$dir/run.json" 'j.phases.map((p) => p.exitCode).join()')" = "0,0" ]
  # junit.xml: one test case per comparison row, a failure for each row that regressed
  assert_junit_shape "$dir/junit.xml"
  [ "$(xml_value "$dir/junit.xml" 'count(//testsuite[@name="baseline smoke-sim"]/testcase)')" = "$(json_get "$dir/baseline-comparison.json" j.rows.length)" ]
  [ "$(xml_value "$dir/junit.xml" 'count(//testsuite[@name="baseline smoke-sim"]/testcase[failure])')" = \
    "$(json_get "$dir/baseline-comparison.json" 'j.rows.filter((r) => r.metrics.some((m) => m.verdict === "regression")).length')" ]
  [[ "$(xml_value "$dir/junit.xml" 'string(//testsuite[@name="baseline smoke-sim"]/testcase[failure][1]/failure/@message)')" =~ ^(load|readwrite)\ .+\ regressed:\ (p50|p95|p99|throughput|errorRate)\  ]]
  grep -q '^### Baseline `smoke-sim`: \*\*[0-9]* regression(s)\*\*$' "$dir/summary.md"
}

@test "--target dms (the stand-in as DMS): client setup saves the client, the next run reuses it, the secret never shows" {
  start_test_sim
  # the test's own stand-in answers like the DMS line of this pass too (discovery names it)
  node "$REPO/dist/runner/net.mjs" get-json "$SIM_URL/" "$BATS_TEST_TMPDIR/discovery.json"
  [ "$(json_get "$BATS_TEST_TMPDIR/discovery.json" j.version)" = "$E2E_DMS_VERSION.0" ]
  # a district's own copy of a descriptor the data set uses, spelled in another case ('Ninth grade' in ours):
  # DMS's identity is case-insensitive and its queries are not; the load must find it, not overwrite it
  local ninth='{"namespace":"uri://ed-fi.org/GradeLevelDescriptor","codeValue":"Ninth Grade","shortDescription":"Ninth grade (district)"}'
  sim_data POST ed-fi/gradeLevelDescriptors "$ninth"
  local apps
  apps="$(( $(sim_count 'POST /v3/applications 201') + 1 ))" # the district's client above, then the suite's
  write_env_file "# DMS under test" "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=$SIM_URL" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd'" \
    "" "# scale" "VUS_LOAD_PHASE=2"
  cp "$PROJECT/.env.load-test" "$BATS_TEST_TMPDIR/before.env"
  run "$RUNNER" --profile smoke --phase load
  assert_status 0
  assert_output_has "target    dms: $SIM_URL"
  assert_output_has "CLIENT_ID and CLIENT_SECRET saved to .env.load-test (mode 600)"
  local env_file="$PROJECT/.env.load-test" secret backups
  [ "$(stat -c %a "$env_file")" = 600 ]
  backups=("$env_file".bak.*)
  [ "${#backups[@]}" = 1 ]
  cmp "${backups[0]}" "$BATS_TEST_TMPDIR/before.env"
  grep -qx '# DMS under test' "$env_file"
  grep -qx 'VUS_LOAD_PHASE=2' "$env_file"
  grep -qx '# scale' "$env_file"
  grep -q "^CLIENT_ID='" "$env_file"
  secret="$(node --input-type=module -e 'const { readEnvFile } = await import(process.argv[1]); console.log(readEnvFile(process.argv[2]).values.get("CLIENT_SECRET").value)' "$REPO/dist/runner/envfile.mjs" "$env_file")"
  [ "${#secret}" -ge 16 ]
  assert_output_lacks "$secret"
  [ "$(sim_count 'POST /v3/applications 201')" = "$apps" ]

  run "$RUNNER" --profile smoke --phase load
  assert_status 0
  assert_output_has "CLIENT_ID "
  assert_config_line CLIENT_SECRET '********' .env.load-test
  assert_output_lacks "client setup"
  assert_output_lacks "$secret"
  [ "$(sim_count 'POST /v3/applications 201')" = "$apps" ]
  # the second load upserts the same data set
  [ "$(sim_count 'POST /data/ed-fi/students 201')" = 2 ]
  [ "$(sim_count 'POST /data/ed-fi/students 200')" = 2 ]
  # shared reference data is looked up first and only created when missing, in either run
  [ "$(sim_count 'POST /data/ed-fi/gradeLevelDescriptors 201')" = 13 ]
  [ "$(sim_count 'POST /data/ed-fi/gradeLevelDescriptors 200')" = 0 ]
  [ "$(sim_count 'POST /data/ed-fi/schoolYearTypes 200')" = 0 ]
  sim_data GET 'ed-fi/gradeLevelDescriptors?codeValue=Ninth%20Grade' | grep -qF '"shortDescription":"Ninth grade (district)"'
  json_get "$RESULTS_ROOT/latest/load/summary.json" 'j.metrics["entities_existing{resource:gradeLevelDescriptors}"].values.count' | grep -qx 13
  refute grep -rqF -- "$secret" "$RESULTS_ROOT"
  refute grep -rqF -- 'ValidClientSecret1234567890!Abcd' "$RESULTS_ROOT"
  backups=("$env_file".bak.*)
  [ "${#backups[@]}" = 1 ]
}

@test "Ctrl-C during the load phase: k6 stops gracefully (105), readwrite is skipped, the stand-in is stopped" {
  local out="$BATS_TEST_TMPDIR/run.out" pid tries=300 sim_pid dir
  export SIM_LATENCY_MS=400
  set -m # job control: the runner gets its own process group with SIGINT handled, as on a terminal
  "$RUNNER" --profile smoke --phase full >"$out" 2>&1 3>&- &
  pid=$!
  set +m
  until grep -q '^== phase load' "$out" 2>/dev/null; do
    ((tries-- > 0)) || { cat "$out"; false; }
    sleep 0.1
  done
  sleep 2
  kill -INT "$pid"
  wait_for_runner "$pid" "$out"
  assert_status 105
  assert_output_has "INT: stopping k6 gracefully"
  assert_output_has "k6 exit code 105: stopped by a signal"
  assert_output_has "skipping the readwrite phase"
  dir="$(run_dir)"
  [ -s "$dir/load/summary.json" ]
  [ ! -e "$dir/readwrite" ]
  [ "$(json_get "$dir/run.json" 'JSON.stringify(j.phases.map((p) => p.exitCode))')" = '[105,null]' ]
  sim_pid="$(sed -n 's/.*PASS  stand-in .*(pid \([0-9]*\);.*/\1/p' "$out")"
  [ -n "$sim_pid" ]
  refute kill -0 "$sim_pid" 2>/dev/null
  [ -s "$dir/sim-stats.json" ]
}

@test "--dashboard: k6's web dashboard is saved as dashboard.html in the phase's results (no port without a terminal)" {
  DURATION_READWRITE_PHASE=8s run "$RUNNER" --profile smoke --phase full --dashboard
  assert_status 0
  assert_output_has "k6 web dashboard"
  local dir
  dir="$(run_dir)"
  # the load phase of smoke is shorter than k6's minimum for a saved dashboard; readwrite is not
  [ -s "$dir/readwrite/dashboard.html" ] || { ls -R "$dir"; false; }
  grep -q 'dashboard.html' "$dir/report.html"
}

@test "claim sets on (EdFiSandbox): the deployment's school years are found, both phases pass" {
  # The stand-in seeds the school years DMS deployments load (eng/SchoolYear-Loader.psm1), which
  # EdFiSandbox may only read; before that the load phase stopped with exit 108 on schoolYearTypes (403).
  # 8.1 authorizes a POST of an existing document as an update, 8.0 as a create: both must pass.
  local dir
  export SIM_AUTHORIZATION=claim-sets
  run "$RUNNER" --profile smoke
  assert_status 0
  dir="$(run_dir)"
  assert_output_has "answers like DMS $E2E_DMS_VERSION"
  assert_output_has "application 1 created: claim set EdFiSandbox"
  [ "$(sim_count 'GET /data/ed-fi/schoolYearTypes 200' "$dir/sim-stats.json")" -ge 1 ]
  [ "$(sim_count_prefix 'POST /data/ed-fi/schoolYearTypes ' "$dir/sim-stats.json")" = 0 ]
  [ "$(sim_count_prefix 'POST /data/ed-fi/students 403' "$dir/sim-stats.json")" = 0 ]
  json_get "$dir/load/summary.json" 'j.metrics["entities_existing{resource:schoolYearTypes}"].values.count' | grep -qx 1
}

@test "claim sets on (SISVendor): what the load phase may not do is reported clearly, in the record too, never a crash" {
  # SISVendor (DMS's Claims.json) may not create descriptors: the load phase stops at once (108) and names
  # the resource, DMS's 403 problem type and the claim set, in the console, run.json and summary.json.
  local dir
  export SIM_AUTHORIZATION=claim-sets CLAIM_SET_NAME=SISVendor
  run "$RUNNER" --profile smoke
  assert_status 108
  dir="$(run_dir)"
  assert_output_has "answers like DMS $E2E_DMS_VERSION"
  assert_output_has "claim set SISVendor"
  assert_output_has "403 urn:ed-fi:api:security:authorization:access-denied:action"
  assert_output_lacks "script error"
  [[ "$(json_get "$dir/run.json" j.reason)" == *"DMS refused to create "*"(403): the API client's claim set does not allow it"* ]]
  [ "$(json_get "$dir/run.json" 'j.phases.map((p) => p.name + ":" + p.exitCode).join(",")')" = "load:108,readwrite:null" ]
  [ "$(json_get "$dir/load/summary.json" "j.problems.some((p) => p.status === 403 && p.errors.join(' ').includes('SISVendor'))")" = true ]
}
