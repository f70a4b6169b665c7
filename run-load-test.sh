#!/usr/bin/env bash
# DMS load test: one command from a fresh clone to a finished k6 run.
#   ./run-load-test.sh --profile smoke            (no DMS configured: runs against the bundled stand-in)
#   ./run-load-test.sh --help                     (options, settings, exit codes)
# Steps: arguments -> configuration -> results folder -> pre-flight -> stand-in (sim) -> DMS reachable ->
# client setup -> token broker (credential check) -> data access -> k6 phases -> results. See docs/load-test-runner-plan.md.
set -Eeuo pipefail

if ((BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4))); then
  printf 'ERROR: bash 4.4 or newer is needed (this is %s). macOS: brew install bash\n' "$BASH_VERSION" >&2
  exit 3
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
LIB_DIR="$ROOT/scripts/lib"

readonly EXIT_INTERNAL=1
readonly EXIT_USAGE=2
readonly EXIT_PREFLIGHT=3
readonly EXIT_CLIENT_SETUP=4
readonly EXIT_REGRESSION=5
readonly EXIT_BASELINE_UNUSABLE=6 # --baseline given, but the comparison could not be made
readonly EXIT_INTERRUPTED=130 # Ctrl-C (SIGINT); SIGTERM gives 143, SIGHUP 129

# shellcheck source=scripts/lib/log.sh
source "$LIB_DIR/log.sh"
# shellcheck source=scripts/lib/args.sh
source "$LIB_DIR/args.sh"
# shellcheck source=scripts/lib/config.sh
source "$LIB_DIR/config.sh"
# shellcheck source=scripts/lib/service.sh
source "$LIB_DIR/service.sh"
# shellcheck source=scripts/lib/preflight.sh
source "$LIB_DIR/preflight.sh"
# shellcheck source=scripts/lib/sim.sh
source "$LIB_DIR/sim.sh"
# shellcheck source=scripts/lib/client-setup.sh
source "$LIB_DIR/client-setup.sh"
# shellcheck source=scripts/lib/broker.sh
source "$LIB_DIR/broker.sh"
# shellcheck source=scripts/lib/progress.sh
source "$LIB_DIR/progress.sh"
# shellcheck source=scripts/lib/prometheus.sh
source "$LIB_DIR/prometheus.sh"
# shellcheck source=scripts/lib/k6.sh
source "$LIB_DIR/k6.sh"
# shellcheck source=scripts/lib/instances.sh
source "$LIB_DIR/instances.sh"
# shellcheck source=scripts/lib/baseline.sh
source "$LIB_DIR/baseline.sh"
# shellcheck source=scripts/lib/results.sh
source "$LIB_DIR/results.sh"
# shellcheck source=scripts/lib/workloads.sh
source "$LIB_DIR/workloads.sh"

RUN_TMP=""
PHASES=()
SIGNALS_SEEN=0
SIGNAL_DURING_WAIT=0
INTERRUPTED=0
CLEANING_UP=0

on_error() {
  local rc="$1" line="$2" command="$3"
  if ((BASH_SUBSHELL == 0)); then
    log_error "internal error: '$command' failed with exit code $rc (${BASH_SOURCE[1]##*/}, line $line)"
    RUN_REASON="internal error: '$command' failed with exit code $rc (${BASH_SOURCE[1]##*/}, line $line)"
    log_hint "Please report it with the run's console.log."
  fi
  exit "$EXIT_INTERNAL"
}

# Ctrl-C or SIGTERM. While k6 runs: pass one SIGINT on (k6 stops gracefully and still writes its summary),
# a second one stops k6 at once. Otherwise: stop here; the exit trap cleans up.
on_signal() {
  local signal="$1"
  SIGNALS_SEEN=$((SIGNALS_SEEN + 1))
  INTERRUPTED=1
  if ((CLEANING_UP == 1)); then return 0; fi
  if [[ -n "$K6_PID" ]] && kill -0 "$K6_PID" 2>/dev/null; then
    SIGNAL_DURING_WAIT=1
    if ((SIGNALS_SEEN == 1)); then
      log_warn "$signal: stopping k6 gracefully (the summary is still written); press Ctrl-C again to stop at once"
    else
      log_warn "$signal again: stopping k6 now"
    fi
    kill -INT "$K6_PID" 2>/dev/null || true
    K6_INT_SENT=1
    return 0
  fi
  log_error "interrupted ($signal) before k6 started"
  RUN_REASON="interrupted"
  if [[ "$signal" == "TERM" ]]; then exit $((EXIT_INTERRUPTED + 13)); fi
  exit "$EXIT_INTERRUPTED"
}

