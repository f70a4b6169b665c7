# shellcheck shell=bash
# The bundled DMS stand-in (sim/): started on loopback for --target sim, every SIM_* setting passed on in
# its environment; it is DMS and Configuration Service on one URL. Stopped by the runner's exit trap.

SIM_PID=""
SIM_URL=""

# Runs in the background subshell: environment, then exec.
_sim_exec() {
  local name port="$1"
  svc_close_saved_fds
  for name in "${CFG_KEYS[@]}"; do
    if [[ "$name" == SIM_* && -n "${CFG[$name]}" ]]; then
      export "${name}=${CFG[$name]}"
    fi
  done
  cd "$ROOT" || exit "$EXIT_INTERNAL"
  exec node --import tsx "$ROOT/sim/main.ts" --port "$port" --host 127.0.0.1
}

sim_start() {
  local port="${CFG[SIM_PORT]:-0}" log="$RUN_DIR/sim.log" rc=0 status
  if [[ ! -f "$ROOT/sim/main.ts" ]]; then
    log_fail "stand-in" "sim/main.ts is missing from this checkout"
    log_hint "The stand-in is part of the project; update your clone, or use --target dms with a real DMS."
    exit "$EXIT_PREFLIGHT"
  fi
  if [[ "$port" != 0 ]] && ! node_helper net port-free "$port" 2>/dev/null; then
    log_fail "stand-in" "port $port on 127.0.0.1 is already in use (${CFG_SRC[SIM_PORT]})"
    log_hint "Choose another port with --sim-port PORT (or SIM_PORT), or 0 for any free port." \
      "To see what holds it: ss -ltnp 'sport = :$port'"
    exit "$EXIT_PREFLIGHT"
  fi
  svc_launch "$log" _sim_exec "$port"
  SIM_PID="$SVC_PID"
  svc_wait_line "$SIM_PID" "$log" '^dms-sim listening on ' 30 || rc=$?
  if ((rc != 0)); then
    if ((rc == 1)); then
      status="$(svc_status "$SIM_PID")"
      log_fail "stand-in" "exited with code $status before it was ready"
    else
      log_fail "stand-in" "not ready after 30 s"
      svc_stop "$SIM_PID"
    fi
    SIM_PID=""
    if grep -q 'EADDRINUSE' "$log" 2>/dev/null; then
      log_hint "Port $port is already in use: choose another with --sim-port PORT, or 0 for any free port."
    fi
    log_hint "Its output ($log):"
    tail -n 15 "$log" | log_indent
    exit "$EXIT_PREFLIGHT"
  fi
  SIM_URL="$(svc_url_of "$SVC_LINE")"
  config_set API_BASE_URL "$SIM_URL" "stand-in"
  config_set CMS_BASE_URL "$SIM_URL" "stand-in"
  log_pass "stand-in" "$SIM_URL (pid $SIM_PID; log: sim.log; answers like DMS ${CFG[SIM_DMS_VERSION]:-8.1})"
}

sim_save_stats() {
  if [[ -n "$SIM_PID" && -n "$SIM_URL" && -n "$RUN_DIR" ]] && kill -0 "$SIM_PID" 2>/dev/null; then
    shielded node_helper net get-json "$SIM_URL/_sim/stats" "$RUN_DIR/sim-stats.json" 5 ||
      log_warn "could not save the stand-in's statistics (sim-stats.json)"
  fi
}

sim_stop() {
  if [[ -n "$SIM_PID" ]]; then
    svc_stop "$SIM_PID"
    SIM_PID=""
  fi
}
