#!/usr/bin/env bats
# End to end: one run over two "hosts", each a network namespace of its own joined to the stand-in's by
# veth links (ip netns, a bridge). Host A runs instance 1/2 with the token broker on its link address; host
# B joins with A's join.env as instance 2/2. Both k6 instances reach the stand-in, and B reaches the broker,
# only over those links (the namespaces share no loopback); npm run merge makes one report of the two
# results folders. Needs root (CI runs as root): without it the test is skipped with its reason, and under
# CI=true it fails instead, so a CI that lost root never passes it unseen.

load ../bats/helpers

setup() {
  setup_project
  NS_A="dltA$$"
  NS_B="dltB$$"
  NS_C="dltC$$"
  BRIDGE="dltbr$$"
  # A subnet per DMS line: npm test runs the 8.0 and 8.1 passes side by side, and two bridges on one subnet
  # would take each other's routes.
  case "${E2E_DMS_VERSION:-8.1}" in
    8.0) NET="10.213.80" ;;
    *) NET="10.213.81" ;;
  esac
  RUNNER_A_PID=""
  if [[ $(id -u) -ne 0 ]] || ! command -v ip >/dev/null 2>&1; then
    if [[ "${CI:-}" == true ]]; then
      echo "the two-namespace test needs root and iproute2 (ip netns); CI runs as root, so this is a broken CI set-up" >&2
      return 1
    fi
    skip "needs root and iproute2 (ip netns, veth, a bridge); CI runs it as root"
  fi
  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local ns n=2
  for ns in "$NS_A" "$NS_B" "$NS_C"; do
    ip netns add "$ns"
    ip link add "${ns}v" type veth peer name "${ns}p"
    ip link set "${ns}v" netns "$ns"
    ip link set "${ns}p" master "$BRIDGE" up
    ip -n "$ns" addr add "$NET.$n/24" dev "${ns}v"
    ip -n "$ns" link set "${ns}v" up
    ip -n "$ns" link set lo up
    n=$((n + 1))
  done
}

teardown() {
  if [[ -n "${RUNNER_A_PID:-}" ]]; then kill "$RUNNER_A_PID" 2>/dev/null || true; wait "$RUNNER_A_PID" 2>/dev/null || true; fi
  teardown_project
  local ns
  for ns in "${NS_A:-}" "${NS_B:-}" "${NS_C:-}"; do
    if [[ -n "$ns" ]] && ip netns list 2>/dev/null | grep -q "^$ns\b"; then ip netns del "$ns"; fi
  done
  if [[ -n "${BRIDGE:-}" ]] && ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi
}

# Bytes a namespace's link sent and received (its veth end).
link_bytes() {
  ip -n "$1" -s -j link show "${1}v" | node -e 'const [l] = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log(l.stats64.rx.bytes + l.stats64.tx.bytes)'
}

