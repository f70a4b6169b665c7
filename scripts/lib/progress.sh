# shellcheck shell=bash
# Live progress beside k6 (tools/progress): polls k6's REST API on the --address port, prints one line
# every few seconds and appends samples to <phase>/timeseries.ndjson for the HTML report. k6 itself runs
# with --quiet then, so the console is not flooded with its once-a-second progress lines off a terminal.
# Progress is a convenience: when it is missing or fails, the run goes on.

PROGRESS_PID=""

progress_available() {
  [[ -f "$ROOT/tools/progress/main.ts" ]]
}

# Seconds of a k6 duration such as 1h30m or 45s (whole seconds, rounded down).
duration_seconds() {
  local value="$1" total=0
  if [[ "$value" =~ ^(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)(\.[0-9]+)?s)?$ ]]; then
    total=$((10#${BASH_REMATCH[2]:-0} * 3600 + 10#${BASH_REMATCH[4]:-0} * 60 + 10#${BASH_REMATCH[6]:-0}))
  fi
  printf '%s' "$total"
}

_progress_exec() {
  local phase="$1" port="$2" phase_dir="$3"
  local -a args=(--address "127.0.0.1:$port" --phase "$phase" --out "$phase_dir/timeseries.ndjson")
  svc_close_saved_fds
  config_export_public
  if [[ "$phase" == "readwrite" ]]; then
    args+=(--planned-seconds "$(duration_seconds "${CFG[DURATION_READWRITE_PHASE]}")")
  fi
  cd "$ROOT" || exit "$EXIT_INTERNAL"
  exec node --import tsx "$ROOT/tools/progress/main.ts" "${args[@]}"
}

progress_start() {
  local phase="$1" port="$2" phase_dir="$3"
  PROGRESS_PID=""
  if progress_available; then
    svc_launch - _progress_exec "$phase" "$port" "$phase_dir"
    PROGRESS_PID="$SVC_PID"
  fi
}

# After k6 has exited there is nothing left to poll: stop the poller at once (it has written every sample).
progress_stop() {
  if [[ -n "$PROGRESS_PID" ]]; then
    svc_stop "$PROGRESS_PID" 2
    PROGRESS_PID=""
  fi
}
