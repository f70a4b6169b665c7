# shellcheck shell=bash
# The token broker (tools/token-broker/): the only process that talks to the token endpoint during a run.
# Its start is the pre-flight credential check: it requests the run's first token (one request, no retry
# on 401, unless the client was created seconds ago) and exits 3 when the credentials are refused, 4 when
# the endpoint cannot be reached. k6 gets TOKEN_BROKER_URL and TOKEN_BROKER_KEY.

BROKER_PID=""
BROKER_URL=""
BROKER_KEY=""

# A random per-run key: 32 hex characters from /dev/urandom.
broker_new_key() {
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

_broker_exec() {
  local retries="$1"
  svc_close_saved_fds
  export BROKER_TOKEN_URL="${CFG[OAUTH_TOKEN_URL]}"
  export CLIENT_ID="${CFG[CLIENT_ID]}"
  export CLIENT_SECRET="${CFG[CLIENT_SECRET]}"
  export BROKER_KEY
  export TOKEN_REFRESH_MARGIN_SECONDS="${CFG[TOKEN_REFRESH_MARGIN_SECONDS]}"
  export BROKER_INITIAL_RETRIES="$retries"
  export BROKER_HOST="${CFG[BROKER_BIND_ADDRESS]:-127.0.0.1}" BROKER_PORT="${CFG[BROKER_PORT]:-0}" BROKER_ALLOWED_HOSTS="${CFG[BROKER_ALLOWED_HOSTS]:-}"
  cd "$ROOT" || exit "$EXIT_INTERNAL"
  exec node --import tsx "$ROOT/tools/token-broker/main.ts"
}

# broker_start JUST_CREATED: 1 when client setup created the client moments ago (a cold DMS may refuse
# its first token for a few seconds, so the broker may retry a 401 then, for up to 20 s).
broker_start() {
  local just_created="$1" log="$RUN_DIR/broker.log" rc=0 status retries=0
  if instances_joining; then instances_use_remote_broker; return 0; fi
  if [[ "$just_created" == 1 ]]; then retries=40; fi
  BROKER_KEY="$(broker_new_key)"
  svc_launch "$log" _broker_exec "$retries"
  BROKER_PID="$SVC_PID"
  svc_wait_line "$BROKER_PID" "$log" '^token-broker listening on ' 90 || rc=$?
  if ((rc == 0)); then
    BROKER_URL="$(svc_url_of "$SVC_LINE")"
    # bound to every interface: this machine's k6 reaches it on loopback
    BROKER_URL="${BROKER_URL/\/\/0.0.0.0:/\/\/127.0.0.1:}"
    BROKER_URL="${BROKER_URL/\/\/\[::\]:/\/\/[::1]:}"
    log_pass "credentials" "token issued by ${CFG[OAUTH_TOKEN_URL]} for CLIENT_ID ${CFG[CLIENT_ID]} (${CFG_SRC[CLIENT_ID]})"
    log_pass "token broker" "$BROKER_URL (pid $BROKER_PID; log: broker.log)"
    instances_write_join_file
    return 0
  fi
  if ((rc == 2)); then
    svc_stop "$BROKER_PID"
    status="timeout"
  else
    status="$(svc_status "$BROKER_PID")"
  fi
  BROKER_PID=""
  case "$status" in
    3)
      log_fail "credentials" "the token endpoint refused CLIENT_ID/CLIENT_SECRET (${CFG_SRC[CLIENT_ID]})"
      tail -n 5 "$log" | log_indent
      log_hint "Check CLIENT_ID and CLIENT_SECRET in ${CFG_SRC[CLIENT_SECRET]}: the key and secret of an application of this DMS." \
        "To let the runner create a new client instead, remove both lines from $ENV_FILE_LABEL and set" \
        "CMS_BASE_URL, CMS_ADMIN_CLIENT_ID and CMS_ADMIN_CLIENT_SECRET. (One token request was made; no retries.)"
      ;;
    5)
      log_fail "credentials" "DMS's cap of active tokens for CLIENT_ID ${CFG[CLIENT_ID]} is reached (429 too-many-tokens)"
      tail -n 5 "$log" | log_indent
      log_hint "Other runs or tools hold tokens of this client; DMS frees a slot when one expires (30 min)." \
        "Wait, stop the other users of this client, or use another client. See docs/troubleshooting.md (429 too many tokens)."
      ;;
    4)
      log_fail "credentials" "the token endpoint ${CFG[OAUTH_TOKEN_URL]} is unreachable or failing"
      tail -n 5 "$log" | log_indent
      log_hint "Check OAUTH_TOKEN_URL (${CFG_SRC[OAUTH_TOKEN_URL]}) and that the DMS can reach its identity provider;" \
        "see docs/troubleshooting.md."
      ;;
    2)
      log_fail "token broker" "the token broker could not start"
      tail -n 3 "$log" | log_indent
      log_hint "Check BROKER_BIND_ADDRESS (an address of this machine), BROKER_PORT (free) and BROKER_ALLOWED_HOSTS (IP addresses or CIDR ranges)."
      ;;
    timeout)
      log_fail "credentials" "the token broker did not start within 90 s"
      tail -n 5 "$log" | log_indent
      ;;
    *)
      log_fail "credentials" "the token broker exited with code $status"
      tail -n 10 "$log" | log_indent
      ;;
  esac
  exit "$EXIT_PREFLIGHT"
}

broker_save_stats() {
  if [[ -n "$BROKER_PID" && -n "$BROKER_URL" && -n "$RUN_DIR" ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
    if BROKER_KEY="$BROKER_KEY" shielded node_helper net get-json "$BROKER_URL/stats" "$RUN_DIR/broker-stats.json" 5; then
      broker_report_slow_endpoint "$RUN_DIR/broker-stats.json"
    else
      log_warn "could not save the token broker's statistics (broker-stats.json)"
    fi
  fi
}

# A token endpoint slower than half the renewal margin is worth a line: the broker coped by renewing
# earlier, but a slower one still would leave the VUs without a valid token.
broker_report_slow_endpoint() {
  local warning
  warning="$(node -e 'const j = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(j.slowEndpointWarning ?? "")' "$1" 2>/dev/null || true)"
  if [[ -n "$warning" ]]; then log_warn "token broker: $warning"; fi
}

broker_stop() {
  if [[ -n "$BROKER_PID" ]]; then
    svc_stop "$BROKER_PID"
    BROKER_PID=""
  fi
}
