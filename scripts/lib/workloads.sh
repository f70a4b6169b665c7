# shellcheck shell=bash
# shellcheck disable=SC2034 # PHASE_EXIT, PHASE_REASON are read by the runner (k6.sh, run-load-test.sh)
# The workload phases beyond load and readwrite (docs/load-test-guide.md, "Phases"): which phases a run
# has, the checks their settings need before anything starts, and the verdict of a phase whose pass/fail
# is not k6's exit code (capacity: a run that finds a capacity passes; the figure is the result).

# Phases that run over the load phase's data set and, on the stand-in (which starts empty for every run),
# get the load phase first in the same run. (readwrite alone stays refused there: --phase full is its form.)
readonly WORKLOAD_PHASES_AFTER_LOAD="capacity volume deep-paging filtered-read soak"

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

# Settings that only make sense together, checked before anything starts (exit 2). The soak's rate, when
# not set, is SOAK_CAPACITY_SHARE of the capacity saved in baseline SOAK_BASELINE.
workload_check_config() {
  if [[ " ${PHASES[*]} " == *" soak "* ]]; then
    soak_resolve_rate
    SOAK_WINDOWS="$(cd "$ROOT" && node --import tsx "$ROOT/tools/workloads/main.ts" soak-plan "${CFG[DURATION_SOAK_PHASE]}" "${CFG[SOAK_WINDOW]}" 2>&1)" ||
      usage_error "SOAK_WINDOW='${CFG[SOAK_WINDOW]}' (${CFG_SRC[SOAK_WINDOW]}): ${SOAK_WINDOWS##*$'\n'}" "A window is one k6 run: use a duration of 1s or more, e.g. 10m."
  fi
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
    reason="$(node_helper results abort-reason "$dir/summary.json" || true)"
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
  exec node --import tsx "$ROOT/tools/generator/main.ts" sample --pid "$1" --out "$2" --summary "$3" --phase "$4"
}

# generator_start PHASE_DIR K6_PID PHASE: the sampler, which judges the phase into its summary.json when k6
# has ended (one Node start per phase), its console line in generator-verdict.txt.
generator_start() {
  GENERATOR_FILE="$1/generator-samples.json"
  rm -f "$1/generator-verdict.txt"
  svc_launch - _generator_exec "$2" "$GENERATOR_FILE" "$1/summary.json" "$3"
  GENERATOR_PID="$SVC_PID"
}

# After k6 has ended the sampler sees it within a second, judges and ends: it is given up to 15 s (a sampler
# still starting on a busy machine finds k6 gone at once); then TERM, which makes it write its files.
generator_stop() {
  local tries=150
  [[ -n "$GENERATOR_PID" ]] || return 0
  while ((tries-- > 0)) && kill -0 "$GENERATOR_PID" 2>/dev/null; do sleep 0.1; done
  svc_stop "$GENERATOR_PID" 5
  GENERATOR_PID=""
}

# generator_verdict PHASE_DIR [LABEL]: the sampler's console line (LABEL names the phase there). The
# verdict is in summary.json already (when k6 wrote one): the sampler put it there when k6 ended.
generator_verdict() {
  local dir="$1" label="$2" out=""
  [[ -n "$GENERATOR_FILE" ]] || return 0
  GENERATOR_FILE=""
  if [[ -f "$dir/generator-verdict.txt" ]]; then IFS= read -r out <"$dir/generator-verdict.txt" || true; fi
  if [[ -z "$out" ]]; then
    log_warn "phase $label: the generator was not judged (its sampler ended without a verdict; see console.log)"
  elif [[ "$out" == generator-bound:* ]]; then
    log_warn "phase $label: $out"
  elif [[ -n "$out" ]]; then
    log_info "phase $label: $out"
  fi
}

# The soak phase (docs/load-test-guide.md): one k6 run per window of SOAK_WINDOW for DURATION_SOAK_PHASE,
# so k6's memory, which keeps every Trend sample, is bounded by a window whatever the soak's length; then
# the windows are merged into <run>/soak/summary.json with the drift verdict (tools/workloads/soak.ts).

