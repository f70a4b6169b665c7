# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # variables for the tests (RUNNER, ...); bats sets output and status
# Shared set-up for the runner's bats tests (test/bats: fast CLI tests; test/e2e: real k6 runs).
# Each test runs against a private copy of the runner (run-load-test.sh, scripts/, .env.profiles/) whose
# heavy parts (node_modules, sim, tools, src, dist) are links to the repository, so a test can add a
# profile or an .env.load-test without touching the checkout, and a developer's own .env.load-test or
# shell settings never leak into a test.

REPO="$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)"
# The runner's Node helpers (scripts/lib/node/*.ts) as the runner runs them: bundled into dist/runner/.
(cd "$REPO" && node build.mjs --runner --if-stale >/dev/null)

# The DMS line the end-to-end tests run against: E2E_DMS_VERSION, 8.0 or 8.1 (default 8.1, the stand-in's
# default); test/run-all.sh runs test/e2e once for each. An end-to-end file calls this at its top: each test
# name then starts with the line ("[DMS 8.0] ..."), and setup_project passes it on as SIM_DMS_VERSION, to
# the runner (its stand-in) and to the tests' own stand-ins alike.
use_e2e_dms_version() {
  E2E_DMS_VERSION="${E2E_DMS_VERSION:-8.1}"
  BATS_TEST_NAME_PREFIX="[DMS $E2E_DMS_VERSION] "
  E2E_VERSIONED=1
}

setup_project() {
  local item name
  PROJECT="$BATS_TEST_TMPDIR/project"
  mkdir -p "$PROJECT"
  cp "$REPO/run-load-test.sh" "$REPO/.env.load-test.example" "$PROJECT/"
  cp -R "$REPO/scripts" "$REPO/.env.profiles" "$PROJECT/"
  for item in node_modules sim tools src dist build.mjs package.json package-lock.json tsconfig.json; do
    ln -s "$REPO/$item" "$PROJECT/$item"
  done
  # A clean environment: none of the runner's settings from the developer's shell.
  while IFS= read -r name; do
    unset "$name"
  done < <(node "$REPO/dist/runner/config.mjs" names)
  for name in $(compgen -e); do
    if [[ "$name" == SIM_* ]]; then unset "$name"; fi
  done
  unset NO_COLOR
  if [[ -n "${E2E_VERSIONED:-}" ]]; then
    if [[ "$E2E_DMS_VERSION" != 8.0 && "$E2E_DMS_VERSION" != 8.1 ]]; then
      printf 'E2E_DMS_VERSION=%q is not a DMS line the stand-in models: use 8.0 or 8.1 (or leave it unset for 8.1)\n' "$E2E_DMS_VERSION" >&2
      return 1
    fi
    export SIM_DMS_VERSION="$E2E_DMS_VERSION"
  fi
  export RESULTS_ROOT="$BATS_TEST_TMPDIR/results"
  RUNNER="$PROJECT/run-load-test.sh"
  SIM_TEST_PID=""
}

# The fast CLI tests' k6: a fake that records its arguments and environment in $FAKE_K6_LOG/<phase>.*.
use_fake_k6() {
  export K6_BIN="$REPO/test/bats/fixtures/fake-k6"
  export FAKE_K6_LOG="$BATS_TEST_TMPDIR/fake-k6"
  mkdir -p "$FAKE_K6_LOG"
}

teardown_project() {
  stop_test_sim
  if [[ -n "${LISTENER_PID:-}" ]]; then kill "$LISTENER_PID" 2>/dev/null || true; fi
}

# Writes the project's default env file from the arguments (one NAME=value line each).
write_env_file() {
  printf '%s\n' "$@" >"$PROJECT/.env.load-test"
}

free_port() {
  node "$REPO/dist/runner/net.mjs" free-port
}

# Starts a stand-in of our own (for --target dms tests and busy ports); SIM_URL, SIM_TEST_PORT. Called again,
# wait_for_line LOG PATTERN PID: waits (10 s at most) until a started service prints its ready line;
# prints the log and fails when the service dies or never gets ready.
wait_for_line() {
  local log="$1" pattern="$2" pid="$3" tries=100
  until grep -q "$pattern" "$log" 2>/dev/null; do
    if ((tries-- == 0)) || ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
}

