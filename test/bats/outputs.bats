#!/usr/bin/env bats
# The user's k6 outputs (K6_OUT from any source, --out) with a fake k6: each phase gets them as --out flags
# with the files placed in its own results folder; bad file names stop the run before anything starts.
# The real k6 writing them is in test/e2e/outputs.bats.

load helpers

setup() {
  setup_project
  use_fake_k6
}

teardown() {
  teardown_project
}

@test "K6_OUT from the env file: each phase gets --out with its own file; k6 never sees K6_OUT itself" {
  write_env_file "K6_OUT=json=out.json,experimental-prometheus-rw"
  run "$RUNNER" --profile smoke
  assert_status 0
  local dir
  dir="$(run_dir)"
  grep -qx -- "json=$dir/load/out.json" "$FAKE_K6_LOG/load.args"
  grep -qx -- "json=$dir/readwrite/out.json" "$FAKE_K6_LOG/readwrite.args"
  # an output without a file is passed on unchanged, once per phase
  grep -qx -- "experimental-prometheus-rw" "$FAKE_K6_LOG/load.args"
  grep -qx -- "experimental-prometheus-rw" "$FAKE_K6_LOG/readwrite.args"
  refute grep -q '^K6_OUT=' "$FAKE_K6_LOG/load.env"
}

@test "--out is repeatable, replaces K6_OUT (as in k6), and keeps csv options and sub-folders" {
  K6_OUT=json=ignored.json run "$RUNNER" --profile smoke --phase load --out csv=fileName=samples/x.csv,saveInterval=2s --out json=a.json.gz
  assert_status 0
  assert_output_has "K6_OUT (shell) is not used: --out replaces it, as in k6"
  local dir
  dir="$(run_dir)"
  grep -qx -- "csv=fileName=$dir/load/samples/x.csv,saveInterval=2s" "$FAKE_K6_LOG/load.args"
  grep -qx -- "json=$dir/load/a.json.gz" "$FAKE_K6_LOG/load.args"
  refute grep -q 'ignored.json' "$FAKE_K6_LOG/load.args"
  [ -d "$dir/load/samples" ] # k6 does not create an output's folder
}

@test "a bare csv output (k6's default file.csv, or K6_CSV_FILENAME) goes into the phase folder too" {
  K6_CSV_FILENAME=mine.csv run "$RUNNER" --profile smoke --phase load --out csv
  assert_status 0
  grep -qx -- "csv=$(run_dir)/load/mine.csv" "$FAKE_K6_LOG/load.args"
}

@test "outputs that would write outside the phase folder or over another file: exit 2 before anything runs" {
  run "$RUNNER" --profile smoke --out json=/tmp/out.json
  assert_status 2
  assert_output_has "output 'json=/tmp/out.json' (--out) writes to an absolute path"
  assert_output_has "e.g. json=out.json: it is written to <run>/<phase>/out.json"
  K6_OUT=json=../out.json run "$RUNNER" --profile smoke
  assert_status 2
  assert_output_has "output 'json=../out.json' (K6_OUT, shell): '../out.json' is not a file inside the phase's results folder"
  run "$RUNNER" --profile smoke --out json=x.json --out csv=x.json
  assert_status 2
  assert_output_has "would both write x.json"
  run "$RUNNER" --profile smoke --out json=summary.json
  assert_status 2
  assert_output_has "the runner writes summary.json into each phase folder itself"
  [ ! -e "$RESULTS_ROOT" ] || [ -z "$(ls -A "$RESULTS_ROOT")" ]
  [ ! -e "$FAKE_K6_LOG/load.args" ]
}

@test "--dry-run and --help show the outputs; a password in an output's URL is masked" {
  run "$RUNNER" --profile smoke --dry-run --out json=out.json --out 'influxdb=http://user:S3cret-pw@db:8086/k6'
  assert_status 0
  assert_output_has "--out json=<run folder>/load/out.json"
  assert_output_has "--out json=<run folder>/readwrite/out.json"
  assert_output_has "--out influxdb=http://user:********@db:8086/k6"
  assert_output_lacks "S3cret-pw"
  run "$RUNNER" --help
  assert_output_has "--out OUTPUT"
}
