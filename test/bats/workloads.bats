#!/usr/bin/env bats
# The workload phases on the command line (fast, no k6 run): which phases a run has on the stand-in and on
# a DMS, and settings that are refused before anything starts (exit 2, no results folder).

load helpers

setup() {
  setup_project
}

teardown() {
  teardown_project
}

@test "--phase capacity on the stand-in runs the load phase first (it starts empty): the plan and the banner say so" {
  run "$RUNNER" --phase capacity --dry-run
  assert_status 0
  assert_output_has "phase     capacity (load first: the stand-in starts empty; then capacity)"
  assert_output_has "7. phase load: k6 run"
  assert_output_has "8. phase capacity: k6 run --address 127.0.0.1:<free port> --quiet dist/capacity.js"
  assert_output_has "LIVE_METRICS_URL (k6's REST API)"
}

@test "--phase volume, deep-paging, filtered-read on the stand-in: the load phase first, each phase's own bundle" {
  local phase
  for phase in volume deep-paging filtered-read; do
    run "$RUNNER" --phase "$phase" --dry-run
    assert_status 0
    assert_output_has "phase     $phase (load first: the stand-in starts empty; then $phase)"
    assert_output_has "7. phase load: k6 run"
    assert_output_has "8. phase $phase: k6 run --address 127.0.0.1:<free port> --quiet dist/$phase.js"
  done
}

@test "--phase capacity against a DMS runs over the data loaded earlier: capacity alone" {
  API_BASE_URL=http://127.0.0.1:9 CLIENT_ID=key CLIENT_SECRET=secret run "$RUNNER" --phase capacity --target dms --dry-run
  assert_status 0
  assert_output_has "phase     capacity"
  assert_output_has "phase capacity: k6 run"
  assert_output_lacks "phase load: k6 run"
}

@test "a capacity maximum below its start is refused before anything starts, naming both settings and their sources" {
  printf 'CAPACITY_START_RATE=50\n' >>"$PROJECT/.env.profiles/smoke.env"
  CAPACITY_MAX_RATE=40 run "$RUNNER" --phase capacity
  assert_status 2
  assert_output_has "CAPACITY_MAX_RATE=40 (shell) is below CAPACITY_START_RATE=50 (.env.profiles/smoke.env)"
  assert_output_has "raise CAPACITY_MAX_RATE or lower CAPACITY_START_RATE"
  refute compgen -G "$RESULTS_ROOT/2*"
}

@test "the same maximum does not matter to a run without the capacity phase" {
  use_fake_k6
  CAPACITY_START_RATE=50 CAPACITY_MAX_RATE=40 run "$RUNNER" --phase load
  assert_status 0
}

@test "bad capacity values are refused with the variable, where it was set and a fix" {
  CAPACITY_P95_GROWTH=half run "$RUNNER" --phase capacity
  assert_status 2
  assert_output_has "CAPACITY_P95_GROWTH='half' must be a number from 0 to 100"
  assert_output_has "set in: your shell environment"
  assert_output_has "fix:    export CAPACITY_P95_GROWTH=0.5"
  CAPACITY_STEP_DURATION=10 run "$RUNNER" --phase capacity
  assert_status 2
  assert_output_has "CAPACITY_STEP_DURATION='10' must be a duration"
}

@test "an unknown phase lists the phases there are" {
  run "$RUNNER" --phase capacityy
  assert_status 2
  assert_output_has "unknown phase 'capacityy'"
  assert_output_has "Use --phase load, readwrite, full, capacity, soak, volume, deep-paging or filtered-read."
}

@test "a k6 output may not overwrite the generator's samples, which the runner writes into each phase folder" {
  run "$RUNNER" --profile smoke --out json=generator-samples.json
  assert_status 2
  assert_output_has "the runner writes generator-samples.json into each phase folder itself"
}

@test "soak without a rate: refused before anything starts, naming both ways to give one" {
  run "$RUNNER" --profile dev --phase soak
  assert_status 2
  assert_output_has "the soak phase needs a rate: SOAK_RATE is not set, and neither is SOAK_BASELINE"
  assert_output_has "(./run-load-test.sh --phase capacity --save-baseline NAME): the soak then runs at SOAK_CAPACITY_SHARE (0.7) of its capacity."
  refute compgen -G "$RESULTS_ROOT/2*"
}

@test "soak from a saved capacity: 70% of its sustainable rate, the source said; a baseline without one is refused" {
  use_test_baselines
  printf '{"format":"dms-load-test-baseline/2","name":"cap","fingerprint":{},"phases":{"capacity":{"rows":[],"capacity":{"rate":60,"requestsPerSecond":102,"heldSteps":6,"startRate":10,"stepRate":10,"atMax":false,"found":true}}}}\n' >"$BASELINE_DIR/cap.json"
  SOAK_BASELINE=cap run "$RUNNER" --profile dev --phase soak --dry-run
  assert_status 0
  assert_config_line SOAK_RATE 42 "0.7 x the capacity in baseline cap (60 iterations/s)"
  assert_output_has "phase     soak (load first: the stand-in starts empty; then soak)"
  SOAK_BASELINE=cap SOAK_CAPACITY_SHARE=0.5 run "$RUNNER" --profile dev --phase soak --dry-run
  assert_config_line SOAK_RATE 30 "0.5 x the capacity in baseline cap (60 iterations/s)"
  printf '{"format":"dms-load-test-baseline/2","name":"rw","fingerprint":{},"phases":{"readwrite":{"rows":[]}}}\n' >"$BASELINE_DIR/rw.json"
  SOAK_BASELINE=rw run "$RUNNER" --profile dev --phase soak
  assert_status 2
  assert_output_has "rw.json holds no sustainable capacity: save one from a capacity run"
  SOAK_BASELINE=nothing run "$RUNNER" --profile dev --phase soak
  assert_status 2
  assert_output_has "SOAK_BASELINE=nothing (shell): there is no baseline $BASELINE_DIR/nothing.json"
}

@test "a soak window shorter than a second is refused before anything starts" {
  SOAK_WINDOW=0.5s run "$RUNNER" --phase soak
  assert_status 2
  assert_output_has "SOAK_WINDOW='0.5s' (shell): SOAK_WINDOW='0.5s' is shorter than 1s"
  assert_output_has "A window is one k6 run: use a duration of 1s or more, e.g. 10m."
}
