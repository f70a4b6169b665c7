#!/usr/bin/env bats
# End to end: the workload phases through run-load-test.sh with the real k6 against the stand-in (which
# starts empty, so each run loads the smoke data set first). Short steps keep each run under a minute.

load ../bats/helpers

setup() {
  setup_project
  # Four steps of 4 s: 10, 20, 30 and 40 iterations/s of the readwrite mix, with 4 VUs.
  export CAPACITY_START_RATE=10 CAPACITY_STEP_RATE=10 CAPACITY_MAX_RATE=40 CAPACITY_STEP_DURATION=4s VUS_CAPACITY_PHASE=4
}

teardown() {
  teardown_project
}

# capacity_field DIR EXPRESSION: a value of <run>/capacity/summary.json's `capacity` (as `c`).
capacity_field() {
  json_get "$1/capacity/summary.json" "(c => $2)(j.capacity)"
}

@test "capacity: every step holds on the stand-in; 100 ms more per request and the same VUs sustain less, the ramp stopped at the broken step" {
  run "$RUNNER" --phase capacity
  assert_status 0
  local fast slow
  fast="$(run_dir)"
  [ "$(json_get "$fast/run.json" 'j.phases.map((p) => p.name + ":" + p.exitCode).join(",")')" = "load:0,capacity:0" ]
  [ "$(capacity_field "$fast" 'c.steps.map((s) => s.rate + ":" + s.held).join(",")')" = "10:true,20:true,30:true,40:true" ]
  [ "$(capacity_field "$fast" 'c.sustainable.rate')" = 40 ]
  [[ "$(capacity_field "$fast" 'c.stoppedBy')" == "every step held up to CAPACITY_MAX_RATE (40 iterations/s)"* ]]
  assert_output_has "sustainable capacity: "
  assert_output_has "PASS  phase capacity"
  # each step is judged on its own samples: its iterations are the ones planned for it (10 per second, 4 s)
  [ "$(capacity_field "$fast" 'c.steps.every((s) => Math.abs(s.iterations - s.planned) <= 2)')" = true ]
  grep -q 'id="capacity-steps-capacity"' "$fast/report.html"
  # the generator watched itself: k6's CPU sampled on the cores it has (the smoke load phase may be over
  # before the sampler's first reading: then its verdict says so)
  [ "$(json_get "$fast/capacity/summary.json" 'typeof j.generator.bound + " " + (j.generator.cores >= 1) + " " + typeof j.generator.k6CpuMeanPercent')" = "boolean true number" ]
  [ "$(json_get "$fast/load/summary.json" 'typeof j.generator.bound')" = boolean ]
  grep -q 'id="generator-capacity"' "$fast/report.html"
  grep -q '"capacity-capacity-throughput"' "$fast/report.html"

  mv "$fast" "$BATS_TEST_TMPDIR/fast"
  fast="$BATS_TEST_TMPDIR/fast"
  rm -f "$RESULTS_ROOT/latest"
  # About 170 ms per iteration: 4 VUs sustain some 20 iterations/s, so k6 drops iterations at a lower step.
  SIM_LATENCY_MS=100 run "$RUNNER" --phase capacity
  assert_status 0
  slow="$(run_dir)"
  assert_output_has "k6 exit code 108; the ramp ended: step "
  [ "$(json_get "$slow/run.json" j.status)" = PASS ]
  local slow_rate
  slow_rate="$(capacity_field "$slow" 'c.sustainable.rate')"
  [[ "$slow_rate" -ge 10 && "$slow_rate" -lt 40 ]]
  [ "$(node -e "console.log($(capacity_field "$slow" 'c.sustainable.requestsPerSecond') < $(capacity_field "$fast" 'c.sustainable.requestsPerSecond'))")" = true ]
  # the first broken step is the one after the capacity, and the live judgement stopped the ramp there
  [ "$(capacity_field "$slow" 'c.steps[c.firstBroken].rate')" = $((slow_rate + 10)) ]
  [[ "$(capacity_field "$slow" 'c.steps[c.firstBroken].reason')" == *"planned iterations could not start"* ]]
  [ "$(capacity_field "$slow" 'c.steps.filter((s) => s.judged).length')" -lt 4 ]
  # dropped iterations: the phase is generator-bound (its VU pool was the limit), in console, summary and report
  assert_output_has "phase capacity: generator-bound: k6 dropped "
  [ "$(json_get "$slow/capacity/summary.json" 'j.generator.bound && j.generator.droppedIterations > 0')" = true ]
  grep -q 'GENERATOR-BOUND: k6 dropped' "$slow/report.html"
}