# SIGHUP (the terminal was closed, the SSH session dropped): nobody is left to answer, so the run stops here.
# The exit trap still gives a running k6 its graceful stop (summary written) and records the run.
on_hangup() {
  INTERRUPTED=1
  if ((CLEANING_UP == 1)); then return 0; fi
  log_warn "HUP: the terminal went away; stopping the run"
  RUN_REASON="hangup (SIGHUP)"
  exit $((EXIT_INTERRUPTED - 1))
}

# The clean-up. Signals cannot cut it short: HUP and PIPE are ignored (a closed terminal or pipe), INT and
# TERM only shorten k6's graceful stop, and the Node helpers that write the record run shielded from the
# terminal's Ctrl-C (results.sh). A phase the runner ended is recorded with k6's exit code, the phases
# after it as skipped.
on_exit() {
  local rc=$? phase
  CLEANING_UP=1
  set +e
  trap '' HUP PIPE
  if [[ -n "$K6_PID" ]]; then
    phase="$K6_PHASE"
    k6_stop
    log_warn "phase $phase: stopped (k6 exit code ${K6_STOP_STATUS:-unknown})"
    results_record_phase "$phase" "${K6_STOP_STATUS:-}"
  fi
  trap '' INT TERM
  results_record_skipped_phases
  progress_stop
  generator_stop
  sim_save_stats
  broker_save_stats
  broker_stop
  sim_stop
  if [[ -n "$RUN_DIR" ]]; then
    results_finalize "$rc"
    rc="$RESULTS_EXIT"
  fi
  if [[ -n "$RUN_TMP" ]]; then rm -rf "$RUN_TMP"; fi
  exit "$rc"
}

banner() {
  local what
  if [[ "$TARGET" == "sim" ]]; then
    what="sim: the bundled DMS stand-in, NOT a real DMS"
  else
    what="dms: ${CFG[API_BASE_URL]}"
  fi
  log_info "${C_BOLD}DMS load test${C_RESET}"
  log_info "  target    ${C_BOLD}${what}${C_RESET} (${TARGET_REASON})"
  log_info "  profile   $OPT_PROFILE (.env.profiles/$OPT_PROFILE.env)"
  log_info "  phase     $(workload_phase_text)"
  if [[ "$SUITE_VERSION" == unknown ]]; then
    log_info "  suite     unknown (not a git checkout)"
  else
    log_info "  suite     $SUITE_VERSION (git commit)"
  fi
  if [[ -f "$ENV_FILE" ]]; then
    log_info "  env file  $ENV_FILE_LABEL"
  else
    log_info "  env file  $ENV_FILE_LABEL (not present: not used)"
  fi
}

print_configuration() {
  log_step "configuration (shell > .env.profiles/$OPT_PROFILE.env > $ENV_FILE_LABEL > default; secrets masked)"
  config_print
}

