#!/usr/bin/env bats
# --emit-k8s DIR (tools/k8s, docs/scale-out.md): what it refuses, what it writes, and apply.sh's own work
# (phases in order, each runner's summary.json from its log, the merge) against a kubectl stand-in that
# answers as a cluster with k6-operator would. No cluster is involved: the manifests' fields are checked
# against k6-operator's in test/tools/k8s.test.ts; applying them to a real cluster is not tested here.

load helpers

setup() {
  setup_project
  export API_BASE_URL=http://dms.ed-fi.svc:8080 CLIENT_ID=client-id-1 CLIENT_SECRET=client-secret-value-1
}

teardown() {
  teardown_project
}

@test "--emit-k8s refuses what cannot run in a cluster, with what to do" {
  run env -u API_BASE_URL "$RUNNER" --profile dev --instances 2 --emit-k8s "$BATS_TEST_TMPDIR/k8s"
  assert_status 2
  assert_output_has "the bundled stand-in is not there"
  run "$RUNNER" --profile dev --emit-k8s "$BATS_TEST_TMPDIR/k8s"
  assert_status 2
  assert_output_has "needs --instances N with N >= 2"
  mkdir -p "$BATS_TEST_TMPDIR/full" && touch "$BATS_TEST_TMPDIR/full/x"
  run "$RUNNER" --profile dev --instances 2 --emit-k8s "$BATS_TEST_TMPDIR/full"
  assert_status 2
  assert_output_has "exists and is not empty"
  [ ! -e "$RESULTS_ROOT" ]
}

@test "--emit-k8s writes the manifests and apply.sh; the Secret alone holds the credentials, mode 0600" {
  run "$RUNNER" --profile dev --phase full --instances 3 --emit-k8s "$BATS_TEST_TMPDIR/k8s"
  assert_status 0
  local dir="$BATS_TEST_TMPDIR/k8s" file
  for file in scenarios-configmap.json broker-configmap.json secret.json broker-deployment.json broker-service.json broker-networkpolicy.json testrun-load.json testrun-readwrite.json run.template.json apply.sh; do
    [ -s "$dir/$file" ] || { echo "missing $file"; ls -la "$dir"; false; }
  done
  [ "$(stat -c %a "$dir/secret.json")" = 600 ]
  [ -x "$dir/apply.sh" ]
  grep -q client-secret-value-1 "$dir/secret.json"
  [ "$(grep -l client-secret-value-1 "$dir"/* | wc -l)" = 1 ]
  [ "$(json_get "$dir/testrun-load.json" j.spec.parallelism)" = 3 ]
  [ "$(json_get "$dir/testrun-readwrite.json" "j.spec.runner.env.find((e) => e.name === 'VUS_READWRITE_PHASE').value")" = 10 ]
  assert_output_has "next: "
  [ ! -e "$RESULTS_ROOT" ]
}

# A kubectl stand-in: k6-operator's TestRun finishes at once; each runner pod's log holds one of the
# instance summaries prepared in $FAKE_PARTS/<phase>/instance-<i>.json between the SUMMARY_TO_STDOUT markers.
write_fake_kubectl() {
  mkdir -p "$BATS_TEST_TMPDIR/bin"
  cat >"$BATS_TEST_TMPDIR/bin/kubectl" <<'KUBECTL'
#!/usr/bin/env bash
set -Eeuo pipefail
printf '%s\n' "$*" >>"$FAKE_KUBECTL_LOG"
args=("$@")
if [[ "${args[0]}" == -n ]]; then args=("${args[@]:2}"); fi
case "${args[0]} ${args[1]:-}" in
  "get testrun") echo finished ;;
  "get pods") name="${args[3]#job-name=}"; echo "$name-pod" ;;
  "get pod") echo 0 ;;
  "logs "*) pod="${args[1]%-pod}"; i="${pod##*-}"; run="${pod%-*}"; phase="${run##*-}"
    echo "k6 text summary of runner $i"
    echo "=== dms-load-test summary.json begin ==="
    cat "$FAKE_PARTS/$phase/instance-$i.json"
    echo "=== dms-load-test summary.json end ===" ;;
  "exec "*) if [[ "$*" == *"/problems"* ]]; then echo '{"problems":[]}'; else echo '{"tokensFetched":1}'; fi ;;
  *) ;;
