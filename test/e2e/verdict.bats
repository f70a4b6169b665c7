#!/usr/bin/env bats
# End to end, issue 9: the verdict rests on what each operation finally got, not on single attempts, and
# an answer that cannot get better by waiting is explained at once. Real k6 against the stand-in through
# run-load-test.sh; counts come from the stand-in's counters and the phase's summary.json.

load ../bats/helpers
use_e2e_dms_version

setup() {
  setup_project
}

teardown() {
  teardown_project
}

# sim_faults JSON: merges fault settings into the test's own stand-in ($SIM_URL) at runtime.
sim_faults() {
  node -e 'fetch(process.argv[1], { method: "POST", headers: { "content-type": "application/json" }, body: process.argv[2] })
    .then(async (r) => { if (!r.ok) { console.error(await r.text()); process.exit(1); } })' "$SIM_URL/_sim/faults" "$1"
}

# Points the runner at the test's own stand-in as if it were a district's DMS (client setup through its CMS).
use_test_sim_as_dms() {
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=$SIM_URL" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd'"
}

# A test stand-in of its own as the district's DMS, with the smoke data set loaded through the runner.
load_smoke_into_test_sim() {
  SIM_RATE_LIMIT_PERMITS=0 start_test_sim
  use_test_sim_as_dms
  run "$RUNNER" --profile smoke --phase load
  assert_status 0
}

@test "a login wall answering a third of the data GETs with 200 text/html fails the readwrite phase and names what came back" {
  load_smoke_into_test_sim
  # from now on every third data GET is a login page (a gateway in front of DMS)
  sim_faults '{"nonJsonRate":0.34}'
  DURATION_READWRITE_PHASE=6s run "$RUNNER" --profile smoke --phase readwrite
  assert_status 99
  assert_output_lacks "PASS  smoke readwrite"
  assert_output_has "failed: dms_operation_failed  rate<=0.01"
  # the first occurrences are printed at once: resource, operation, status and content type
  assert_output_has "students read: 200 text/html"
  local summary="$RESULTS_ROOT/latest/readwrite/summary.json"
  [ "$(json_get "$summary" "j.metrics.dms_operation_failed.values.rate > 0.1")" = true ]
  [ "$(json_get "$summary" "j.problems.some((p) => p.kind === 'wrong-body' && p.status === 200 && p.contentType.startsWith('text/html') && p.bodySnippet.includes('<html'))")" = true ]
  # a read that got the login page is a failed operation of its own resource and operation
  [ "$(json_get "$summary" "j.metrics['dms_operation_failed{resource:students,op:read}'].values.passes > 0")" = true ]
}

@test "a rate limiter that is waited out (10 requests per 2 s) does not fail the load phase; the retries are shown" {
  # The issue saw this with 40 per 2 s; 10 makes the 429s certain on a slow machine too (the smoke load
  # makes about 75 requests, more than 40 per 2 s only when the machine is fast).
  SIM_RATE_LIMIT_PERMITS=10 SIM_RATE_LIMIT_WINDOW_SECONDS=2 run "$RUNNER" --profile smoke --phase load
  assert_status 0
  local dir
  dir="$(run_dir)"
  [ "$(data_calls_with "$dir/sim-stats.json" 429)" -gt 0 ]
  [ "$(json_get "$dir/sim-stats.json" 'j.documents.studentSectionAssociations')" = 2 ]
  [ "$(json_get "$dir/load/summary.json" "j.metrics['dms_retries{reason:rate-limited}'].values.count > 0")" = true ]
  # each attempt answered 429 is still visible per attempt, but the outcome of every request is success
  [ "$(json_get "$dir/load/summary.json" "j.metrics['http_req_failed{api:data}'].values.rate > 0")" = true ]
  [ "$(json_get "$dir/load/summary.json" "j.metrics['dms_request_failed{api:data}'].values.rate")" = 0 ]
  # the summary shows the retries by reason
  grep -Eq '^attempts .* retried ([a-z-]+ [0-9]+, )*rate-limited [0-9]+' <<<"$output"
}

@test "the same with DMS 8.0.0's rate limiter (an empty 429, no Retry-After): PASS" {
  SIM_RATE_LIMIT_STYLE=v8.0 SIM_RATE_LIMIT_PERMITS=10 SIM_RATE_LIMIT_WINDOW_SECONDS=2 run "$RUNNER" --profile smoke --phase load
  assert_status 0
  local dir
  dir="$(run_dir)"
  [ "$(data_calls_with "$dir/sim-stats.json" 429)" -gt 0 ]
  [ "$(json_get "$dir/load/summary.json" "j.metrics['dms_request_failed{api:data}'].values.rate")" = 0 ]
}

