# shellcheck shell=bash
# One k6 run per phase: `k6 run --address 127.0.0.1:<free port> dist/<phase>.js`, the effective
# configuration in k6's environment (never as -e flags, so no value shows in `ps`), its console into
# console.log through the runner's tee, and its exit code kept deliberately (set -e must not eat it).
# Secrets k6 does not need stay out of its environment: with the token broker, k6 never sees
# CLIENT_SECRET or the CMS admin secret (config_export_public). K6_HTTP_DEBUG is never passed on: k6 would
# print every request's Authorization header, the token, into the console and console.log.

K6_PID=""
K6_PHASE="" # the phase whose k6 is running (for the record when the runner ends during it)
K6_CMD=()
K6_INT_SENT=0 # set when the runner has passed a SIGINT on to the running k6
K6_STOP_STATUS="" # k6's exit status when k6_stop ended it
K6_PORT="" # the port of the running k6's REST API

# --quiet when the progress poller shows progress instead (k6 prints a progress line every second when
# its output is not a terminal); the end-of-test summary is printed either way. The user's outputs
# (K6_OUTPUTS) follow as --out flags, their files placed in the phase's folder.
# k6_command PHASE PORT PHASE_DIR [--mkdir]: sets K6_CMD; --mkdir creates the outputs' sub-folders.
k6_command() {
  local phase="$1" port="$2" phase_dir="$3" output
  local -a placed=() extra=()
  if [[ "${4:-}" == --mkdir ]]; then extra=(--mkdir); fi
  K6_CMD=("${K6:-k6}" run --address "127.0.0.1:$port")
  instances_k6_args # several instances: this one's execution segment (scripts/lib/instances.sh)
  if progress_available; then K6_CMD+=(--quiet); fi
  if ((${#K6_OUTPUTS[@]} > 0)); then
    mapfile -d '' -t placed < <(node_helper outputs place --dir="$phase_dir" "${extra[@]}" \
      --source="$K6_OUTPUTS_SOURCE" --csv-default="$(k6_setting K6_CSV_FILENAME)" -- "${K6_OUTPUTS[@]}")
    for output in "${placed[@]}"; do K6_CMD+=(--out "$output"); done
  fi
  prometheus_k6_args "$phase"
  K6_CMD+=("dist/$phase.js")
}

# Prints the k6 command, as a person would type it in the project folder (a password in an output's URL
# is masked).
k6_command_text() {
  local phase="$1" port="$2" phase_dir="$3" arg text="k6"
  k6_command "$phase" "$port" "$phase_dir"
  for arg in "${K6_CMD[@]:1}"; do
    if [[ "$arg" =~ [[:space:]] && "$arg" != *'<'* ]]; then arg="'$arg'"; fi
    text+=" $arg"
  done
  printf '%s' "$text" | sed -E 's#(://[^:/@[:space:]]+):[^@/[:space:]]+@#\1:********@#g'
}

# The user's k6 outputs: --out (repeatable) or else K6_OUT from any source (split on commas, as k6 reads
# it). Checked before anything runs; a bad one is a usage error (exit 2). Sets K6_OUTPUTS and
# K6_OUTPUTS_SOURCE. k6 never sees K6_OUT itself: every output reaches it as --out, once per phase.
K6_OUTPUTS=()
K6_OUTPUTS_SOURCE=""

# A K6_* setting's value: from the configuration (a profile or the env file; the shell wins there too), else
# from the shell (the configuration lists K6_* names only when a file sets them).
k6_setting() {
  printf '%s' "${CFG[$1]:-${!1:-}}"
}

k6_setting_source() {
  if [[ -n "${CFG[$1]:-}" ]]; then printf '%s' "${CFG_SRC[$1]}"; else printf 'shell'; fi
}

k6_outputs_resolve() {
  local err k6_out
  k6_out="$(k6_setting K6_OUT)"
  K6_OUTPUTS=()
  if ((${#OPT_OUTS[@]} > 0)); then
    K6_OUTPUTS=("${OPT_OUTS[@]}")
    K6_OUTPUTS_SOURCE="--out"
    if [[ -n "$k6_out" ]]; then
      log_info "K6_OUT ($(k6_setting_source K6_OUT)) is not used: --out replaces it, as in k6"
    fi
  elif [[ -n "$k6_out" ]]; then
    mapfile -d '' -t K6_OUTPUTS < <(node_helper outputs split "$k6_out")
    K6_OUTPUTS_SOURCE="K6_OUT, $(k6_setting_source K6_OUT)"
  fi
  ((${#K6_OUTPUTS[@]} > 0)) || return 0
  if ! err="$(node_helper outputs check --source="$K6_OUTPUTS_SOURCE" \
    --csv-default="$(k6_setting K6_CSV_FILENAME)" -- "${K6_OUTPUTS[@]}" 2>&1)"; then
    usage_error "${err%%$'\n'*}" "${err#*$'\n'}"
  fi
}

_k6_exec() {
  local phase_dir="$1"
  svc_close_saved_fds
  config_export_public --keep-k6
  unset K6_HTTP_DEBUG K6_OUT
  export PROFILE="$OPT_PROFILE" TARGET RUN_ID RESULTS_DIR="$phase_dir"
  export TOKEN_BROKER_URL="$BROKER_URL" TOKEN_BROKER_KEY="$BROKER_KEY"
  instances_export_env
  prometheus_export_env
  # k6's own REST API, for a scenario that judges its progress live (capacity: the steps ended so far).
  export LIVE_METRICS_URL="http://127.0.0.1:$K6_PORT/v1/metrics"
  if ((OPT_DASHBOARD == 1)); then
    export K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT="$phase_dir/dashboard.html"
    # k6 skips the saved report for runs shorter than three periods (10 s by default): sample every 2 s.
    export K6_WEB_DASHBOARD_PERIOD="${K6_WEB_DASHBOARD_PERIOD:-2s}"
    # k6 listens on every interface unless told otherwise: loopback only, unless the user chose a host.
    export K6_WEB_DASHBOARD_HOST="${K6_WEB_DASHBOARD_HOST:-127.0.0.1}"
    # Without a terminal (CI) nobody opens the page, and an open port would keep k6 waiting for a browser.
    if ((STDOUT_IS_TTY == 0)) && [[ -z "${K6_WEB_DASHBOARD_PORT:-}" ]]; then export K6_WEB_DASHBOARD_PORT=-1; fi
  fi
  cd "$ROOT" || exit "$EXIT_INTERNAL"
  exec "${K6_CMD[@]}"
}

# Warns (before anything runs) that K6_HTTP_DEBUG, from any source, is not passed to k6.
k6_check_env() {
  local source=""
  if [[ -n "${CFG[K6_HTTP_DEBUG]:-}" ]]; then
    source="${CFG_SRC[K6_HTTP_DEBUG]}"
  elif [[ -n "${K6_HTTP_DEBUG:-}" ]]; then
    source="shell"
  fi
  if [[ -n "$source" ]]; then
    log_warn "K6_HTTP_DEBUG ($source) is not passed to k6: it would write every request's Authorization header (the token) into console.log and the results"
    log_hint "To see the requests, read the DMS's log (or the stand-in's sim.log), or the per-request metrics in summary.json."
  fi
}

# k6_run_phase PHASE [PHASE_DIR [LABEL]]: runs dist/PHASE.js with its results in PHASE_DIR (default
# <run>/PHASE), named LABEL on the console (default PHASE; the soak's windows: "soak window 2/6"); sets
# PHASE_EXIT to k6's exit code.
k6_run_phase() {
  local phase="$1" phase_dir="${2:-$RUN_DIR/$1}" label="${3:-$1}" port
  if instances_several && ((INSTANCES_ONE == 0)); then instances_run_phase "$phase"; return 0; fi
  mkdir -p "$phase_dir"
  port="$(node_helper net free-port)"
  K6_PORT="$port"
  k6_command "$phase" "$port" "$phase_dir" --mkdir
  log_step "phase $label: $(k6_command_text "$phase" "$port" "$phase_dir")"
  log_info "k6 REST API (live status): http://127.0.0.1:$port/v1/status; results: $phase_dir"
  if ((OPT_DASHBOARD == 1)); then
    if [[ "${K6_WEB_DASHBOARD_PORT:-}" == "-1" ]] || { ((STDOUT_IS_TTY == 0)) && [[ -z "${K6_WEB_DASHBOARD_PORT:-}" ]]; }; then
      log_info "k6 web dashboard: no live page (no terminal, or K6_WEB_DASHBOARD_PORT=-1); saved as $phase_dir/dashboard.html"
    else
      log_info "k6 web dashboard: http://${K6_WEB_DASHBOARD_HOST:-127.0.0.1}:${K6_WEB_DASHBOARD_PORT:-5665} (saved as $phase_dir/dashboard.html)"
    fi
  fi
  K6_INT_SENT=0
  K6_PHASE="$phase"
  svc_launch - _k6_exec "$phase_dir"
  K6_PID="$SVC_PID"
  generator_start "$phase_dir" "$K6_PID" "$phase"
  progress_start "$phase" "$port" "$phase_dir"
  k6_wait
  progress_stop
  if ((OPT_DASHBOARD == 1)) && [[ ! -f "$phase_dir/dashboard.html" ]]; then
    log_warn "phase $phase: k6 saved no dashboard.html (it saves one only for a phase longer than three periods of K6_WEB_DASHBOARD_PERIOD, ${K6_WEB_DASHBOARD_PERIOD:-2s})"
  fi
  generator_stop
  k6_save_problems "$phase" "$phase_dir"
  generator_verdict "$phase_dir" "$label"
  workload_verdict "$phase" "$phase_dir" || k6_explain_exit "$label" "$PHASE_EXIT" "$phase_dir"
}

# Waits for the running k6 (K6_PID; with several instances, their supervisor); sets PHASE_EXIT to its exit code.
k6_wait() {
  while :; do
    SIGNAL_DURING_WAIT=0
    PHASE_EXIT=0
    wait "$K6_PID" || PHASE_EXIT=$?
    # A trapped signal interrupts `wait`; k6 is still stopping (or has just stopped): wait again for its
    # real exit code, which bash keeps for a finished child.
    if ((SIGNAL_DURING_WAIT == 1)); then continue; fi
    break
  done
  K6_PID=""
  # shellcheck disable=SC2034 # read by the runner's exit trap
  K6_PHASE=""
}

# The problems the phase's VUs reported to the token broker (first of each kind, with counts) go into
# <phase>/summary.json as `problems`; one console line each. Quiet when k6 wrote no summary.
k6_save_problems() {
  local phase="$1" dir="$2" out rc=0 line
  [[ -n "$BROKER_URL" ]] || return 0
  out="$(BROKER_KEY="$BROKER_KEY" node_helper problems merge "$BROKER_URL" "$phase" "$dir/summary.json" 2>&1)" || rc=$?
  case "$rc" in
    0)
      if [[ -n "$out" ]]; then
        log_warn "phase $phase: problems (first of each kind in summary.json, field problems):"
        printf '%s\n' "$out" | while IFS= read -r line; do log_info "          $line"; done
      fi
      ;;
    3) ;;
    *) log_warn "could not add the reported problems to $dir/summary.json: ${out##*$'\n'}" ;;
  esac
}

# The runner is exiting (an error, SIGHUP) while k6 still runs. k6 stops gracefully on its first SIGINT
# (gracefulStop, teardown, handleSummary) but at once, without a summary, on a second signal; so: one
# SIGINT unless it had one already, then up to K6_STOP_WAIT_SECONDS for it to exit, and only then TERM.
# INT or TERM to the runner during the wait cuts it short.
k6_stop() {
  local tries seen="$SIGNALS_SEEN"
  if kill -0 "$K6_PID" 2>/dev/null; then
    if ((K6_INT_SENT == 0)); then
      kill -INT "$K6_PID" 2>/dev/null
      K6_INT_SENT=1
    fi
    log_warn "waiting up to ${CFG[K6_STOP_WAIT_SECONDS]} s for k6 to stop and write its summary (Ctrl-C: stop it at once)"
    trap 'SIGNALS_SEEN=$((SIGNALS_SEEN + 1))' INT TERM
    tries=$((CFG[K6_STOP_WAIT_SECONDS] * 10))
    while ((tries-- > 0 && SIGNALS_SEEN == seen)) && kill -0 "$K6_PID" 2>/dev/null; do
      sleep 0.1
    done
    trap '' INT TERM
  fi
  svc_stop "$K6_PID"
  # shellcheck disable=SC2034 # read by the runner's exit trap
  K6_STOP_STATUS="$SVC_STOP_STATUS"
  K6_PID=""
}

# Prints the phase's PASS/FAIL line (and the failed thresholds); sets PHASE_REASON, why it failed in words.
k6_explain_exit() {
  local phase="$1" code="$2" dir="$3" failed="" line=""
  local -a names=()
  PHASE_REASON="k6 exit code $code"
  if [[ ! -f "$dir/summary.json" ]]; then
    log_warn "phase $phase wrote no summary.json into $dir"
  fi
  case "$code" in
    0) log_pass "phase $phase" "k6 exit code 0" ;;
    99)
      log_fail "phase $phase" "k6 exit code 99: thresholds failed"
      if [[ -f "$dir/summary.json" ]]; then
        failed="$(node_helper results failed-thresholds "$dir/summary.json" || true)"
      fi
      if [[ -n "$failed" ]]; then
        while IFS= read -r line; do
          log_info "          failed: $line"
          names+=("${line/  / }")
        done <<<"$failed"
        PHASE_REASON+=", thresholds failed: $(results_list 3 "${names[@]}")"
      else
        PHASE_REASON+=", thresholds failed"
      fi
      ;;
    104) log_fail "phase $phase" "k6 exit code 104: invalid k6 configuration (options or thresholds; see above)"; PHASE_REASON+=", invalid k6 configuration" ;;
    105) log_fail "phase $phase" "k6 exit code 105: stopped by a signal (Ctrl-C or SIGTERM); summary of the part that ran is saved"; PHASE_REASON+=", stopped by a signal" ;;
    107) log_fail "phase $phase" "k6 exit code 107: script error (an exception in the scenario or setup(); see above)"; PHASE_REASON+=", script error" ;;
    108)
      log_fail "phase $phase" "k6 exit code 108: the scenario aborted the test"
      # The scenario reported its reason as a problem of kind 'abort' (merged into summary.json).
      if [[ -f "$dir/summary.json" ]]; then line="$(node_helper results abort-reason "$dir/summary.json")"; fi
      if [[ -n "$line" ]]; then
        log_info "          reason: $line"
        PHASE_REASON+=", the scenario aborted the test: $line"
      else
        PHASE_REASON+=", the scenario aborted the test (its reason is in console.log)"
      fi
      ;;
    255) log_fail "phase $phase" "k6 exit code 255: k6 refused to start (an unknown --out/K6_OUT type or a bad k6 option; its message is above)"; PHASE_REASON+=", k6 refused to start (see console.log)" ;;
    *) log_fail "phase $phase" "k6 exit code $code" ;;
  esac
}
