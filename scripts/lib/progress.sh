# shellcheck shell=bash
# Live progress beside k6 (tools/progress): polls k6's REST API on the --address port, prints one line
# every few seconds and appends samples to <phase>/timeseries.ndjson for the HTML report. k6 itself runs
# with --quiet then, so the console is not flooded with its once-a-second progress lines off a terminal.
# Progress is a convenience: when it is missing or fails, the run goes on.

PROGRESS_PID=""

progress_available() {
  [[ -f "$ROOT/tools/progress/main.ts" ]]
}

_progress_exec() {
  local phase="$1" port="$2" phase_dir="$3"
  local -a args=(--address "127.0.0.1:$port" --phase "$phase" --out "$phase_dir/timeseries.ndjson")
  svc_close_saved_fds
  # The poller reads the planned length (DURATION_READWRITE_PHASE) and the data set size from this
  # environment itself, with src/config.ts, the same parser k6 uses.
  config_export_public
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