@test "a state education agency that already holds a school's id: the load stops at once and names the identity conflict" {
  SIM_RATE_LIMIT_PERMITS=0 start_test_sim
  local school_id
  school_id="$(cd "$REPO" && node --import tsx -e 'import("./src/data/keys.ts").then((k) => console.log(k.schoolId(1)))')"
  [ "$school_id" -gt 0 ]
  sim_data POST ed-fi/educationOrganizationCategoryDescriptors \
    '{"namespace":"uri://ed-fi.org/EducationOrganizationCategoryDescriptor","codeValue":"State Education Agency","shortDescription":"State Education Agency"}'
  sim_data POST ed-fi/stateEducationAgencies "{\"stateEducationAgencyId\":$school_id,\"nameOfInstitution\":\"The State\",\"categories\":[{\"educationOrganizationCategoryDescriptor\":\"uri://ed-fi.org/EducationOrganizationCategoryDescriptor#State Education Agency\"}]}"
  use_test_sim_as_dms
  run "$RUNNER" --profile smoke --phase load
  assert_status 108
  # the answer itself, at once: resource, operation, status, problem type and detail
  assert_output_has "schools create: 409 urn:ed-fi:api:identity-conflict"
  assert_output_has "the load stops: schools create answered 409 urn:ed-fi:api:identity-conflict"
  # ... and the record says it too: run.json's reason (the report's verdict reasons come from it)
  [[ "$(json_get "$RESULTS_ROOT/latest/run.json" j.reason)" == *"the scenario aborted the test: the load stops: schools create answered 409 urn:ed-fi:api:identity-conflict"* ]]
  grep -q "the load stops: schools create answered 409" "$RESULTS_ROOT/latest/report.html"
  # no waiting on the missing school: today every document of school 1 waited 13 times on a 409
  local stats="$BATS_TEST_TMPDIR/stats.json" conflicts
  node "$REPO/dist/runner/net.mjs" get-json "$SIM_URL/_sim/stats" "$stats"
  conflicts="$(data_calls_with "$stats" 409)"
  echo "409 answers: $conflicts"
  [ "$conflicts" -le 8 ]
  local summary="$RESULTS_ROOT/latest/load/summary.json"
  [ "$(json_get "$summary" "j.problems.some((p) => p.resource === 'schools' && p.op === 'create' && p.status === 409 && p.problemType === 'urn:ed-fi:api:identity-conflict' && p.detail !== '' && JSON.stringify(p.errors).includes('$school_id'))")" = true ]
}

@test "a server error on readwrite's check of the data set is retried, not taken for a missing data set" {
  load_smoke_into_test_sim
  # the readwrite run's data calls: the pre-flight's data-access GET, then setup()'s look-up of the last
  # student; that one is answered 500 (a backend outage of one call)
  sim_faults '{"outageAfterCalls":1,"outageCalls":1}'
  DURATION_READWRITE_PHASE=3s run "$RUNNER" --profile smoke --phase readwrite
  assert_status 0
  assert_output_lacks "is not in DMS"
  [ "$(sim_count 'GET /data/ed-fi/students 500')" = 1 ]
  [ "$(json_get "$RESULTS_ROOT/latest/readwrite/summary.json" "j.metrics['dms_retries{reason:server-error}'].values.count")" = 1 ]
}

@test "server errors in readwrite are unexpected statuses, not missing data" {
  # a fifth of the data requests answered 500 or 503; the budgets are opened so that only missing data can fail
  SIM_RATE_LIMIT_PERMITS=0 SIM_ERROR_RATE=0.2 THRESHOLD_ERROR_RATE=1 THRESHOLD_CHECKS_RATE=0 DURATION_READWRITE_PHASE=5s \
    run "$RUNNER" --profile smoke --phase full
  assert_status 0
  local summary
  summary="$(run_dir)/readwrite/summary.json"
  [ "$(json_get "$summary" "j.metrics.dms_unexpected_status.values.count > 0")" = true ]
  [ "$(json_get "$summary" "j.metrics.readwrite_missing_data.values.count")" = 0 ]
}