@test "capacity: even the first step breaks the SLO: FAIL (exit 99), no capacity, the reason recorded" {
  SIM_LATENCY_MS=30 THRESHOLD_P95_MS_READWRITE=20 VUS_CAPACITY_PHASE=10 run "$RUNNER" --phase capacity
  assert_status 99
  local dir
  dir="$(run_dir)"
  [ "$(capacity_field "$dir" 'c.sustainable')" = null ]
  [ "$(capacity_field "$dir" 'c.firstBroken')" = 0 ]
  assert_output_has "FAIL  phase capacity"
  # (on a busy machine a few iterations may also be dropped: then that is named too)
  [[ "$(json_get "$dir/run.json" j.reason)" == "phase capacity: no sustainable capacity: step 1 (10 iterations/s) broke the SLO: "*"p95 "*" above the 20 ms limit"* ]]
  [[ "${lines[-1]}" == "FAIL  smoke capacity against the stand-in (exit code 99, phase capacity: no sustainable capacity: step 1 (10 iterations/s) broke the SLO: "* ]]
  grep -q 'no sustainable capacity' "$dir/report.html"
}

@test "volume: POST, PUT every other time, DELETE of new enrolments, nothing left behind; requests/s beside Ed-Fi's" {
  DURATION_VOLUME_PHASE=5s run "$RUNNER" --phase volume
  assert_status 0
  local dir stats posts puts deletes
  dir="$(run_dir)"
  stats="$dir/sim-stats.json"
  [ "$(json_get "$dir/run.json" 'j.phases.map((p) => p.name + ":" + p.exitCode).join(",")')" = "load:0,volume:0" ]
  posts=$(($(sim_count 'POST /data/ed-fi/studentSchoolAssociations 201' "$stats") - 2)) # the load phase made 2
  puts="$(sim_count 'PUT /data/ed-fi/studentSchoolAssociations/{id} 204' "$stats")"
  deletes="$(sim_count 'DELETE /data/ed-fi/studentSchoolAssociations/{id} 204' "$stats")"
  ((posts > 20))
  [ "$deletes" = "$posts" ]
  # every other iteration updates: half, give or take the iterations the VUs had in flight at the end
  ((puts * 2 >= posts - 10 && puts * 2 <= posts + 10))
  [ "$(json_get "$stats" 'j.documents.studentSchoolAssociations')" = 2 ]
  [ "$(json_get "$dir/volume/summary.json" 'j.workload.name + " " + j.workload.parameters.users + " " + j.workload.reference.figures.map((f) => f.value).join("/")')" = "volume 10 1378/1305" ]
  assert_output_has "volume: throughput "
  assert_output_has "beside Ed-Fi 2026-09-30 (PostgreSQL; hardware: not stated in the figures quoted (not this machine)): DMS 8.1 pre-release 1,378 requests/s, ODS/API 7.3.2 1,305 requests/s (a reference, not a verdict"
  grep -q 'id="workload-figures-volume"' "$dir/report.html"
}

@test "deep-paging: every tenth of the collection paged by offset and by cursor, every document read, ms per page by depth" {
  STUDENT_COUNT=50 DEEP_PAGING_PAGE_SIZE=5 run "$RUNNER" --phase deep-paging
  assert_status 0
  local dir
  dir="$(run_dir)"
  [ "$(json_get "$dir/deep-paging/summary.json" 'j.workload.parameters.documents')" = 50 ]
  [ "$(json_get "$dir/deep-paging/summary.json" 'j.workload.depth.filter((r) => r.mode === "offset").map((r) => r.depth).join(",")')" = "0,1,2,3,4,5,6,7,8,9" ]
  [ "$(json_get "$dir/deep-paging/summary.json" 'j.workload.depth.filter((r) => r.mode === "cursor").length')" -ge 9 ]
  [[ "$(json_get "$dir/deep-paging/summary.json" 'j.workload.parameters.cursor')" == "pageToken/pageSize"* ]]
  # both walks read all 50 documents (the checks), in 11 offset pages (the last one empty)
  [ "$(json_get "$dir/deep-paging/summary.json" 'j.metrics.checks.values.passes + "/" + j.metrics.checks.values.fails')" = "2/0" ]
  [ "$(json_get "$dir/deep-paging/summary.json" 'j.metrics["http_req_duration{api:data,mode:offset}"].values.count')" = 11 ]
  [ "$(sim_count_prefix 'GET /data/ed-fi/studentSectionAssociations 200' "$dir/sim-stats.json")" -ge 21 ]
  assert_output_has "deep-paging: mean ms per page (offset) "
  grep -q '"deep-paging-reference"' "$dir/report.html"
}

