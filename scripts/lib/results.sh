# shellcheck shell=bash
# The results folder of a run: results/<UTC timestamp>-<profile>-<phase>/ (never overwritten: a -2, -3 ...
# suffix when the name exists), console.log (everything the run printed), config.env (effective
# configuration, masked, with sources), run.json, exit-status, one folder per phase, sim-stats.json and
# broker-stats.json; results/latest points at the newest run; the last line names the folder and says
# PASS or FAIL.

RUN_DIR=""
RUN_ID=""
RUN_STARTED_AT=""
RUN_REASON=""
SUITE_VERSION=""
PHASE_RECORDS=()
ORIG_STDOUT=""
ORIG_STDERR=""
TEE_OUT_PID=""
TEE_ERR_PID=""

# results_list MAX ITEM...: "a; b; c and N more" (at most MAX items named).
results_list() {
  local max="$1" text="" i
  shift
  for ((i = 1; i <= $# && i <= max; i++)); do
    text+="${text:+; }${!i}"
  done
  if (($# > max)); then text+=" and $(($# - max)) more"; fi
  printf '%s' "$text"
}

# Why a run that set no RUN_REASON failed: the last FAIL line for a pre-flight (3) or client setup (4)
# failure. Other codes get their meaning from results.mjs (run-json), so run.json always has a reason.
results_default_reason() {
  local code="$1" what=""
  if [[ -n "$LAST_FAIL_CHECK" ]]; then
    what="$LAST_FAIL_CHECK${LAST_FAIL_TEXT:+: $LAST_FAIL_TEXT}"
  fi
  case "$code" in
    "$EXIT_PREFLIGHT") printf 'pre-flight failed%s' "${what:+: $what}" ;;
    "$EXIT_CLIENT_SETUP")
      # The check is called "client setup" itself: say it once.
      printf 'client setup failed%s' "${what:+: ${what#client setup: }}"
      ;;
  esac
}

utc_now() {
  date -u +%Y-%m-%dT%H:%M:%SZ
}

results_create() {
  local results_root="${CFG[RESULTS_ROOT]}" base candidate n=1 probe
  if ! mkdir -p "$results_root" 2>/dev/null || [[ ! -d "$results_root" ]]; then
    log_fail "results folder" "cannot create $results_root"
    log_hint "Set RESULTS_ROOT to a folder you can write to (now: ${CFG_SRC[RESULTS_ROOT]}), e.g. RESULTS_ROOT=\$HOME/dms-results"
    exit "$EXIT_PREFLIGHT"
  fi
  probe="$results_root/.write-test.$$"
  if ! (: >"$probe") 2>/dev/null; then
    log_fail "results folder" "$results_root is not writable"
    log_hint "Fix its permissions, or set RESULTS_ROOT to a folder you can write to (now: ${CFG_SRC[RESULTS_ROOT]})."
    exit "$EXIT_PREFLIGHT"
  fi
  rm -f "$probe"
  base="$(date -u +%Y%m%dT%H%M%SZ)-$OPT_PROFILE-$OPT_PHASE"
  candidate="$base"
  until mkdir "$results_root/$candidate" 2>/dev/null; do
    if [[ ! -e "$results_root/$candidate" ]]; then
      log_fail "results folder" "cannot create $results_root/$candidate"
      exit "$EXIT_PREFLIGHT"
    fi
    n=$((n + 1))
    candidate="$base-$n"
  done
  RUN_DIR="$results_root/$candidate"
  RUN_ID="$candidate"
  RUN_STARTED_AT="$(utc_now)"
}

# From here on, everything the runner and its children print also goes into console.log. The tee
# processes ignore INT/TERM so that Ctrl-C cannot cut the log while k6 is still writing its summary.
# They ignore HUP and PIPE too, and (GNU tee) go on writing console.log when the terminal or the pipe they
# copy to goes away (`| head`, a closed terminal): the run is still recorded whole.
results_start_log() {
  local log="$RUN_DIR/console.log"
  local -a tee_cmd=(tee -a)
  : >"$log"
  if tee --output-error=warn-nopipe </dev/null >/dev/null 2>&1; then tee_cmd=(tee --output-error=warn-nopipe -a); fi
  exec {ORIG_STDOUT}>&1 {ORIG_STDERR}>&2
  exec 2> >(trap '' INT TERM HUP PIPE; exec "${tee_cmd[@]}" "$log" >&2 2>/dev/null)
  TEE_ERR_PID=$!
  exec 1> >(trap '' INT TERM HUP PIPE; exec "${tee_cmd[@]}" "$log" 2>/dev/null)
  TEE_OUT_PID=$!
}

results_stop_log() {
  local pid tries
  [[ -n "$ORIG_STDOUT" ]] || return 0
  exec 1>&"$ORIG_STDOUT" 2>&"$ORIG_STDERR"
  exec {ORIG_STDOUT}>&- {ORIG_STDERR}>&-
  ORIG_STDOUT=""
  ORIG_STDERR=""
  for pid in "$TEE_OUT_PID" "$TEE_ERR_PID"; do
    tries=50
    while ((tries-- > 0)) && kill -0 "$pid" 2>/dev/null; do
      sleep 0.05
    done
  done
}

# results_record_phase NAME EXIT_CODE (empty when skipped)
results_record_phase() {
  local name="$1" code="$2" dir="$1"
  if [[ -z "$code" ]]; then dir=""; fi
  PHASE_RECORDS+=("$name:$code:$dir")
  # also on disk, for the watchdog's record should the runner itself be killed later
  if [[ -n "$RUN_TMP" ]]; then printf '%s\n' "$name:$code:$dir" >>"$RUN_TMP/phases" 2>/dev/null || true; fi
}

# Once any phase has started, the phases that never ran are recorded as skipped (no exit code), so run.json
# lists every phase of the run however it ended.
results_record_skipped_phases() {
  local phase record recorded
  ((${#PHASE_RECORDS[@]} > 0)) || return 0
  # shellcheck disable=SC2153 # PHASES: the run's phases, set by run-load-test.sh
  for phase in "${PHASES[@]}"; do
    recorded=0
    for record in "${PHASE_RECORDS[@]}"; do
      if [[ "${record%%:*}" == "$phase" ]]; then recorded=1; fi
    done
    if ((recorded == 0)); then results_record_phase "$phase" ""; fi
  done
}

# The suite's version: its git commit (-dirty with local changes), or "unknown" outside a git checkout.
# Read once per run (SUITE_VERSION), so the banner and run.json agree.
suite_version() {
  local commit
  if commit="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null)"; then
    if ! git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null; then commit+="-dirty"; fi
    printf '%s' "$commit"
  else
    printf 'unknown'
  fi
}

display_path() {
  local path="$1"
  if [[ "$path" == "$PWD/"* ]]; then
    printf '%s' "${path#"$PWD"/}"
  else
    printf '%s' "$path"
  fi
}

results_write_run_json() {
  local code="$1" phases rc=0
  phases="$(IFS=,; printf '%s' "${PHASE_RECORDS[*]}")"
  RUN_ID="$RUN_ID" RUN_PROFILE="$OPT_PROFILE" RUN_PHASE="$OPT_PHASE" RUN_TARGET="$TARGET" \
    RUN_STARTED_AT="$RUN_STARTED_AT" RUN_FINISHED_AT="$(utc_now)" RUN_EXIT_CODE="$code" RUN_REASON="$RUN_REASON" \
    RUN_K6_VERSION="$K6_VERSION" RUN_NPM_VERSION="$NPM_VERSION" RUN_SUITE_VERSION="${SUITE_VERSION:-$(suite_version)}" \
    RUN_PHASES="$phases" shielded node_helper results run-json "$RUN_DIR/run.json" < <(config_dump) || rc=$?
  results_note_write_failure "$rc" run.json
}

# The exit code a run ends with when its record could not be written because the disk is full.
readonly EXIT_DISK_FULL=7
RESULTS_DISK_FULL=0

# results_note_write_failure RC FILE: says that FILE was not written (results.mjs said why on stderr).
results_note_write_failure() {
  local rc="$1" file="$2"
  ((rc == 0)) && return 0
  if ((rc == EXIT_DISK_FULL)); then
    RESULTS_DISK_FULL=1
  else
    log_warn "could not write $file (exit $rc)"
  fi
}

# report.html (tools/report) when at least one phase left a summary, and the answer first on the console:
# the verdict and its reasons, the slowest resource/operation pairs, failures after retries, retries,
# what capped throughput and the baseline (tools/report/answer.ts), just above the final PASS/FAIL line.
results_report() {
  local out rc=0 line
  [[ -f "$ROOT/tools/report/main.ts" ]] || return 0
  compgen -G "$RUN_DIR/*/summary.json" >/dev/null || return 0
  out="$(cd "$ROOT" && shielded node --import tsx "$ROOT/tools/report/main.ts" "$RUN_DIR" --answer 2>&1)" || rc=$?
  if ((rc == 0)); then
    log_step "the answer"
    while IFS= read -r line; do
      if [[ "$line" != "report: "* ]]; then log_info "$line"; fi
    done <<<"$out"
    log_info "report: $(display_path "$RUN_DIR/report.html")"
  else
    log_warn "the HTML report could not be written (exit $rc): ${out##*$'\n'}"
  fi
}

# Writes config.env, run.json, exit-status and report.html, points results/latest here, prints the final
# line, closes console.log and masks any secret value, and anything that looks like a credential (Bearer,
# Basic, token fields), that reached a text file of the folder.
# Every Node helper here runs shielded: Ctrl-C pressed during the clean-up cannot cut the record short.
# A full disk ends the run with EXIT_DISK_FULL (it may have passed, but its record is incomplete); the
# code the run ends with is left in RESULTS_EXIT.
RESULTS_EXIT=0
results_finalize() {
  local code="$1" status="FAIL" rc=0
  if ((code != 0)) && [[ -z "$RUN_REASON" ]]; then RUN_REASON="$(results_default_reason "$code")"; fi
  shielded node_helper results config-env "$RUN_DIR/config.env" < <(config_dump) || rc=$?
  results_note_write_failure "$rc" config.env
  results_write_run_json "$code"
  if ((RESULTS_DISK_FULL == 1)); then
    # An earlier run.json (written before a baseline comparison) may say PASS: better none than a wrong one.
    rm -f "$RUN_DIR/run.json"
    code="$EXIT_DISK_FULL"
    RUN_REASON="no space left on the device of $RUN_DIR: the record of the run is incomplete"
    log_error "$RUN_REASON"
    log_hint "Free some space, or set RESULTS_ROOT to another file system, and run again."
  fi
  # shellcheck disable=SC2034 # read by the runner's exit trap
  RESULTS_EXIT="$code"
  if ((code == 0)); then status="PASS"; fi
  { printf '%s\n' "$code" >"$RUN_DIR/exit-status.tmp" && mv -f "$RUN_DIR/exit-status.tmp" "$RUN_DIR/exit-status"; } 2>/dev/null ||
    log_warn "could not write exit-status"
  results_report
  if ! ln -sfn "$RUN_ID" "${RUN_DIR%/*}/latest" 2>/dev/null; then
    log_warn "could not point ${RUN_DIR%/*}/latest at this run"
  fi
  if [[ "$status" == "PASS" ]]; then
    printf '\n%sPASS%s  %s %s against %s: results in %s\n' "$C_GREEN$C_BOLD" "$C_RESET" \
      "$OPT_PROFILE" "$OPT_PHASE" "$(target_label)" "$(display_path "$RUN_DIR")"
  else
    printf '\n%sFAIL%s  %s %s against %s (exit code %s%s): results in %s\n' "$C_RED$C_BOLD" "$C_RESET" \
      "$OPT_PROFILE" "$OPT_PHASE" "$(target_label)" "$code" "${RUN_REASON:+, $RUN_REASON}" "$(display_path "$RUN_DIR")"
  fi
  results_stop_log
  # The secret settings' values arrive on stdin (never argv); the broker key through the environment.
  BROKER_KEY="$BROKER_KEY" shielded node_helper results scrub "$RUN_DIR" BROKER_KEY < <(config_dump) 2>/dev/null || true
}

target_label() {
  if [[ "$TARGET" == "sim" ]]; then
    printf 'the stand-in'
  else
    printf 'DMS %s' "${CFG[API_BASE_URL]}"
  fi
}