esac
KUBECTL
  chmod +x "$BATS_TEST_TMPDIR/bin/kubectl"
}

@test "apply.sh: applies, runs the phase, collects each runner's summary.json from its log, merges them into one report" {
  run "$RUNNER" --profile dev --phase load --instances 2 --emit-k8s "$BATS_TEST_TMPDIR/k8s"
  assert_status 0
  write_fake_kubectl
  export FAKE_KUBECTL_LOG="$BATS_TEST_TMPDIR/kubectl.log" FAKE_PARTS="$BATS_TEST_TMPDIR/parts"
  mkdir -p "$FAKE_PARTS/load"
  # two instances' summaries: the recorded smoke summary as each half of a run
  node -e '
    const fs = require("fs");
    const [fixture, out, template] = process.argv.slice(1);
    const s = JSON.parse(fs.readFileSync(fixture, "utf8"));
    const runId = JSON.parse(fs.readFileSync(template, "utf8")).runId;
    for (const [i, seg] of [[1, "0:1/2"], [2, "1/2:1"]]) {
      s.segment = { runId, instances: 2, executionSegment: seg, executionSegmentSequence: "0,1/2,1",
        startedAt: "2026-11-30T01:30:00.000Z", finishedAt: "2026-11-30T01:31:00.000Z", thresholds: { entities_failed: ["count==0"] } };
      fs.writeFileSync(`${out}/instance-${i}.json`, JSON.stringify(s, null, 2) + "\n");
    }' "$REPO/test/tools/fixtures/smoke-sim/load/summary.json" "$FAKE_PARTS/load" "$BATS_TEST_TMPDIR/k8s/run.template.json"
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run "$BATS_TEST_TMPDIR/k8s/apply.sh" -n loadtest
  assert_status 0
  local dir="$BATS_TEST_TMPDIR/k8s"
  [ -s "$dir/collected/load/instance-1/summary.json" ]
  [ "$(cat "$dir/collected/load/instance-2/exit-code")" = 0 ]
  [ "$(json_get "$dir/collected/run.json" 'j.startedAt < j.finishedAt || j.startedAt === j.finishedAt')" = true ]
  [ "$(json_get "$dir/merged/run.json" j.status)" = PASS ]
  [ "$(json_get "$dir/merged/load/summary.json" j.merge.instances)" = 2 ]
  [ "$(json_get "$dir/merged/load/summary.json" "j.metrics['http_reqs{api:data}'].values.count")" = \
    "$(json_get "$REPO/test/tools/fixtures/smoke-sim/load/summary.json" "2 * j.metrics['http_reqs{api:data}'].values.count")" ]
  [ -s "$dir/merged/report.html" ]
  [ "$(json_get "$dir/merged/broker-stats.json" j.tokensFetched)" = 1 ]
  assert_schema run.schema.json "$dir/merged/run.json"
  assert_schema summary.schema.json "$dir/merged/load/summary.json"
  # in order: the objects, the broker ready, the TestRun, its pods' logs, the TestRun deleted, the rest deleted
  [ "$(grep -c '^-n loadtest ' "$FAKE_KUBECTL_LOG")" = "$(wc -l <"$FAKE_KUBECTL_LOG")" ]
  [ "$(grep -n 'rollout status' "$FAKE_KUBECTL_LOG" | cut -d: -f1)" -lt "$(grep -n 'testrun-load.json' "$FAKE_KUBECTL_LOG" | cut -d: -f1)" ]
  grep -q 'logs dms-.*-load-2-pod' "$FAKE_KUBECTL_LOG"
  grep -q 'delete testrun dms-.*-load' "$FAKE_KUBECTL_LOG"
  [ "$(tail -n 1 "$FAKE_KUBECTL_LOG" | grep -c 'delete --ignore-not-found')" = 1 ]
  # applied once: a second apply.sh refuses to mix two runs' results
  PATH="$BATS_TEST_TMPDIR/bin:$PATH" run "$BATS_TEST_TMPDIR/k8s/apply.sh"
  assert_status 2
  assert_output_has "was applied before"
}