@test "filtered-read: GETs by query parameters, at most the limit of rows each, the three queries used" {
  DURATION_FILTERED_READ_PHASE=5s FILTERED_READ_LIMIT=1 run "$RUNNER" --phase filtered-read
  assert_status 0
  local dir stats
  dir="$(run_dir)"
  stats="$dir/sim-stats.json"
  [ "$(json_get "$dir/filtered-read/summary.json" 'j.metrics.checks.values.fails')" = 0 ]
  # at most 1 row each (a section may have nobody enrolled: 0)
  [ "$(json_get "$dir/filtered-read/summary.json" '(r => r > 0 && r <= 1)(j.workload.figures.find((f) => f.label === "rows per request").value)')" = true ]
  [ "$(sim_count 'GET /data/ed-fi/studentSchoolAssociations 200' "$stats")" -gt 0 ]
  [ "$(sim_count 'GET /data/ed-fi/studentSectionAssociations 200' "$stats")" -gt 0 ]
  [ "$(sim_count 'GET /data/ed-fi/students 200' "$stats")" -gt 1 ] # the setup's look-up is one
  assert_output_has "filtered-read: mean ms per request "
}

@test "a workload phase against a DMS without the data set stops at setup and says to load it first (exit 108)" {
  start_test_sim
  create_test_client "$SIM_URL"
  API_BASE_URL="$SIM_URL" CLIENT_ID="$TEST_CLIENT_ID" CLIENT_SECRET="$TEST_CLIENT_SECRET" run "$RUNNER" --target dms --phase filtered-read
  assert_status 108
  assert_output_has "filtered-read needs the smoke data set, but student 1 is not in DMS; run the load phase first"
  [ "$(json_get "$(run_dir)/run.json" 'j.phases.map((p) => p.name).join(",")')" = filtered-read ]
}

@test "soak: one k6 run per window, merged into the phase's summary, windows and drift verdict; stable when nothing changes" {
  # a tolerance nothing on a busy machine can reach: this test is about the windows and the merge, not the verdict
  DURATION_SOAK_PHASE=20s SOAK_WINDOW=5s SOAK_DRIFT_TOLERANCE=100 run "$RUNNER" --phase soak
  assert_status 0
  local dir
  dir="$(run_dir)"
  [ "$(json_get "$dir/run.json" 'j.phases.map((p) => p.name + ":" + p.exitCode).join(",")')" = "load:0,soak:0" ]
  [ "$(ls -d "$dir"/soak/window-* | wc -l)" = 4 ]
  assert_output_has "phase soak window 4/4: k6 run"
  # the phase's counts are the windows' counts added
  [ "$(json_get "$dir/soak/summary.json" 'j.metrics["http_reqs{api:data}"].values.count')" = \
    "$(node -e 'let n = 0; for (const f of process.argv.slice(1)) n += require(f).metrics["http_reqs{api:data}"].values.count; console.log(n)' "$dir"/soak/window-0*/summary.json)" ]
  [ "$(json_get "$dir/soak/summary.json" 'j.soak.windows.length + " " + j.soak.rate + " " + j.soak.drift.verdict')" = "4 10 stable" ]
  [ "$(json_get "$dir/soak/summary.json" 'typeof j.generator.bound + " " + typeof j.histograms["(all) (all)"]')" = "boolean object" ]
  assert_output_has "drift: stable: no upward trend beyond the tolerance over 4 windows"
  assert_output_has "PASS  phase soak"
  grep -q 'id="soak-windows-soak"' "$dir/report.html"
}

@test "soak: latency that grows window after window is drifting: FAIL (exit 99) with the trend and its test" {
  start_test_sim
  create_test_client "$SIM_URL"
  export API_BASE_URL="$SIM_URL" CLIENT_ID="$TEST_CLIENT_ID" CLIENT_SECRET="$TEST_CLIENT_SECRET"
  run "$RUNNER" --target dms --phase load
  assert_status 0
  rm -rf "$RESULTS_ROOT"
  local out="$BATS_TEST_TMPDIR/soak.out" pid window
  DURATION_SOAK_PHASE=20s SOAK_WINDOW=5s "$RUNNER" --target dms --phase soak >"$out" 2>&1 3>&- &
  pid=$!
  # each window slower than the last: 40 ms more per data request at the start of windows 2, 3 and 4
  for window in 2 3 4; do
    wait_for_output "$out" "phase soak window $window/4: k6 run" 120
    node -e 'fetch(process.argv[1] + "/_sim/faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ latencyMs: Number(process.argv[2]) }) }).then((r) => process.exit(r.ok ? 0 : 1))' "$SIM_URL" $(((window - 1) * 40))
  done
  wait_for_runner "$pid" "$out"
  assert_status 99
  local dir
  dir="$(run_dir)"
  [ "$(json_get "$dir/soak/summary.json" 'j.soak.drift.verdict')" = drifting ]
  [ "$(json_get "$dir/soak/summary.json" 'j.soak.drift.latency.pValue')" = "$(node -e 'console.log(1 / 24)')" ]
  assert_output_has "FAIL  phase soak"
  [[ "$(json_get "$dir/run.json" j.reason)" == "phase soak: drifting: p95 grew "*"over the soak"*"Mann-Kendall p 0.042 < 0.05)" ]]
}
