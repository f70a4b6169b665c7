# shellcheck shell=bash
# --prometheus URL: each phase streams its k6 metrics to a Prometheus remote-write receiver through k6's
# built-in experimental-prometheus-rw output, every series labelled testid=<run id>, profile, phase and target
# (k6 tags), so one run, one phase or one target can be picked out in Prometheus and Grafana. run.json records
# where (`prometheus`), and the report and summary.md link the run's time range (tools/prometheus/links.ts).
# k6 metric m becomes k6_m (counters k6_m_total, rates k6_m_rate, trend statistics k6_m_p95 ... in seconds).

# Trend statistics exported unless K6_PROMETHEUS_RW_TREND_STATS is set (k6's own default is p(99) alone).
readonly PROMETHEUS_TREND_STATS="p(50),p(95),p(99),max"
# k6's default system tags without `url`: a URL holds a document's id, and every id would be a series of its
# own in Prometheus; the `name` tag ("<resource> <op>") keeps the breakdown. Unless K6_SYSTEM_TAGS is set.
readonly PROMETHEUS_SYSTEM_TAGS="proto,subproto,status,method,name,group,check,error,error_code,tls_version,scenario,service,expected_response"

# prometheus_k6_args PHASE: adds the output and the run's tags to K6_CMD (k6.sh).
prometheus_k6_args() {
  [[ -n "$OPT_PROMETHEUS" ]] || return 0
  K6_CMD+=(--out experimental-prometheus-rw --tag "testid=${RUN_ID:-<run id>}" --tag "profile=$OPT_PROFILE"
    --tag "phase=$1" --tag "target=$TARGET")
}

# In k6's environment (k6.sh): the receiver's URL (never on the command line: it may hold a password).
prometheus_export_env() {
  [[ -n "$OPT_PROMETHEUS" ]] || return 0
  export K6_PROMETHEUS_RW_SERVER_URL="$OPT_PROMETHEUS"
  export K6_PROMETHEUS_RW_TREND_STATS="${K6_PROMETHEUS_RW_TREND_STATS:-$PROMETHEUS_TREND_STATS}"
  export K6_SYSTEM_TAGS="${K6_SYSTEM_TAGS:-$PROMETHEUS_SYSTEM_TAGS}"
}

# Pre-flight: the receiver answers (exit 3 when it does not, or when it is a Prometheus without its
# remote-write receiver): a run whose samples go nowhere should not start.
preflight_prometheus() {
  local out rc=0
  [[ -n "$OPT_PROMETHEUS" ]] || return 0
  # the receiver's credentials as k6 gets them (shell, profile or env file), in the environment only
  out="$(cd "$ROOT" && K6_PROMETHEUS_RW_USERNAME="$(k6_setting K6_PROMETHEUS_RW_USERNAME)" \
    K6_PROMETHEUS_RW_PASSWORD="$(k6_setting K6_PROMETHEUS_RW_PASSWORD)" \
    K6_PROMETHEUS_RW_BEARER_TOKEN="$(k6_setting K6_PROMETHEUS_RW_BEARER_TOKEN)" \
    node --import tsx tools/prometheus/probe.ts "$OPT_PROMETHEUS" 2>&1)" || rc=$?
  if ((rc == 0)); then
    log_pass "prometheus" "${out%%$'\n'*}"
    return 0
  fi
  log_fail "prometheus" "${out%%$'\n'*}"
  if [[ "$out" == *$'\n'* ]]; then log_hint "${out#*$'\n'}"; fi
  exit "$EXIT_PREFLIGHT"
}
