#!/usr/bin/env bats
# End to end: baselines through run-load-test.sh with the real k6 against the stand-in (issue 9 items 4
# and 5): like runs pass against a baseline; a baseline that cannot be used fails the run (exit 6) with the
# reason, unless --baseline-optional makes it a warning.

load ../bats/helpers
use_e2e_dms_version

setup() {
  setup_project
  use_test_baselines
  # The limiter would pause a phase for a window at random moments: off, so like runs measure the same.
  export SIM_RATE_LIMIT_PERMITS=0
}

teardown() {
  teardown_project
}

@test "save a smoke run as a baseline, then two like smoke runs with --baseline: both PASS (exit 0)" {
  run "$RUNNER" --profile smoke --save-baseline like
  assert_status 0
  assert_output_has "PASS  baseline saved"
  [ "$(json_get "$BASELINE_DIR/like.json" j.format)" = "dms-load-test-baseline/2" ]
  # the histograms travel with the baseline
  [ "$(json_get "$BASELINE_DIR/like.json" 'j.phases.readwrite.rows[0].histogram.counts.reduce((a, b) => a + b, 0) === j.phases.readwrite.rows[0].count')" = true ]
  local round dir
  for round in 1 2; do
    rm -rf "$RESULTS_ROOT"
    run "$RUNNER" --profile smoke --baseline like
    assert_status 0
    assert_output_has "PASS  baseline               no regression against 'like'"
    dir="$(run_dir)"
    [ "$(json_get "$dir/baseline-comparison.json" j.verdict)" = pass ]
    # the readwrite mix draws each operation's share at random: its requests/s is shown, not judged
    [ "$(json_get "$dir/baseline-comparison.json" "j.rows.filter((r) => r.phase === 'readwrite' && r.resource !== '(all)').flatMap((r) => r.metrics).filter((m) => m.metric === 'throughput' && m.verdict !== 'not-judged').length")" = 0 ]
    # every judged latency cell carries its test
    [ "$(json_get "$dir/baseline-comparison.json" "j.rows.flatMap((r) => r.metrics).filter((m) => m.metric === 'p50' && m.verdict !== 'not-judged' && !(m.test && m.test.name === 'mann-whitney')).length")" = 0 ]
  done
}

@test "a corrupt baseline file: FAIL with the reason, exit 6, before anything runs, and recorded" {
  run "$RUNNER" --profile smoke --phase load --save-baseline broken
  assert_status 0
  corrupt_baseline broken
  rm -rf "$RESULTS_ROOT"
  run "$RUNNER" --profile smoke --phase load --baseline broken
  assert_status 6
  assert_output_has "FAIL  baseline"
  assert_output_has "the comparison with 'broken' cannot be made: $BASELINE_DIR/broken.json is not valid JSON"
  assert_output_lacks "PASS"
  # nothing ran, but the run is recorded: results/latest never points at an earlier PASS for it
  [ ! -e "$(run_dir)/load" ]
  [ "$(json_get "$(run_dir)/run.json" j.exitCode)" = 6 ]
  [[ "$(json_get "$(run_dir)/run.json" j.reason)" == *"broken.json is not valid JSON"* ]]
}

@test "a baseline that shares no phase with the run, or is of another profile: exit 6 with the reason" {
  run "$RUNNER" --profile smoke --phase load --save-baseline load-only
  assert_status 0
  rm -rf "$RESULTS_ROOT"
  run "$RUNNER" --profile smoke --phase readwrite --baseline load-only
  assert_status 6
  assert_output_has "the comparison with 'load-only' cannot be made: baseline 'load-only' ($BASELINE_DIR/load-only.json) has the phase(s) load, this run has readwrite: no phase in common"
  printf '# another profile\nSCHOOL_COUNT=3\nSTUDENT_COUNT=3\nSTAFF_COUNT=2\nCOURSES_PER_SCHOOL=1\nSECTIONS_PER_COURSE=1\nSECTIONS_PER_STUDENT=1\n' >"$PROJECT/.env.profiles/tiny.env"
  run "$RUNNER" --profile tiny --phase load --baseline load-only
  assert_status 6
  assert_output_has "was saved from a smoke run, this is a tiny run"
  [ ! -e "$(run_dir)/load" ]
}

@test "a baseline whose rows the run does not have: the run is made, then FAIL, exit 6, the reason in run.json" {
  run "$RUNNER" --profile smoke --phase load --save-baseline renamed
  assert_status 0
  # the same phase, but not one resource/operation in common (as after renaming every resource)
  node -e 'const f = process.argv[1]; const b = JSON.parse(require("fs").readFileSync(f, "utf8"));
    for (const r of b.phases.load.rows) if (r.resource !== "(all)") r.resource = "x" + r.resource;
    require("fs").writeFileSync(f, JSON.stringify(b));' "$BASELINE_DIR/renamed.json"
  rm -rf "$RESULTS_ROOT"
  run "$RUNNER" --profile smoke --phase load --baseline renamed
  assert_status 6
  assert_output_has "FAIL  baseline               the comparison with 'renamed' cannot be made: nothing to compare"
  assert_output_has "no resource/operation in common"
  local dir
  dir="$(run_dir)"
  [ "$(json_get "$dir/run.json" j.exitCode)" = 6 ]
  [[ "$(json_get "$dir/run.json" j.reason)" == "baseline renamed could not be compared: nothing to compare"* ]]
  [[ "${lines[-1]}" == "FAIL  smoke load against the stand-in (exit code 6, baseline renamed could not be compared: "* ]]
}

@test "--baseline-optional: a baseline that cannot be used is a warning, the run passes (exit 0)" {
  printf '{"format": "dms-load-test-baseline/2", "phases": ' >"$BASELINE_DIR/cut.json"
  run "$RUNNER" --profile smoke --phase load --baseline cut --baseline-optional
  assert_status 0
  assert_output_has "baseline 'cut' cannot be used: $BASELINE_DIR/cut.json is not valid JSON"
  assert_output_has "--baseline-optional: the run's verdict does not include a comparison"
  assert_output_lacks "FAIL  baseline"
  [[ "${lines[-1]}" == "PASS  smoke load against the stand-in: results in "* ]]
  [ ! -e "$(run_dir)/baseline-comparison.json" ]
}
