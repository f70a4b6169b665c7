# shellcheck shell=bash
# shellcheck disable=SC2034 # PHASE_EXIT, PHASE_REASON are read by the runner (k6.sh, run-load-test.sh)
# The workload phases beyond load and readwrite (docs/load-test-guide.md, "Phases"): which phases a run
# has, the checks their settings need before anything starts, and the verdict of a phase whose pass/fail
# is not k6's exit code (capacity: a run that finds a capacity passes; the figure is the result).

# Phases that run over the load phase's data set and, on the stand-in (which starts empty for every run),
# get the load phase first in the same run. (readwrite alone stays refused there: --phase full is its form.)
readonly WORKLOAD_PHASES_AFTER_LOAD="capacity volume deep-paging filtered-read"

# After the target is known: PHASES for OPT_PHASE.
workload_plan_phases() {
  case "$OPT_PHASE" in
    full) PHASES=(load readwrite) ;;
    *) PHASES=("$OPT_PHASE") ;;
  esac
  if [[ "$TARGET" == sim && " $WORKLOAD_PHASES_AFTER_LOAD " == *" $OPT_PHASE "* ]]; then PHASES=(load "$OPT_PHASE"); fi
}

# The banner's words for the phases of this run.
workload_phase_text() {
  if [[ "$OPT_PHASE" == full ]]; then
    printf 'full (load, then readwrite)'
  elif ((${#PHASES[@]} > 1)); then
    printf '%s (%s first: the stand-in starts empty; then %s)' "$OPT_PHASE" "${PHASES[0]}" "$OPT_PHASE"
  else
    printf '%s' "$OPT_PHASE"
  fi
}

# Settings that only make sense together, checked before anything starts (exit 2).
workload_check_config() {
  if [[ " ${PHASES[*]} " == *" capacity "* ]] && ((10#${CFG[CAPACITY_MAX_RATE]} < 10#${CFG[CAPACITY_START_RATE]})); then
    usage_error "CAPACITY_MAX_RATE=${CFG[CAPACITY_MAX_RATE]} (${CFG_SRC[CAPACITY_MAX_RATE]}) is below CAPACITY_START_RATE=${CFG[CAPACITY_START_RATE]} (${CFG_SRC[CAPACITY_START_RATE]})" \
      "The capacity steps go from CAPACITY_START_RATE up to CAPACITY_MAX_RATE (iterations/s): raise CAPACITY_MAX_RATE or lower CAPACITY_START_RATE."
  fi
}

# workload_verdict PHASE DIR: for a phase whose verdict is not k6's exit code, prints its result and its
# PASS/FAIL line and sets PHASE_EXIT and PHASE_REASON; returns 1 when k6's exit code is the verdict
# (k6_explain_exit then says what it means).
#   capacity: k6 ends with 0 (every step ran) or 108 (the live judgement stopped the ramp at a broken step:
#   an abort reason starting with 'capacity:'). Either way the capacity decides: found = PASS (0); none,
#   because even the first step broke the SLO = FAIL (99, like a failed threshold). Any other exit code
#   (an interruption, a dead target, a script error) keeps k6's code; the steps judged so far are shown.
workload_verdict() {
  local phase="$1" dir="$2" out rc=0 reason="" line decides=0 verdict_line ended k6_code="$PHASE_EXIT"
  [[ "$phase" == capacity ]] || return 1
  if [[ "$PHASE_EXIT" == 0 ]]; then
    decides=1
  elif [[ "$PHASE_EXIT" == 108 && -f "$dir/summary.json" ]]; then
    reason="$(node "$LIB_DIR/js/results.mjs" abort-reason "$dir/summary.json" || true)"
    if [[ "$reason" == capacity:* ]]; then decides=1; fi
  fi
  out="$(cd "$ROOT" && node --import tsx "$ROOT/tools/workloads/main.ts" capacity "$dir/summary.json" 2>&1)" || rc=$?
  if ((rc == 2)); then return 1; fi
  while IFS= read -r line; do log_info "$line"; done <<<"$out"
  ((decides == 1)) || return 1
  verdict_line="$(grep -m1 -E '^(no )?sustainable capacity:' <<<"$out" || true)"
  ended="$(sed -n 's/^  ended by: //p' <<<"$out")"
  if ((rc == 0)); then
    PHASE_EXIT=0
    PHASE_REASON=""
    log_pass "phase capacity" "$verdict_line (k6 exit code $k6_code; the ramp ended: $ended)"
    return 0
  fi
  PHASE_EXIT=99
  PHASE_REASON="$verdict_line"
  log_fail "phase capacity" "$verdict_line"
}

# The generator watches itself (tools/generator): while a phase runs, a sampler reads k6's CPU time and
# memory and the machine's load once a second; after it, the phase is judged generator-bound or not (k6
# above 80% of its cores, dropped or late iterations), one console line, and summary.json's `generator`.
GENERATOR_PID=""
GENERATOR_FILE=""

_generator_exec() {
  svc_close_saved_fds
  cd "$ROOT" || exit "$EXIT_INTERNAL"
  exec node --import tsx "$ROOT/tools/generator/main.ts" sample --pid "$1" --out "$2"
}

# generator_start PHASE_DIR K6_PID
generator_start() {
  GENERATOR_FILE="$1/generator-samples.json"
  svc_launch - _generator_exec "$2" "$GENERATOR_FILE"
  GENERATOR_PID="$SVC_PID"
}

# After k6 has ended the sampler ends by itself within a second; TERM makes it write its file at once.
generator_stop() {
  if [[ -n "$GENERATOR_PID" ]]; then
    svc_stop "$GENERATOR_PID" 5
    GENERATOR_PID=""
  fi
}

# generator_verdict PHASE PHASE_DIR: the verdict into summary.json (when k6 wrote one) and its console line.
generator_verdict() {
  local phase="$1" dir="$2" out rc=0
  [[ -n "$GENERATOR_FILE" ]] || return 0
  out="$(cd "$ROOT" && node --import tsx "$ROOT/tools/generator/main.ts" merge --samples "$GENERATOR_FILE" --summary "$dir/summary.json" --phase "$phase" 2>&1)" || rc=$?
  GENERATOR_FILE=""
  if ((rc != 0 && rc != 3)); then
    log_warn "phase $phase: the generator could not be judged (exit $rc): ${out##*$'\n'}"
  elif [[ "$out" == generator-bound:* ]]; then
    log_warn "phase $phase: $out"
  elif [[ -n "$out" ]]; then
    log_info "phase $phase: $out"
  fi
}
