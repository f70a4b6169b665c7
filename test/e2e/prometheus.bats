#!/usr/bin/env bats
# End to end: --prometheus streams each phase's k6 metrics to a real Prometheus (Debian's package, its
# remote-write receiver on, on loopback, a storage folder of the test's own), labelled with the run id,
# profile, phase and target; the requests Prometheus holds for the run equal the counts in each phase's
# summary.json. k6's http_reqs counter arrives as k6_http_reqs_total, one series per tag set, each carrying
# the running total k6 sent at its last push (k6 pushes once more when a phase ends, before it exits).

load ../bats/helpers

setup() {
  setup_project
  export SIM_RATE_LIMIT_PERMITS=0
  export DURATION_READWRITE_PHASE=6s
  PROMETHEUS_PID=""
}

teardown() {
  if [[ -n "$PROMETHEUS_PID" ]]; then
    kill "$PROMETHEUS_PID" 2>/dev/null || true
    wait "$PROMETHEUS_PID" 2>/dev/null || true
  fi
  teardown_project
}

# Starts Prometheus on a free loopback port with the remote-write receiver on; sets PROMETHEUS_URL.
start_test_prometheus() {
  local dir="$BATS_TEST_TMPDIR/prometheus" port tries=300
  command -v prometheus >/dev/null || { echo "prometheus is not installed (Debian: apt-get install prometheus; test/run-all.sh does)" >&2; return 1; }
  mkdir -p "$dir/data"
  printf 'global:\n  scrape_interval: 1m\n' >"$dir/prometheus.yml"
  port="$(free_port)"
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --web.enable-remote-write-receiver >"$dir/log" 2>&1 3>&- &
  PROMETHEUS_PID=$!
  PROMETHEUS_URL="http://127.0.0.1:$port"
  until [[ "$(prometheus_get /-/ready 2>/dev/null)" == *Ready* ]]; do
    if ((tries-- == 0)) || ! kill -0 "$PROMETHEUS_PID" 2>/dev/null; then cat "$dir/log" >&2; return 1; fi
    sleep 0.1
  done
}

prometheus_get() {
  node -e 'fetch(process.argv[1]).then(async (r) => { const t = await r.text(); if (!r.ok) { console.error(r.status, t); process.exit(1); } process.stdout.write(t); })' \
    "$PROMETHEUS_URL$1"
}

# promql EXPRESSION: the instant query's result as "labelvalue=value" lines for `by (phase)` sums, sorted.
promql() {
  node -e '
    const [base, expr] = process.argv.slice(1);
    fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`).then(async (r) => {
      const body = await r.json();
      if (body.status !== "success") { console.error(JSON.stringify(body)); process.exit(1); }
      console.log(body.data.result.map((s) => `${s.metric.phase ?? ""}=${s.value[1]}`).sort().join("\n"));
    });' "$PROMETHEUS_URL" "$1"
}

@test "--prometheus: each phase's request counts in Prometheus equal summary.json's, labelled with run id, profile, phase, target" {
  start_test_prometheus
  run "$RUNNER" --profile smoke --phase full --prometheus "$PROMETHEUS_URL/api/v1/write"
  assert_status 0
  assert_output_has "PASS  prometheus"
  local dir id
  dir="$(run_dir)"
  id="${dir##*/}"
  # every request of each phase (data, token broker, token endpoint), and the data requests alone
  local want_all want_data
  want_all="load=$(json_get "$dir/load/summary.json" 'j.metrics.http_reqs.values.count')
readwrite=$(json_get "$dir/readwrite/summary.json" 'j.metrics.http_reqs.values.count')"
  want_data="load=$(json_get "$dir/load/summary.json" 'j.metrics["http_reqs{api:data}"].values.count')
readwrite=$(json_get "$dir/readwrite/summary.json" 'j.metrics["http_reqs{api:data}"].values.count')"
  [ "$(promql "sum by (phase) (last_over_time(k6_http_reqs_total{testid=\"$id\"}[1h]))")" = "$want_all" ]
  [ "$(promql "sum by (phase) (last_over_time(k6_http_reqs_total{testid=\"$id\",api=\"data\"}[1h]))")" = "$want_data" ]
  # the run's labels are on its series; URLs (with document ids) are not
  [ "$(promql "count by (phase) (last_over_time(k6_http_reqs_total{testid=\"$id\",profile=\"smoke\",target=\"sim\"}[1h]))" | cut -d= -f1 | paste -sd,)" = "load,readwrite" ]
  [ "$(promql "count(last_over_time(k6_http_reqs_total{testid=\"$id\",url!=\"\"}[1h]))")" = "" ]
  [ -n "$(promql "last_over_time(k6_http_req_duration_p95{testid=\"$id\",phase=\"readwrite\",api=\"data\"}[1h])")" ]
  # run.json says where, and the report and summary.md link the run's time range
  [ "$(json_get "$dir/run.json" 'j.prometheus.remoteWriteUrl')" = "$PROMETHEUS_URL/api/v1/write" ]
  [ "$(json_get "$dir/run.json" 'j.prometheus.labels.testid')" = "$id" ]
  assert_schema run.schema.json "$dir/run.json"
  grep -q "\[Prometheus: requests of this run, by phase\]($PROMETHEUS_URL/graph?g0.expr=" "$dir/summary.md"
  grep -q "href=\"$PROMETHEUS_URL/graph?g0.expr=" "$dir/report.html"
  assert_output_has "metrics in Prometheus: $PROMETHEUS_URL/graph?"
}

@test "--prometheus at a Prometheus without its remote-write receiver: exit 3 before k6, says how to turn it on" {
  local port
  port="$(free_port)"
  node -e 'require("http").createServer((q, s) => { s.statusCode = 404; s.end("404 page not found"); }).listen(Number(process.argv[1]), "127.0.0.1")' "$port" 3>&- &
  LISTENER_PID=$!
  sleep 0.5
  run "$RUNNER" --profile smoke --phase load --prometheus "http://127.0.0.1:$port/api/v1/write"
  assert_status 3
  assert_output_has "FAIL  prometheus             http://127.0.0.1:$port/api/v1/write answers 404: no remote-write receiver there"
  assert_output_has "--web.enable-remote-write-receiver"
  assert_output_lacks "phase load:"
  [ "$(xml_value "$(run_dir)/junit.xml" 'count(//testcase[@name="prometheus"]/failure)')" = 1 ]
}