dry_run() {
  local k6_path rc=0 phase step=1
  log_step "plan (dry run: nothing is started, built, installed or written)"
  k6_path="$("$ROOT/scripts/install-k6.sh" --dry-run --quiet 2>/dev/null)" || rc=$?
  case "$rc" in
    0) log_info "  $((step++)). pre-flight: k6 ($k6_path), node/npm, dependencies, bundle (node build.mjs --if-stale)" ;;
    1) log_info "  $((step++)). pre-flight: k6 (to be built from go.k6.io/k6/v2 into the user cache), node/npm, dependencies, bundle" ;;
    *) log_info "  $((step++)). pre-flight: k6 (NOT FOUND and no Go to build it: the run would stop here), node/npm, dependencies, bundle" ;;
  esac
  if [[ -n "$OPT_PROMETHEUS" ]]; then
    log_info "  $((step++)). prometheus: an empty write request to $(sed -E 's#(://[^:/@[:space:]]+):[^@/[:space:]]*@#\1:********@#' <<<"$OPT_PROMETHEUS") (a remote-write receiver must answer)"
  fi
  if [[ "$TARGET" == "sim" ]]; then
    log_info "  $((step++)). stand-in: node --import tsx sim/main.ts --port ${CFG[SIM_PORT]} --host 127.0.0.1 (SIM_* settings in its environment)"
    log_info "  $((step++)). DMS reachable: GET <stand-in>/"
    log_info "  $((step++)). client setup on the stand-in: vendor + application (claim set ${CFG[CLAIM_SET_NAME]}), kept in memory"
  else
    log_info "  $((step++)). DMS reachable: GET ${CFG[API_BASE_URL]%/}/ within ${CFG[DISCOVERY_TIMEOUT_SECONDS]} s"
    if client_setup_needed && [[ -f "$ENV_FILE" ]]; then
      log_info "  $((step++)). client setup at ${CFG[CMS_BASE_URL]}: vendor + application (claim set ${CFG[CLAIM_SET_NAME]}), saved to $ENV_FILE_LABEL"
    elif client_setup_needed; then
      log_info "  $((step++)). client setup at ${CFG[CMS_BASE_URL]}: vendor + application (claim set ${CFG[CLAIM_SET_NAME]}), kept in memory for this run only (no $ENV_FILE_LABEL)"
    else
      log_info "  $((step++)). client: CLIENT_ID ${CFG[CLIENT_ID]} (${CFG_SRC[CLIENT_ID]})"
    fi
  fi
  log_info "  $((step++)). credentials: token broker (node --import tsx tools/token-broker/main.ts) requests the first token"
  log_info "  $((step++)). data access: GET <DATA_API_URL>/ed-fi/schoolYearTypes?limit=1 with the broker's token"
  for phase in "${PHASES[@]}"; do
    log_info "  $((step++)). phase $phase: $(k6_command_text "$phase" "<free port>" "<run folder>/$phase")"
    instances_plan_lines "$phase"
  done
  log_info "     k6 environment: the configuration above without its secrets (${CFG_SECRET_NAMES[*]:-none}; K6_* ones stay) and without K6_HTTP_DEBUG"
  log_info "     + PROFILE, TARGET, RUN_ID, RESULTS_DIR=<run folder>/<phase>, TOKEN_BROKER_URL, TOKEN_BROKER_KEY, LIVE_METRICS_URL (k6's REST API)"
  if [[ -n "$OPT_PROMETHEUS" ]]; then log_info "     + K6_PROMETHEUS_RW_SERVER_URL (--prometheus), K6_PROMETHEUS_RW_TREND_STATS=${K6_PROMETHEUS_RW_TREND_STATS:-$PROMETHEUS_TREND_STATS}, K6_SYSTEM_TAGS without url"; fi
  if ((OPT_DASHBOARD == 1)); then log_info "     + k6 web dashboard (K6_WEB_DASHBOARD=true), saved as <run folder>/<phase>/dashboard.html"; fi
  if [[ -n "$OPT_BASELINE" ]]; then log_info "  $((step++)). compare with baseline $OPT_BASELINE ($(baseline_dir)/$OPT_BASELINE.json)"; fi
  if [[ -n "$OPT_SAVE_BASELINE" ]]; then log_info "  $((step++)). if the run passes: save it as baseline $OPT_SAVE_BASELINE"; fi
  log_info "  $((step++)). results: ${CFG[RESULTS_ROOT]}/<UTC timestamp>-$OPT_PROFILE-$OPT_PHASE/ (report.html) and ${CFG[RESULTS_ROOT]}/latest"
}

readonly READWRITE_ALONE_ON_SIM="--phase readwrite alone cannot run on the bundled stand-in: it starts empty for every run, and readwrite needs the load phase's data set"

readwrite_alone_on_sim() {
  [[ "$TARGET" == "sim" && "${PHASES[*]}" == "readwrite" ]]
}

# A combination that can never work stops before the pre-flight, recorded (exit 2).
refuse_readwrite_alone_on_sim() {
  readwrite_alone_on_sim || return 0
  log_error "$READWRITE_ALONE_ON_SIM"
  log_hint "Run both phases: --phase full (load, then readwrite); or point the suite at a DMS you loaded earlier (API_BASE_URL, --target dms)."
  RUN_REASON="$READWRITE_ALONE_ON_SIM"
  exit "$EXIT_USAGE"
}

