#!/usr/bin/env bats
# End to end: one run as several k6 instances (execution segments; docs/scale-out.md). Real k6 against the
# stand-in through run-load-test.sh; the data set and the token are counted by the stand-in itself.

load ../bats/helpers

setup() {
  setup_project
}

teardown() {
  teardown_project
}

# assert_merged_is_sum PHASE_DIR: every count of the merged summary.json is the sum of the instances' (counter
# counts, Rate passes and fails, trend counts, histogram buckets, checks), and there are at least two parts.
assert_merged_is_sum() {
  node -e '
    const fs = require("fs"), path = require("path");
    const dir = process.argv[1];
    const read = (f) => JSON.parse(fs.readFileSync(f, "utf8"));
    const merged = read(path.join(dir, "summary.json"));
    const parts = fs.readdirSync(dir).filter((d) => /^instance-\d+$/.test(d)).map((d) => read(path.join(dir, d, "summary.json")));
    if (parts.length < 2) throw new Error(`expected at least two instance summaries, found ${parts.length}`);
    let compared = 0;
    const same = (what, got, want) => { compared++; if (got !== want) throw new Error(`${what}: merged ${got}, sum of the parts ${want}`); };
    const sum = (f) => parts.reduce((n, p) => n + (f(p) ?? 0), 0);
    for (const [name, m] of Object.entries(merged.metrics)) {
      const of = (p) => p.metrics[name]?.values ?? {};
      if (m.type === "counter") same(`${name} count`, m.values.count, sum((p) => of(p).count));
      if (m.type === "rate") { same(`${name} passes`, m.values.passes, sum((p) => of(p).passes)); same(`${name} fails`, m.values.fails, sum((p) => of(p).fails)); }
      if (m.type === "trend") same(`${name} count`, m.values.count, sum((p) => of(p).count));
    }
    for (const [key, h] of Object.entries(merged.histograms)) {
      same(`histogram ${key}`, h.counts.reduce((a, b) => a + b, 0), sum((p) => p.histograms[key]?.counts.reduce((a, b) => a + b, 0)));
    }
    const checks = (g) => [...(g.checks ?? []), ...(g.groups ?? []).flatMap(checks)];
    same("checks passed", checks(merged.root_group).reduce((n, c) => n + c.passes, 0), sum((p) => checks(p.root_group).reduce((n, c) => n + c.passes, 0)));
    console.log(`${compared} counts compared over ${parts.length} instances`);
  ' "$1"
}

@test "--instances 2, dev load: exactly the data set, written once across the instances, with one token" {
  run "$RUNNER" --profile dev --phase load --instances 2
  assert_status 0
  local dir stats
  dir="$(run_dir)"
  stats="$dir/sim-stats.json"
  # both instances ran, each its segment, and reported its exit code
  [ "$(json_get "$dir/load/instance-1/summary.json" j.segment.executionSegment)" = "0:1/2" ]
  [ "$(json_get "$dir/load/instance-2/summary.json" j.segment.executionSegment)" = "1/2:1" ]
  [ "$(cat "$dir/load/instance-1/exit-code") $(cat "$dir/load/instance-2/exit-code")" = "0 0" ]
  # both wrote part of it: the work items were shared out, not done twice or by one alone
  [ "$(json_get "$dir/load/instance-1/summary.json" "j.metrics['entities_ensured{resource:students}'].values.count")" -gt 0 ]
  [ "$(json_get "$dir/load/instance-2/summary.json" "j.metrics['entities_ensured{resource:students}'].values.count")" -gt 0 ]
  # the bootstrap documents: by the first instance only
  [ "$(json_get "$dir/load/instance-2/summary.json" "(j.metrics['entities_ensured{resource:localEducationAgencies}']?.values.count ?? 0)")" = 0 ]
  # exactly the data set: every document created once (201), none sent twice (no 200 upsert), 898 in all
  [ "$(json_get "$stats" 'Object.values(j.documents).reduce((a, b) => a + b, 0)')" = 898 ]
  [ "$(sim_count_prefix 'POST /data/ed-fi/' "$stats")" -ge 898 ]
  [ "$(json_get "$stats" "Object.entries(j.requests.byMethodRouteStatus).filter(([k]) => /^POST \/data\/.* 201$/.test(k)).reduce((n, [, v]) => n + v, 0)")" = 898 ]
  [ "$(json_get "$stats" "Object.entries(j.requests.byMethodRouteStatus).filter(([k]) => /^POST \/data\/.* 200$/.test(k)).length")" = 0 ]
  for resource in students studentSectionAssociations staffSectionAssociations sections schools; do
    [ "$(json_get "$stats" "j.documents.$resource")" = "$(json_get "$dir/load/summary.json" "j.metrics['entities_ensured{resource:$resource}'].values.count")" ]
  done
  # one token for both instances
  [ "$(client_tokens "$stats")" = 1 ]
  [ "$(json_get "$dir/broker-stats.json" j.tokensFetched)" = 1 ]
  # the merged summary: the whole run's thresholds (count==N) judged on the sums, one exit code
  [ "$(json_get "$dir/load/summary.json" "Object.keys(j.metrics['entities_ensured{resource:students}'].thresholds).join()")" = "count==100" ]
  [ "$(json_get "$dir/load/summary.json" j.merge.exitCode)" = 0 ]
  [ "$(json_get "$dir/load/summary.json" 'j.merge.thresholds.every((t) => t.ok && t.judged)')" = true ]
  assert_merged_is_sum "$dir/load"
  [ "$(json_get "$dir/run.json" 'j.phases[0].exitCode')" = 0 ]
  [ -s "$dir/report.html" ]
  assert_schema summary.schema.json "$dir/load/summary.json" "$dir/load/instance-1/summary.json" "$dir/load/instance-2/summary.json"
  assert_output_has "[k6 2/2]"
}

