#!/usr/bin/env bats
# End to end, the reason this suite exists: one token serves every VU, refreshes do not multiply by the
# VU count, revoked tokens are replaced once, and transient DMS failures are retried without holes in the
# data set. Real k6 against the stand-in; every count comes from the stand-in's own counters.

load ../bats/helpers
use_e2e_dms_version

setup() {
  setup_project
}

teardown() {
  teardown_project
}

# A counter from a phase's summary.json (0 when the metric is absent).
summary_count() {
  json_get "$1" "(j.metrics['$2'] || { values: { count: 0 } }).values.count"
}

@test "50 VUs, 20 s tokens, 90 s of readwrite: at most 8 tokens in all, no 401 or 429 on data calls" {
  # 20 ms of latency keeps 50 unpaced VUs at a DMS-like pace; the rate limiter is off because this test
  # counts tokens (429 here could only be the limiter).
  SIM_TOKEN_LIFETIME_SECONDS=20 SIM_LATENCY_MS=20 SIM_RATE_LIMIT_PERMITS=0 \
    VUS_READWRITE_PHASE=50 DURATION_READWRITE_PHASE=90s READWRITE_RATE=0 \
    run "$RUNNER" --profile smoke --phase full
  assert_status 0
  local dir stats tokens from_k6
  dir="$(run_dir)"
  stats="$dir/sim-stats.json"
  tokens="$(client_tokens "$stats")"
  echo "tokens issued: $tokens"
  # ceil(run / (lifetime - margin)) + 1 with a ~95 s run, 20 s lifetime, 5 s margin; pre-flight included
  [ "$tokens" -le 8 ]
  [ "$tokens" -ge 6 ] # the token really was refreshed along the way
  [ "$(json_get "$stats" 'j.tokens.rejectedByCap')" = 0 ]
  [ "$(data_calls_with "$stats" 401)" = 0 ]
  [ "$(data_calls_with "$stats" 429)" = 0 ]
  [ "$(json_get "$dir/broker-stats.json" j.tokensFetched)" = "$tokens" ]
  # k6 reports every token request exactly once, apart from the data calls
  from_k6=$(($(summary_count "$dir/load/summary.json" token_requests) + $(summary_count "$dir/readwrite/summary.json" token_requests)))
  [ "$from_k6" = "$tokens" ]
}

@test "every token revoked mid-run: VUs get a 401, the broker refreshes once, the run passes" {
  SIM_RATE_LIMIT_PERMITS=0 start_test_sim
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=$SIM_URL" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd'"
  local log="$BATS_TEST_TMPDIR/run.log" pid tries=300 run_status=0
  VUS_READWRITE_PHASE=4 DURATION_READWRITE_PHASE=12s READWRITE_RATE=0 "$RUNNER" --profile smoke --phase full >"$log" 2>&1 &
  pid=$!
  # wait until the readwrite phase is reading, then revoke every token the stand-in issued
  until [ "$(sim_count 'GET /data/ed-fi/students/{id} 200')" -gt 50 ]; do
    ((tries-- > 0)) || { cat "$log"; false; }
    sleep 0.1
  done
  node -e 'fetch(process.argv[1], { method: "POST" }).then((r) => process.exit(r.ok ? 0 : 1))' "$SIM_URL/_sim/faults/revoke-tokens"
  wait "$pid" || run_status=$?
  [ "$run_status" = 0 ] || { cat "$log"; false; }
  local dir unauthorized
  dir="$(run_dir)"
  node "$REPO/dist/runner/net.mjs" get-json "$SIM_URL/_sim/stats" "$BATS_TEST_TMPDIR/stats.json"
  [ "$(client_tokens "$BATS_TEST_TMPDIR/stats.json")" = 2 ]
  unauthorized="$(data_calls_with "$BATS_TEST_TMPDIR/stats.json" 401)"
  echo "401 answers: $unauthorized"
  [ "$unauthorized" -ge 1 ]
  [ "$unauthorized" -le 4 ] # at most one per VU: each retries once with the fresh token
  [ "$(summary_count "$dir/readwrite/summary.json" 'dms_retries{reason:unauthorized}')" = "$unauthorized" ]
}

@test "a slow token endpoint is measured apart from data calls" {
  SIM_TOKEN_LATENCY_MS=1500 run "$RUNNER" --profile smoke --phase load
  assert_status 0
  local dir
  dir="$(run_dir)"
  [ "$(json_get "$dir/load/summary.json" "j.metrics.token_request_duration.values['p(95)'] >= 1500")" = true ]
  [ "$(json_get "$dir/load/summary.json" "j.metrics['http_req_duration{api:data}'].values.max < 1500")" = true ]
}

@test "500 and 503 answers while loading are retried: the data set is still complete" {
  SIM_ERROR_RATE=0.05 run "$RUNNER" --profile dev --phase load
  assert_status 0
  local dir stats
  dir="$(run_dir)"
  stats="$dir/sim-stats.json"
  [ "$(sim_count_prefix 'POST /data/ed-fi/students 5' "$stats")" -gt 0 ] || [ "$(sim_count_prefix 'POST /data/ed-fi/studentSectionAssociations 5' "$stats")" -gt 0 ]
  [ "$(json_get "$stats" 'j.documents.students')" = 100 ]
  [ "$(json_get "$stats" 'j.documents.studentSectionAssociations')" = 300 ]
  [ "$(json_get "$dir/load/summary.json" "j.metrics['dms_retries{reason:unavailable}'].values.count + j.metrics['dms_retries{reason:server-error}'].values.count > 0")" = true ]
  [ "$(json_get "$dir/load/summary.json" 'j.metrics.entities_failed.values.count')" = 0 ]
}

@test "DMS 8.0.0-style rate limiting (empty 429, no Retry-After) is waited out: the data set is complete" {
  # 20 requests per 10 s for the smoke profile's 59 documents: at least three windows of waiting
  SIM_RATE_LIMIT_STYLE=v8.0 SIM_RATE_LIMIT_PERMITS=20 run "$RUNNER" --profile smoke --phase load
  assert_status 0
  local dir stats
  dir="$(run_dir)"
  stats="$dir/sim-stats.json"
  [ "$(data_calls_with "$stats" 429)" -gt 0 ]
  [ "$(json_get "$stats" 'j.documents.students')" = 2 ]
  [ "$(json_get "$stats" 'j.documents.studentSectionAssociations')" = 2 ]
  [ "$(json_get "$dir/load/summary.json" "j.metrics['dms_retries{reason:rate-limited}'].values.count > 0")" = true ]
  [ "$(json_get "$dir/load/summary.json" 'j.metrics.entities_failed.values.count')" = 0 ]
}