soak_resolve_rate() {
  local file out rc=0 share="${CFG[SOAK_CAPACITY_SHARE]}"
  [[ -z "${CFG[SOAK_RATE]}" ]] || return 0
  if [[ -z "${CFG[SOAK_BASELINE]}" ]]; then
    usage_error "the soak phase needs a rate: SOAK_RATE is not set, and neither is SOAK_BASELINE" \
      "Set SOAK_RATE=N (iterations/s of the readwrite mix), or SOAK_BASELINE=NAME, a baseline saved from a capacity run" \
      "(./run-load-test.sh --phase capacity --save-baseline NAME): the soak then runs at SOAK_CAPACITY_SHARE (${share}) of its capacity."
  fi
  file="$(baseline_dir)/${CFG[SOAK_BASELINE]}.json"
  if [[ ! -f "$file" ]]; then
    usage_error "SOAK_BASELINE=${CFG[SOAK_BASELINE]} (${CFG_SRC[SOAK_BASELINE]}): there is no baseline $file" \
      "Save one from a capacity run: ./run-load-test.sh --phase capacity --save-baseline ${CFG[SOAK_BASELINE]}; or set SOAK_RATE."
  fi
  out="$(cd "$ROOT" && node --import tsx "$ROOT/tools/workloads/main.ts" soak-rate "$file" "$share" 2>&1)" || rc=$?
  if ((rc != 0)); then
    usage_error "SOAK_BASELINE=${CFG[SOAK_BASELINE]} (${CFG_SRC[SOAK_BASELINE]}): ${out##*$'\n'}"
  fi
  config_set SOAK_RATE "${out%% *}" "${share} x the capacity in baseline ${CFG[SOAK_BASELINE]} (${out##* } iterations/s)"
}

# Runs the soak's windows, merges them, and sets PHASE_EXIT and PHASE_REASON: the first window that failed
# (its thresholds, or k6's stop), else 99 when latency or failures drift upward, else 0.
SOAK_WINDOWS="" # the soak's windows as k6 durations ('600s 600s 120s'), from workload_check_config

soak_run_phase() {
  local dir="$RUN_DIR/soak" out rc=0 i n first=0 reason="" line verdict
  local -a windows=()
  mkdir -p "$dir"
  read -r -a windows <<<"$SOAK_WINDOWS"
  n=${#windows[@]}
  log_info "soak: ${CFG[SOAK_RATE]} iterations/s for ${CFG[DURATION_SOAK_PHASE]}, in $n window(s) of ${CFG[SOAK_WINDOW]}: one k6 run each, so k6's memory is bounded by a window"
  for ((i = 0; i < n; i++)); do
    if ((INTERRUPTED == 1)); then break; fi
    export SOAK_WINDOW_RUN="${windows[i]}"
    k6_run_phase soak "$dir/window-$(printf '%02d' $((i + 1)))" "soak window $((i + 1))/$n"
    unset SOAK_WINDOW_RUN
    if ((first == 0 && PHASE_EXIT != 0)); then
      first="$PHASE_EXIT"
      reason="window $((i + 1)): $PHASE_REASON"
    fi
    # a stopped, broken or aborted window ends the soak; a window over its thresholds does not
    if [[ "$PHASE_EXIT" =~ ^(105|107|108)$ ]]; then break; fi
  done
  rc=0
  out="$(cd "$ROOT" && node --import tsx "$ROOT/tools/workloads/main.ts" soak-merge "$dir" "${CFG[SOAK_RATE]}" "${CFG[SOAK_WINDOW]}" "${CFG[SOAK_DRIFT_TOLERANCE]}" "${CFG[SOAK_ERROR_DRIFT]}" 2>&1)" || rc=$?
  if ((rc == 0 || rc == 1)); then
    while IFS= read -r line; do log_info "$line"; done <<<"$out"
  else
    log_warn "phase soak: the windows could not be merged (exit $rc): ${out##*$'\n'}"
  fi
  verdict="$(sed -n 's/^drift: //p' <<<"$out")"
  PHASE_EXIT="$first"
  PHASE_REASON="$reason"
  if ((first == 0 && rc == 1)); then
    PHASE_EXIT=99
    PHASE_REASON="$verdict"
  fi
  if ((PHASE_EXIT == 0)); then
    log_pass "phase soak" "${verdict:-windows merged}"
  else
    log_fail "phase soak" "$PHASE_REASON"
  fi
}