@test "--instances 2, smoke full: readwrite merged too; a threshold is judged on the merged figures, one exit code" {
  DURATION_READWRITE_PHASE=6s run "$RUNNER" --profile smoke --phase full --instances 2
  assert_status 0
  local dir
  dir="$(run_dir)"
  assert_merged_is_sum "$dir/readwrite"
  [ "$(json_get "$dir/readwrite/summary.json" j.merge.instances)" = 2 ]
  # the mix ran in both: a Rate counts its false samples (operations that did not fail) as fails
  [ "$(json_get "$dir/readwrite/summary.json" "j.metrics['dms_operation_failed'].values.fails > 0")" = true ]
  # the same run with a p95 limit no request meets: the whole run's p95 fails it (exactly when both
  # instances' own fail it; from the merged histogram when one of them, with a handful of requests, does
  # not): exit 99, named from the merge
  rm -rf "$RESULTS_ROOT"
  THRESHOLD_P95_MS_LOAD=1 run "$RUNNER" --profile smoke --phase load --instances 2
  assert_status 99
  dir="$(run_dir)"
  [ "$(json_get "$dir/load/summary.json" "j.merge.thresholds.filter((t) => !t.ok).map((t) => t.metric + ' ' + t.expression).join()")" = "http_req_duration{api:data} p(95)<1" ]
  [ "$(json_get "$dir/load/summary.json" "/so the whole run's is \\(exact\\)|estimated from the merged latency histograms/.test(j.merge.thresholds.find((t) => t.expression === 'p(95)<1').note)")" = true ]
  [ "$(json_get "$dir/load/summary.json" "j.merge.thresholds.find((t) => t.expression === 'p(95)<1').judged")" = true ]
  [ "$(json_get "$dir/run.json" j.exitCode)" = 99 ]
  assert_output_has "failed: http_req_duration{api:data}"
}

@test "--instances 2, Ctrl-C: each instance stops gracefully and writes its summary; the merge records k6's 105 once" {
  local log="$BATS_TEST_TMPDIR/run.log" pid dir
  # slow enough (about 30 s of load) that the load phase is still running when the signal comes
  set -m # job control: the runner gets its own process group, as on a terminal
  SIM_LATENCY_MS=300 "$RUNNER" --profile dev --phase load --instances 2 >"$log" 2>&1 3>&- &
  pid=$!
  set +m
  wait_for_output "$log" 'instance 2/2: k6 pid' 120
  sleep 2
  # one Ctrl-C: it reaches the terminal's foreground process group, the runner's
  kill -INT -- "-$pid"
  wait_for_runner "$pid" "$log"
  assert_status 105
  dir="$(run_dir)"
  [ "$(cat "$dir/load/instance-1/exit-code") $(cat "$dir/load/instance-2/exit-code")" = "105 105" ]
  [ -s "$dir/load/instance-1/summary.json" ]
  [ -s "$dir/load/instance-2/summary.json" ]
  [ "$(json_get "$dir/load/summary.json" j.merge.exitCode)" = 105 ]
  [ "$(json_get "$dir/run.json" 'j.phases[0].exitCode')" = 105 ]
  assert_output_has "stopping k6 gracefully"
}