# it starts another one (SIM_URL then names the newest); teardown stops them all.
# An optional argument is the port to listen on (default: any free one).
start_test_sim() {
  local log pid port="${1:-0}"
  log="$(mktemp "$BATS_TEST_TMPDIR/test-sim.XXXXXX")"
  (cd "$REPO" && exec node --import tsx sim/main.ts --port "$port" --host 127.0.0.1) >"$log" 2>&1 3>&- &
  pid=$!
  SIM_TEST_PID="${SIM_TEST_PID:+$SIM_TEST_PID }$pid"
  wait_for_line "$log" '^dms-sim listening on ' "$pid" || return 1
  SIM_URL="$(sed -n 's/^dms-sim listening on \(http[^ ]*\).*/\1/p' "$log")"
  SIM_TEST_PORT="${SIM_URL##*:}"
}

stop_test_sim() {
  local pid
  for pid in ${SIM_TEST_PID:-}; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  SIM_TEST_PID=""
}

# create_test_client URL [DATA_STORE_IDS_JSON]: an application made through the stand-in's Configuration
# Service API (admin token, vendor, application; data stores default to [1], '' leaves them out); sets
# TEST_CLIENT_ID and TEST_CLIENT_SECRET.
create_test_client() {
  local out
  # shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
  out="$(node --input-type=module -e '
    const [base, stores, client] = process.argv.slice(1);
    const { httpRequest } = await import(client); // not fetch: it refuses ports such as 10080
    const call = async (path, init) => {
      const res = await httpRequest(base + path, init);
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      return res;
    };
    const form = new URLSearchParams({ client_id: "DmsConfigurationService", client_secret: "ValidClientSecret1234567890!Abcd",
      grant_type: "client_credentials", scope: "edfi_admin_api/full_access" });
    const { access_token: token } = await (await call("/connect/token", { method: "POST", body: form })).json();
    const json = (body) => ({ method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const auth = { headers: { authorization: `Bearer ${token}` } };
    const [known] = await (await call("/v3/vendors?company=bats", auth)).json();
    const vendorId = known ? known.id : Number((await call("/v3/vendors", json({ company: "bats", contactName: "bats",
      contactEmailAddress: "bats@example.com", namespacePrefixes: "uri://ed-fi.org" }))).headers.get("location").split("/").pop());
    const app = { vendorId, applicationName: `bats ${Date.now()}`, claimSetName: "EdFiSandbox", educationOrganizationIds: [777000] };
    if (stores !== "") app.dataStoreIds = JSON.parse(stores);
    const { key, secret } = await (await call("/v3/applications", json(app))).json();
    console.log(`${key}\n${secret}`);' "$1" "${2-[1]}" "$REPO/dist/runner/http-client.mjs")" || return 1
  TEST_CLIENT_ID="${out%%$'\n'*}"
  TEST_CLIENT_SECRET="${out#*$'\n'}"
}

# sim_admin METHOD PATH [JSON]: a Configuration Service call to $SIM_URL/PATH with the admin token; prints
# the response body, fails on an HTTP error.
sim_admin() {
  # shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
  node --input-type=module -e '
    const [base, method, path, body] = process.argv.slice(1);
    const form = new URLSearchParams({ client_id: "DmsConfigurationService", client_secret: "ValidClientSecret1234567890!Abcd",
      grant_type: "client_credentials", scope: "edfi_admin_api/full_access" });
    const { access_token: token } = await (await fetch(base + "/connect/token", { method: "POST", body: form })).json();
    const res = await fetch(base + path, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body || undefined });
    const text = await res.text();
    if (!res.ok) { console.error(`${method} ${path}: HTTP ${res.status} ${text}`); process.exit(1); }
    process.stdout.write(text);' "$SIM_URL" "$@"
}

# sim_data METHOD PATH [JSON]: a data call to $SIM_URL/data/PATH as a client of its own (what a district's
# other systems would write); prints the response body, fails on an HTTP error.
sim_data() {
  [[ -n "${TEST_CLIENT_ID:-}" ]] || create_test_client "$SIM_URL" || return 1
  # shellcheck disable=SC2016 # JavaScript template literals, not shell expansions
  node --input-type=module -e '
    const [base, id, secret, method, path, body, client] = process.argv.slice(1);
    const { httpRequest: fetch } = await import(client); // not fetch: it refuses ports such as 10080
    const basic = Buffer.from(`${id}:${secret}`).toString("base64");
    const form = { method: "POST", headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials" };
    const { access_token: token } = await (await fetch(`${base}/oauth/token`, form)).json();
    const res = await fetch(`${base}/data/${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body || undefined });
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}`);
    console.log(await res.text());' "$SIM_URL" "$TEST_CLIENT_ID" "$TEST_CLIENT_SECRET" "$1" "$2" "${3:-}" "$REPO/dist/runner/http-client.mjs"
}

# The stand-in's stats file: the one given, else a fresh copy of $SIM_URL/_sim/stats.
sim_stats_file() {
  local file="${1:-}"
  if [[ -z "$file" ]]; then
    file="$BATS_TEST_TMPDIR/stats.json"
    node "$REPO/dist/runner/net.mjs" get-json "$SIM_URL/_sim/stats" "$file"
  fi
  printf '%s' "$file"
}

# sim_count "POST /oauth/token 401" [stats-file]: a request counter of the stand-in (0 when absent).
sim_count() {
  local file
  file="$(sim_stats_file "${2:-}")"
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(s.requests.byMethodRouteStatus[process.argv[2]] ?? 0)' "$file" "$1"
}

# Sum of the stand-in's request counters whose key starts with a prefix, e.g. "POST /oauth/token ".
sim_count_prefix() {
  local file
  file="$(sim_stats_file "${2:-}")"
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    let n = 0; for (const [k, v] of Object.entries(s.requests.byMethodRouteStatus)) if (k.startsWith(process.argv[2])) n += v;
    console.log(n)' "$file" "$1"
}

# Tokens the stand-in issued to API clients (the CMS admin client excluded).
client_tokens() {
  json_get "$1" 'Object.entries(j.tokens.issuedByClient).filter(([c]) => c !== "DmsConfigurationService").reduce((n, [, v]) => n + v, 0)'
}

# Data calls the stand-in answered with a status, e.g. data_calls_with FILE 401.
data_calls_with() {
  json_get "$1" "Object.entries(j.requests.byMethodRouteStatus).filter(([k]) => / \\/data\\//.test(k) && k.endsWith(' $2')).reduce((n, [, v]) => n + v, 0)"
}

# json_get FILE EXPRESSION: evaluates a JS expression over the parsed file `j`, e.g. 'j.phases[0].exitCode'.
json_get() {
  node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2]))' "$1" "$2"
}