@test "two hosts in two network namespaces: instance 1/2 and 2/2 over veth links, one token, the data set once, one merged report" {
  # the stand-in on the bridge's address only: each host reaches it over its link
  local sim_log="$BATS_TEST_TMPDIR/sim.log" sim_pid
  (cd "$REPO" && exec node --import tsx sim/main.ts --port 0 --host "$NET.1") >"$sim_log" 2>&1 3>&- &
  sim_pid=$!
  SIM_TEST_PID="$sim_pid"
  wait_for_line "$sim_log" '^dms-sim listening on ' "$sim_pid"
  SIM_URL="$(sed -n 's/^dms-sim listening on \(http[^ ]*\).*/\1/p' "$sim_log")"
  create_test_client "$SIM_URL"

  local log_a="$BATS_TEST_TMPDIR/host-a.log" log_b="$BATS_TEST_TMPDIR/host-b.log" join status_a=0 status_b=0 dir_a dir_b before_b
  before_b="$(link_bytes "$NS_B")"
  # host A: the first instance; its broker on its link address, for host B only, plain HTTP chosen
  ip netns exec "$NS_A" env RESULTS_ROOT="$BATS_TEST_TMPDIR/host-a" API_BASE_URL="$SIM_URL" \
    CLIENT_ID="$TEST_CLIENT_ID" CLIENT_SECRET="$TEST_CLIENT_SECRET" \
    BROKER_BIND_ADDRESS="$NET.2" BROKER_ALLOWED_HOSTS="$NET.3" BROKER_ALLOW_PLAINTEXT=yes \
    "$RUNNER" --profile dev --phase load --instance 1/2 >"$log_a" 2>&1 &
  RUNNER_A_PID=$!
  wait_for_output "$log_a" 'other hosts: copy' 120
  join="$(ls "$BATS_TEST_TMPDIR"/host-a/2*/join.env)"
  [ "$(stat -c %a "$join")" = 600 ]
  grep -q "^TOKEN_BROKER_URL=http://$NET.2:" "$join"
  # a host that is not listed is refused by the broker, key or not
  run env BROKER_KEY="$(sed -n 's/^TOKEN_BROKER_KEY=//p' "$join")" ip netns exec "$NS_C" node "$REPO/dist/runner/instances.mjs" broker-check "$(sed -n 's/^TOKEN_BROKER_URL=//p' "$join")"
  assert_status 2
  assert_output_has "$NET.4 is not in BROKER_ALLOWED_HOSTS"
  # host B: instance 2/2 of the same run, everything from the join file
  cp "$join" "$BATS_TEST_TMPDIR/join.env"
  chmod 600 "$BATS_TEST_TMPDIR/join.env"
  ip netns exec "$NS_B" env RESULTS_ROOT="$BATS_TEST_TMPDIR/host-b" \
    "$RUNNER" --instance 2/2 --join "$BATS_TEST_TMPDIR/join.env" >"$log_b" 2>&1 || status_b=$?
  wait "$RUNNER_A_PID" || status_a=$?
  RUNNER_A_PID=""
  [ "$status_b" = 0 ] || { cat "$log_b"; echo "--- host A ---"; cat "$log_a"; false; }
  [ "$status_a" = 0 ] || { cat "$log_a"; false; }
  grep -q "token broker.*http://$NET.2:.*(the first host's; instance 2 of 2" "$log_b"
  grep -q "waiting for the other instances to finish the load phase" "$log_a"
  # the run is over: the key in host A's results folder is masked like every secret
  grep -q '^TOKEN_BROKER_KEY=\*\*\*\*\*\*\*\*$' "$join"
  refute grep -q "$(sed -n 's/^TOKEN_BROKER_KEY=//p' "$BATS_TEST_TMPDIR/join.env")" "$join"

  dir_a="$(ls -d "$BATS_TEST_TMPDIR"/host-a/2*/)"
  dir_b="$(ls -d "$BATS_TEST_TMPDIR"/host-b/2*/)"
  [ "$(json_get "$dir_a/load/summary.json" j.segment.executionSegment)" = "0:1/2" ]
  [ "$(json_get "$dir_b/load/summary.json" j.segment.executionSegment)" = "1/2:1" ]
  [ "$(json_get "$dir_b/load/summary.json" j.segment.runId)" = "$(json_get "$dir_a/run.json" j.runId)" ]
  # host B's k6 and runner talked over its link: well over a dev load's requests' worth of bytes
  [ $(($(link_bytes "$NS_B") - before_b)) -gt 200000 ]

  # the stand-in saw exactly the data set, and one token for both hosts
  node "$REPO/dist/runner/net.mjs" get-json "$SIM_URL/_sim/stats" "$BATS_TEST_TMPDIR/stats.json"
  [ "$(json_get "$BATS_TEST_TMPDIR/stats.json" 'Object.values(j.documents).reduce((a, b) => a + b, 0)')" = 898 ]
  [ "$(json_get "$BATS_TEST_TMPDIR/stats.json" "Object.entries(j.requests.byMethodRouteStatus).filter(([k]) => /^POST \/data\/.* 201$/.test(k)).reduce((n, [, v]) => n + v, 0)")" = 898 ]
  [ "$(json_get "$BATS_TEST_TMPDIR/stats.json" "j.tokens.issuedByClient['$TEST_CLIENT_ID']")" = 1 ]

  # one report from the two folders; the merged counts are the sums of the parts
  run bash -c "cd '$REPO' && npm run --silent merge -- --out '$BATS_TEST_TMPDIR/merged' '$dir_a' '$dir_b'"
  assert_status 0
  assert_output_has "PASS  merged 2 folder(s)"
  local merged="$BATS_TEST_TMPDIR/merged"
  for file in run.json load/summary.json load/instance-1/summary.json load/instance-2/summary.json report.html junit.xml summary.md exit-status; do
    [ -s "$merged/$file" ] || { echo "missing $file"; ls -R "$merged"; false; }
  done
  [ "$(json_get "$merged/load/summary.json" "j.metrics['entities_ensured{resource:students}'].values.count")" = 100 ]
  [ "$(json_get "$merged/load/summary.json" "j.metrics['entities_ensured{resource:studentSectionAssociations}'].values.count")" = 300 ]
  [ "$(json_get "$merged/load/summary.json" j.merge.exitCode)" = 0 ]
  [ "$(json_get "$merged/run.json" j.status)" = PASS ]
  [ "$(json_get "$merged/run.json" j.runId)" = "$(json_get "$dir_a/run.json" j.runId)" ]
  assert_schema summary.schema.json "$merged/load/summary.json"
  assert_schema run.schema.json "$merged/run.json"
  node -e '
    const fs = require("fs"), path = require("path");
    const [merged, a, b] = process.argv.slice(1).map((d) => JSON.parse(fs.readFileSync(path.join(d, "load/summary.json"), "utf8")));
    let n = 0;
    for (const [name, m] of Object.entries(merged.metrics)) {
      const sum = (k) => (a.metrics[name]?.values[k] ?? 0) + (b.metrics[name]?.values[k] ?? 0);
      const keys = m.type === "rate" ? ["passes", "fails"] : m.type === "gauge" ? [] : ["count"];
      for (const k of keys) { n++; if (m.values[k] !== sum(k)) throw new Error(`${name} ${k}: merged ${m.values[k]}, parts ${sum(k)}`); }
    }
    console.log(`${n} counts are the sums of the two hosts`);' "$merged" "$dir_a" "$dir_b"
}