run_phases() {
  local phase run_exit=0
  for phase in "${PHASES[@]}"; do
    if ((INTERRUPTED == 1)); then
      log_warn "skipping the $phase phase: the run was interrupted"
      results_record_phase "$phase" ""
      continue
    fi
    # A phase after this run's load phase needs its data set: an interrupted, broken or aborted load has none.
    if [[ "$phase" != "load" && "${PHASES[0]}" == "load" ]] && [[ "$run_exit" =~ ^(105|107|108)$ ]]; then
      log_warn "skipping the $phase phase: the load phase ended with k6 exit code $run_exit"
      results_record_phase "$phase" ""
      continue
    fi
    if [[ "$phase" == soak ]]; then soak_run_phase; else k6_run_phase "$phase"; fi
    results_record_phase "$phase" "$PHASE_EXIT"
    if ((run_exit == 0 && PHASE_EXIT != 0)); then
      run_exit="$PHASE_EXIT"
      RUN_REASON="phase $phase: $PHASE_REASON"
    fi
  done
  return "$run_exit"
}

# Baseline comparison and saving; returns the run's exit code (EXIT_REGRESSION when a passing run regressed).
after_phases() {
  local run_exit="$1" regressions
  if [[ -z "$OPT_BASELINE" && -z "$OPT_SAVE_BASELINE" ]]; then return "$run_exit"; fi
  results_write_run_json "$run_exit"
  if [[ -n "$OPT_BASELINE" ]]; then
    local compared=0
    baseline_compare || compared=$?
    if ((compared == 1 && run_exit == 0)); then
      run_exit="$EXIT_REGRESSION"
      RUN_REASON="regression against baseline $OPT_BASELINE"
      regressions="$(node_helper results regressions "$RUN_DIR/baseline-comparison.json")"
      RUN_REASON+="${regressions:+: $regressions}"
    elif ((compared == 2 && run_exit == 0)); then
      run_exit="$EXIT_BASELINE_UNUSABLE"
      RUN_REASON="baseline $OPT_BASELINE could not be compared: $BASELINE_REASON"
    fi
  fi
  if [[ -n "$OPT_SAVE_BASELINE" ]]; then
    if ((run_exit == 0)); then
      baseline_save
    else
      log_warn "baseline '$OPT_SAVE_BASELINE' not saved: the run failed (exit code $run_exit)"
    fi
  fi
  return "$run_exit"
}

main() {
  local run_exit=0
  log_init
  parse_args "$@"
  case "$OPT_ACTION" in
    help) usage; return 0 ;;
    list-profiles) list_profiles; return 0 ;;
  esac
  validate_args
  baseline_validate
  preflight_require_node
  if ((OPT_DRY_RUN == 1)) && ! runner_helpers_ready --no-install; then
    log_error "the project's dependencies are not installed, and a dry run installs nothing"
    log_hint "Install them: (cd '$ROOT' && npm ci), then run the dry run again."
    exit "$EXIT_PREFLIGHT"
  fi
  runner_helpers_ready
  RUN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/dms-load-test.XXXXXX")"
  trap on_exit EXIT
  trap 'on_error "$?" "$LINENO" "$BASH_COMMAND"' ERR
  trap 'on_signal INT' INT
  trap 'on_signal TERM' TERM
  trap on_hangup HUP

  config_load
  config_resolve_target
  workload_plan_phases
  workload_check_config
  instances_check_config
  k6_check_env
  k6_outputs_resolve
  SUITE_VERSION="$(suite_version)"
  if [[ -n "$OPT_EMIT_K8S" ]]; then
    instances_emit_k8s
    return 0
  fi
  if ((OPT_DRY_RUN == 1)); then
    banner
    print_configuration
    baseline_check
    if readwrite_alone_on_sim; then log_warn "$READWRITE_ALONE_ON_SIM (a real run stops here with exit 2)"; fi
    dry_run
    return 0
  fi

  # A reader that goes away (`| head`, a closed terminal) must not kill the runner half-way: writes to it
  # fail instead, and console.log and the record are still written whole.
  trap '' PIPE
  results_create
  svc_start_watchdog "$RUN_DIR"
  results_start_log
  banner
  log_info "  results   $(display_path "$RUN_DIR")"
  print_configuration
  # Before anything runs, but with a results folder: a baseline that cannot be used is recorded (run.json's
  # reason, exit 6), so results/latest never points at an earlier PASS for this run.
  baseline_check
  refuse_readwrite_alone_on_sim

  log_step "pre-flight"
  preflight_k6
  preflight_node
  preflight_deps
  preflight_bundle
  preflight_prometheus
  if [[ "$TARGET" == "sim" ]]; then sim_start; fi
  preflight_dms
  if client_setup_needed; then client_setup; fi
  broker_start "$CLIENT_JUST_CREATED"
  preflight_data_access

  run_phases || run_exit=$?
  after_phases "$run_exit" || run_exit=$?
  return "$run_exit"
}

main "$@"