# The one run folder under RESULTS_ROOT (fails when there is not exactly one).
run_dir() {
  local dirs=("$RESULTS_ROOT"/2*)
  [[ ${#dirs[@]} -eq 1 && -d "${dirs[0]}" ]] || { echo "expected one run folder, found: ${dirs[*]}" >&2; return 1; }
  printf '%s' "${dirs[0]}"
}

# A listener that accepts connections and answers every request with plain text (not an Ed-Fi API).
start_plain_http() {
  local log tries=50
  log="$(mktemp "$BATS_TEST_TMPDIR/plain.XXXXXX")"
  node -e 'require("http").createServer((q, s) => s.end("hello")).listen(0, "127.0.0.1", function () { console.log(this.address().port) })' >"$log" 2>&1 3>&- &
  LISTENER_PID=$!
  until [[ -s "$log" ]]; do
    ((tries-- > 0)) || return 1
    sleep 0.1
  done
  LISTENER_PORT="$(head -n1 "$log")"
}

# test/bats/fixtures/fake-dms.mjs (FAKE_DMS_* from the environment); FAKE_DMS_URL.
start_fake_dms() {
  local log
  # A new log each time: a second fake DMS in one test must not be found by the first one's ready line
  # (the background child truncates a reused log only after wait_for_line may have read it).
  log="$(mktemp "$BATS_TEST_TMPDIR/fake-dms.XXXXXX")"
  node "$REPO/test/bats/fixtures/fake-dms.mjs" >"$log" 2>&1 3>&- &
  LISTENER_PID=$!
  wait_for_line "$log" '^fake-dms listening on ' "$LISTENER_PID" || return 1
  FAKE_DMS_URL="$(sed -n 's/^fake-dms listening on \(http[^ ]*\).*/\1/p' "$log")"
}

# Asserts that the output contains a string; prints the output when it does not.
assert_output_has() {
  if [[ "$output" != *"$1"* ]]; then
    printf 'expected the output to contain: %s\n--- output ---\n%s\n' "$1" "$output" >&2
    return 1
  fi
}

assert_output_lacks() {
  if [[ "$output" == *"$1"* ]]; then
    printf 'expected the output NOT to contain: %s\n--- output ---\n%s\n' "$1" "$output" >&2
    return 1
  fi
}

# wait_for_output FILE PATTERN [SECONDS]: waits (60 s by default) until the output of a run started in the
# background has a line matching PATTERN; prints that output and fails when the line never comes.
wait_for_output() {
  local file="$1" pattern="$2" tries=$((${3:-60} * 10))
  until grep -q "$pattern" "$file" 2>/dev/null; do
    ((tries-- > 0)) || { cat "$file" >&2; return 1; }
    sleep 0.1
  done
}

# wait_for_runner PID OUT: waits for a runner started in the background, then sets $status and $output
# from its exit code and its output file, as bats's `run` would.
wait_for_runner() {
  status=0
  wait "$1" || status=$?
  output="$(cat "$2")"
}

assert_status() {
  if [[ "$status" -ne "$1" ]]; then
    printf 'expected exit code %s, got %s\n--- output ---\n%s\n' "$1" "$status" "$output" >&2
    return 1
  fi
}

re_escape() {
  # shellcheck disable=SC2016 # a sed expression, not a shell one
  printf '%s' "$1" | sed 's/[][\.*^$(){}?+|/]/\\&/g'
}

# refute COMMAND...: fails when the command succeeds (a bare `! command` does not fail a bats test).
refute() {
  if "$@"; then
    printf 'expected this to fail: %s\n' "$*" >&2
    return 1
  fi
}

# A line of the printed configuration table: NAME, value, source.
assert_config_line() {
  local name="$1" value="$2" source="$3"
  if ! grep -qE "^  ${name} +$(re_escape "$value") +$(re_escape "$source")\$" <<<"$output"; then
    printf 'expected a configuration line: %s = %s (%s)\n--- output ---\n%s\n' "$name" "$value" "$source" "$output" >&2
    return 1
  fi
}

# The baselines of a test: BASELINE_DIR in the test's own folder.
use_test_baselines() {
  export BASELINE_DIR="$BATS_TEST_TMPDIR/baselines"
  mkdir -p "$BASELINE_DIR"
}

# corrupt_baseline NAME: a baseline file cut off in the middle, as a full disk or an interrupted copy leaves it.
corrupt_baseline() {
  local file="$BASELINE_DIR/$1.json"
  [[ -s "$file" ]] || { echo "no baseline $file to corrupt" >&2; return 1; }
  head -c 200 "$file" >"$file.part"
  mv "$file.part" "$file"
}

# The last FAIL line of the output (the runner's one-line verdicts start with "FAIL  ").
fail_lines() {
  grep -E '^ *FAIL  ' <<<"$output" || true
}

# assert_junit_shape FILE: junit.xml is well-formed and has the common JUnit shape (test/tools/fixtures/junit.xsd).
assert_junit_shape() {
  xmllint --noout --schema "$REPO/test/tools/fixtures/junit.xsd" "$1"
}

# xml_value FILE XPATH: the string value of an XPath expression over FILE, e.g. 'count(//testcase)'.
xml_value() {
  xmllint --xpath "$2" "$1"
}

# assert_schema SCHEMA FILE...: the files are valid against docs/schemas/SCHEMA (test/tools/helpers/json-schema.ts).
assert_schema() {
  local schema="$1"
  shift
  (cd "$REPO" && node --import tsx test/tools/helpers/json-schema.ts "docs/schemas/$schema" "$@")
}
