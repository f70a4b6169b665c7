#!/usr/bin/env bats
# Command line: help, profiles, usage errors (exit 2, nothing started), dry run, wrappers, colours.

load helpers

setup() {
  setup_project
}

teardown() {
  teardown_project
}

@test "--help lists the options, the settings and the exit codes" {
  run "$RUNNER" --help
  assert_status 0
  assert_output_has "--profile NAME"
  assert_output_has "--phase PHASE"
  assert_output_has "--target TARGET"
  assert_output_has "--env-file PATH"
  assert_output_has "--dry-run"
  assert_output_has "Exit codes:"
  assert_output_has "99 thresholds failed"
  assert_output_has "VUS_LOAD_PHASE"
  assert_output_has "CMS_ADMIN_CLIENT_SECRET"
}

@test "--help shows each setting's unit and range, and a default only where there is one" {
  # It used to show the description as the default of each setting without one (API_BASE_URL [default: DMS base URL ...]).
  run "$RUNNER" --help
  assert_status 0
  local api vus
  api="$(printf '%s\n' "$output" | sed -n '/^  API_BASE_URL /,/^  [A-Z]/p' | sed '$d')"
  vus="$(printf '%s\n' "$output" | sed -n '/^  VUS_LOAD_PHASE /,/^  [A-Z]/p' | sed '$d')"
  [[ "$api" == *"[URL]"* ]]
  [[ "$api" != *default* ]]
  [[ "$vus" == *"[whole number, VUs, >= 1; default: 2]"* ]]
  assert_output_has "BASELINE_P95_TOLERANCE"
  assert_output_has "DISCOVERY_TIMEOUT_SECONDS"
}

@test "--list-profiles lists the shipped profiles and a custom one" {
  printf '# nightly: our own scale\nSCHOOL_COUNT=3\nSTUDENT_COUNT=30\n' >"$PROJECT/.env.profiles/nightly.env"
  run "$RUNNER" --list-profiles
  assert_status 0
  for name in smoke dev staging prod nightly; do
    assert_output_has "  $name "
  done
  assert_output_has "nightly: our own scale"
  assert_output_has "STUDENT_COUNT=75000"
}

@test "unknown option: exit 2, names the option" {
  run "$RUNNER" --profil smoke
  assert_status 2
  assert_output_has "unknown option '--profil'"
  assert_output_has "--help"
}

@test "unexpected argument: exit 2" {
  run "$RUNNER" smoke
  assert_status 2
  assert_output_has "unexpected argument 'smoke'"
  assert_output_has "--profile smoke"
}

@test "option without its value: exit 2" {
  run "$RUNNER" --profile
  assert_status 2
  assert_output_has "option --profile needs a value"
}

@test "unknown profile: exit 2, lists the available profiles" {
  run "$RUNNER" --profile huge
  assert_status 2
  assert_output_has "unknown profile 'huge'"
  assert_output_has "Available profiles: dev prod smoke staging"
  [ ! -e "$RESULTS_ROOT" ]
}

@test "a profile name cannot reach outside .env.profiles" {
  run "$RUNNER" --profile ../scripts/lib/log
  assert_status 2
  assert_output_has "unknown profile"
}

@test "unknown phase: exit 2, names the valid ones" {
  run "$RUNNER" --phase stress
  assert_status 2
  assert_output_has "unknown phase 'stress'"
  assert_output_has "Use --phase load, readwrite, full, capacity, soak, volume, deep-paging or filtered-read."
}

@test "unknown target: exit 2" {
  run "$RUNNER" --target prod
  assert_status 2
  assert_output_has "unknown target 'prod'"
}

@test "bad --sim-port: exit 2" {
  run "$RUNNER" --sim-port 70000
  assert_status 2
  assert_output_has "--sim-port '70000' is not a port number"
}

@test "--env-file that does not exist: exit 2 with the cp command" {
  run "$RUNNER" --env-file "$BATS_TEST_TMPDIR/nope.env"
  assert_status 2
  assert_output_has "does not exist"
  assert_output_has "cp .env.load-test.example"
}

@test "--dry-run prints the plan and the k6 commands, and starts or writes nothing" {
  run "$RUNNER" --profile dev --dry-run
  assert_status 0
  assert_output_has "target    sim: the bundled DMS stand-in, NOT a real DMS"
  assert_output_has "plan (dry run"
  assert_output_has "k6 run --address 127.0.0.1:<free port> --quiet dist/load.js"
  assert_output_has "k6 run --address 127.0.0.1:<free port> --quiet dist/readwrite.js"
  assert_output_has "RESULTS_DIR=<run folder>/<phase>"
  assert_output_lacks "listening on"
  [ ! -e "$RESULTS_ROOT" ]
  [ ! -e "$PROJECT/.env.load-test" ]
}

@test "the banner names the suite version: the git commit, or unknown outside git" {
  run "$RUNNER" --dry-run
  assert_status 0
  assert_output_has "suite     unknown (not a git checkout)"
  git -C "$PROJECT" init -q
  git -C "$PROJECT" add -A
  git -C "$PROJECT" -c user.name=t -c user.email=t@example.com commit -q -m test
  run "$RUNNER" --dry-run
  assert_status 0
  assert_output_has "suite     $(git -C "$PROJECT" rev-parse --short=12 HEAD) (git commit)"
  printf '# local change\n' >>"$PROJECT/run-load-test.sh"
  run "$RUNNER" --dry-run
  assert_output_has "suite     $(git -C "$PROJECT" rev-parse --short=12 HEAD)-dirty (git commit)"
}

@test "--dry-run against a DMS names the DMS, the client setup and the env file" {
  write_env_file "API_BASE_URL=http://dms.example:8080" "CMS_BASE_URL=http://dms.example:8081" \
    "CMS_ADMIN_CLIENT_ID=admin" "CMS_ADMIN_CLIENT_SECRET=admin-secret-value"
  run "$RUNNER" --phase load --dry-run
  assert_status 0
  assert_output_has "target    dms: http://dms.example:8080 (API_BASE_URL is set (.env.load-test))"
  assert_output_has "GET http://dms.example:8080/ within"
  assert_output_has "client setup at http://dms.example:8081"
  assert_output_has "saved to .env.load-test"
  assert_output_lacks "dist/readwrite.js"
  assert_output_lacks "admin-secret-value"
}

@test "wrappers run from any folder and pass options through" {
  cd "$BATS_TEST_TMPDIR"
  run "$PROJECT/scripts/run-load-phase.sh" --profile dev --dry-run
  assert_status 0
  assert_output_has "phase     load"
  assert_output_has "profile   dev"
  run "$PROJECT/scripts/run-readwrite-phase.sh" --dry-run
  assert_status 0
  assert_output_has "phase     readwrite"
  assert_output_has "dist/readwrite.js"
  assert_output_lacks "dist/load.js"
  run "$PROJECT/scripts/run-full-test.sh" --dry-run
  assert_status 0
  assert_output_has "phase     full (load, then readwrite)"
  run "$PROJECT/scripts/run-full-test.sh" --bogus
  assert_status 2
}

@test "no colours when stdout is not a terminal" {
  run "$RUNNER" --dry-run
  assert_status 0
  [[ "$output" != *$'\033['* ]]
}

@test "colours on a terminal, none with NO_COLOR" {
  command -v script >/dev/null || skip "script(1) is not installed"
  run script -qec "'$RUNNER' --dry-run" /dev/null
  assert_status 0
  [[ "$output" == *$'\033['* ]]
  run script -qec "NO_COLOR=1 '$RUNNER' --dry-run" /dev/null
  assert_status 0
  [[ "$output" != *$'\033['* ]]
}
