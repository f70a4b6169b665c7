#!/usr/bin/env bats
# The run's life (issue: reliability): however the runner ends (a closed pipe, a closed terminal, Ctrl-C
# pressed again and again during the clean-up, SIGKILL), every process it started ends with it, and the
# results folder tells the truth: what finished, with which exit code, and why the run ended.
# Real k6 against the stand-in, through the runner.

load ../bats/helpers

setup() {
  setup_project
}

teardown() {
  teardown_project
}

# The pids the runner reported for the stand-in and the token broker, from its output.
service_pids() {
  sed -n 's/.*PASS  \(stand-in\|token broker\) .*(pid \([0-9]*\);.*/\2/p' "$1"
}

# Fails when any of the pids is still alive after a few seconds.
assert_all_ended() {
  local pid tries
  for pid in "$@"; do
    tries=100
    while kill -0 "$pid" 2>/dev/null && ((tries-- > 0)); do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "process $pid is still running: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
      return 1
    fi
  done
}

@test "stdout closed early (| head -3): the run goes on to the end, its record and console.log whole and true" {
  local out="$BATS_TEST_TMPDIR/head.out" dir
  run bash -c '"$1" --profile smoke --phase load 2>&1 | head -3 >"$2"' _ "$RUNNER" "$out"
  [ "$(wc -l <"$out")" = 3 ]
  dir="$(run_dir)"
  [ "$(cat "$dir/exit-status")" = 0 ]
  [ "$(json_get "$dir/run.json" j.status)" = PASS ]
  [ "$(json_get "$dir/run.json" 'j.phases.map((p) => p.name + ":" + p.exitCode).join(",")')" = "load:0" ]
  [ -s "$dir/load/summary.json" ]
  [ -s "$dir/report.html" ]
  grep -q "^PASS  smoke load against the stand-in" "$dir/console.log"
  local pids
  mapfile -t pids < <(service_pids "$dir/console.log")
  [ "${#pids[@]}" = 2 ]
  assert_all_ended "${pids[@]}"
}

@test "the terminal is closed during readwrite: every process ends, the record names the finished phase and why the run ended" {
  local out="$BATS_TEST_TMPDIR/pty.out" script_pid dir
  # A real terminal: script(1) gives the runner a pty; killing script closes its master side, and the
  # kernel sends SIGHUP to the runner's process group, as when a terminal window or tmux session closes.
  DURATION_READWRITE_PHASE=60s setsid script -qfec "$RUNNER --profile smoke --phase full" "$out" >/dev/null 2>&1 </dev/null &
  script_pid=$!
  wait_for_output "$out" 'phase readwrite: k6 run'
  sleep 3
  dir="$(run_dir)"
  local pids k6_pid runner_pid
  mapfile -t pids < <(service_pids "$dir/console.log")
  k6_pid="$(pgrep -f "dist/readwrite.js" -n)"
  runner_pid="$(pgrep -o -f "^bash $RUNNER --profile smoke --phase full")" # the oldest: not its subshells
  [ -n "$k6_pid" ] && [ -n "$runner_pid" ]
  kill -KILL "$script_pid"
  wait "$script_pid" 2>/dev/null || true
  # the runner too: it ends once its clean-up has recorded the run (k6's graceful stop included)
  assert_all_ended "$runner_pid" "${pids[@]}" "$k6_pid"
  [ "$(json_get "$dir/run.json" j.status)" = FAIL ]
  [ "$(json_get "$dir/run.json" j.reason)" = "hangup (SIGHUP)" ]
  # the load phase finished and says so; readwrite was stopped gracefully (summary written)
  [ "$(json_get "$dir/run.json" 'j.phases[0].name + ":" + j.phases[0].exitCode')" = "load:0" ]
  [ "$(json_get "$dir/run.json" 'j.phases[1].name')" = readwrite ]
  [ -s "$dir/readwrite/summary.json" ]
  [ -s "$dir/config.env" ]
  [ -s "$dir/report.html" ]
  grep -q "FAIL  smoke full against the stand-in" "$dir/console.log"
}

@test "Ctrl-C pressed again and again until the runner ends: the record is still written whole" {
  local out="$BATS_TEST_TMPDIR/run.out" pid dir
  set -m # job control: the runner gets its own process group, as on a terminal
  SIM_LATENCY_MS=200 "$RUNNER" --profile smoke --phase full >"$out" 2>&1 3>&- &
  pid=$!
  set +m
  wait_for_output "$out" 'phase load: k6 run'
  sleep 1
  # Ctrl-C reaches the whole foreground process group: the runner and whatever it runs in the foreground.
  while kill -0 "$pid" 2>/dev/null; do
    kill -INT -- "-$pid" 2>/dev/null || true
    sleep 0.3
  done
  wait_for_runner "$pid" "$out"
  dir="$(run_dir)"
  [ "$(cat "$dir/exit-status")" = "$status" ]
  [ "$(json_get "$dir/run.json" j.status)" = FAIL ]
  [ "$(json_get "$dir/run.json" j.exitCode)" = "$status" ]
  [ -n "$(json_get "$dir/run.json" j.reason)" ]
  [ -s "$dir/config.env" ]
  grep -q '^PROFILE\|^# \|=' "$dir/config.env"
  [ -s "$dir/sim-stats.json" ]
  local pids
  mapfile -t pids < <(service_pids "$dir/console.log")
  assert_all_ended "${pids[@]}"
}

@test "the runner is killed (SIGKILL) during readwrite: the stand-in, the broker and k6 notice and end; the run is recorded as killed" {
  local out="$BATS_TEST_TMPDIR/run.out" pid dir k6_pid tries
  DURATION_READWRITE_PHASE=60s "$RUNNER" --profile smoke --phase full >"$out" 2>&1 3>&- &
  pid=$!
  wait_for_output "$out" 'phase readwrite: k6 run'
  sleep 2
  dir="$(run_dir)"
  k6_pid="$(pgrep -f "dist/readwrite.js" -n || true)"
  [ -n "$k6_pid" ]
  local pids
  mapfile -t pids < <(service_pids "$out")
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  assert_all_ended "${pids[@]}" "$k6_pid"
  tries=100
  until [[ -s "$dir/run.json" ]]; do
    ((tries-- > 0)) || { ls -la "$dir"; false; }
    sleep 0.1
  done
  [ "$(json_get "$dir/run.json" j.status)" = FAIL ]
  [[ "$(json_get "$dir/run.json" j.reason)" == *"the runner was killed"* ]]
  # what the runner had recorded before it was killed is kept: the load phase had finished (exit 0)
  [ "$(json_get "$dir/run.json" 'j.phases[0].name + ":" + j.phases[0].exitCode')" = "load:0" ]
  [ "$(cat "$dir/exit-status")" = 137 ]
  # junit.xml (written by the watchdog last): the run is not green in CI
  tries=300
  until [[ -s "$dir/junit.xml" ]]; do
    ((tries-- > 0)) || { ls -la "$dir"; false; }
    sleep 0.1
  done
  [[ "$(xml_value "$dir/junit.xml" 'string(//testcase[@name="verdict"]/failure/@message)')" == "the run failed (exit code 137): the runner was killed"* ]]
}
