#!/usr/bin/env bats
# Faults a run meets (issue: reliability): a slow token endpoint. Real k6 against the stand-in, through the
# runner; the evidence comes from the token broker's and k6's own figures, not from timing this test.

load ../bats/helpers

setup() {
  setup_project
}

teardown() {
  teardown_project
}

@test "a token endpoint that takes 4 s with 12 s tokens stalls no VU: renewal runs ahead, in the background" {
  SIM_TOKEN_LATENCY_MS=4000 SIM_TOKEN_LIFETIME_SECONDS=12 SIM_RATE_LIMIT_PERMITS=0 \
    DURATION_READWRITE_PHASE=30s run "$RUNNER" --profile smoke --phase full
  assert_status 0
  local dir broker
  dir="$(run_dir)"
  broker="$dir/broker-stats.json"
  # tokens were renewed during the run (30 s of readwrite with 12 s tokens) ...
  [ "$(json_get "$broker" j.tokensFetched)" -ge 3 ]
  # No ask to the broker waited for the token endpoint: a call that waited would have taken its 4 s.
  local slowest
  slowest="$(json_get "$dir/readwrite/summary.json" "Math.round(j.metrics['http_req_duration{api:broker}'].values.max)")"
  echo "slowest broker call in readwrite: $slowest ms"
  [ "$slowest" -lt 2000 ]
  [ "$(json_get "$broker" j.stalledAsks)" = 0 ]
  [ "$(data_calls_with "$dir/sim-stats.json" 401)" = 0 ]
  # the slow endpoint is reported, with what to do
  assert_output_has "token broker: the token endpoint took 4.0 s, more than half the renewal margin of 3.0 s"
}
