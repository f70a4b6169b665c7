#!/usr/bin/env bats
# Pre-flight and client-setup failures: each exits non-zero with a clear message before k6 starts, and the
# run's folder records it. Uses a stand-in of its own where a server is needed; k6 never runs here.

# shellcheck disable=SC2016 # secrets with a literal $ on purpose
# shellcheck disable=SC2034 # LISTENER_PID is stopped by teardown_project

load helpers

setup() {
  setup_project
}

teardown() {
  teardown_project
}

@test "DMS unreachable: exit 3, says what to check; the results folder records it" {
  local port
  port="$(free_port)"
  write_env_file "API_BASE_URL=http://127.0.0.1:$port" "CLIENT_ID=key" "CLIENT_SECRET=secret-value-1"
  run "$RUNNER" --profile smoke --phase load
  assert_status 3
  assert_output_has "FAIL  DMS reachable"
  assert_output_has "GET http://127.0.0.1:$port/ failed: connection refused: nothing listens at 127.0.0.1:$port (ECONNREFUSED)"
  assert_output_lacks "no answer"
  assert_output_has "Is the DMS running? Check API_BASE_URL (.env.load-test)"
  assert_output_lacks "phase load:"
  local dir
  dir="$(run_dir)"
  [ "$(cat "$dir/exit-status")" = 3 ]
  [ "$(json_get "$dir/run.json" j.status)" = FAIL ]
  [ "$(json_get "$dir/run.json" j.exitCode)" = 3 ]
  [ "$(json_get "$dir/run.json" j.target)" = dms ]
  [ "$(json_get "$dir/run.json" 'j.phases.length')" = 0 ]
  grep -q 'FAIL  DMS reachable' "$dir/console.log"
  [ "$(readlink "$RESULTS_ROOT/latest")" = "${dir##*/}" ]
}

@test "a DMS on a port that browsers' fetch refuses (10080, 6666 ...) is reachable, as it is for k6" {
  local port="" candidate
  for candidate in 10080 6666 6667 6668 6669 6000 4045; do
    if node "$REPO/dist/runner/net.mjs" port-free "$candidate" 2>/dev/null; then port="$candidate"; break; fi
  done
  [ -n "$port" ] || { echo "none of the WHATWG bad ports is free on this machine"; false; }
  start_test_sim "$port"
  create_test_client "$SIM_URL"
  write_env_file "API_BASE_URL=$SIM_URL" "CLIENT_ID=$TEST_CLIENT_ID" "CLIENT_SECRET='$TEST_CLIENT_SECRET'"
  K6_BIN="$REPO/test/bats/fixtures/fake-k6" run "$RUNNER" --target dms --phase load
  assert_output_has "PASS  DMS reachable          http://127.0.0.1:$port"
  assert_output_has "PASS  data access"
  assert_output_lacks "bad port"
}

@test "run.json says why a run failed before k6: the failed pre-flight check, or client setup, also on the last line" {
  local port dir
  port="$(free_port)"
  write_env_file "API_BASE_URL=http://127.0.0.1:$port" "CLIENT_ID=key" "CLIENT_SECRET=secret-value-1"
  run "$RUNNER" --profile smoke --phase load
  assert_status 3
  dir="$(run_dir)"
  [ "$(json_get "$dir/run.json" j.reason)" = "pre-flight failed: DMS reachable: GET http://127.0.0.1:$port/ failed: connection refused: nothing listens at 127.0.0.1:$port (ECONNREFUSED)" ]
  [[ "${lines[-1]}" == "FAIL  smoke load against DMS http://127.0.0.1:$port (exit code 3, pre-flight failed: DMS reachable: GET http://127.0.0.1:$port/ failed: connection refused: nothing listens at 127.0.0.1:$port (ECONNREFUSED)): results in $dir" ]]

  rm -rf "$RESULTS_ROOT"
  start_test_sim
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=http://127.0.0.1:$port" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET=whatever-secret"
  run "$RUNNER" --target dms --phase load
  assert_status 4
  dir="$(run_dir)"
  [[ "$(json_get "$dir/run.json" j.reason)" == "client setup failed: "*"is unreachable"* ]]
}

@test "a server that is not an Ed-Fi API: exit 3" {
  start_plain_http
  write_env_file "API_BASE_URL=http://127.0.0.1:$LISTENER_PORT" "CLIENT_ID=key" "CLIENT_SECRET=secret-value-1"
  run "$RUNNER" --phase load
  assert_status 3
  assert_output_has "answers, but it is not an Ed-Fi API"
}

@test "config.env and run.json hold the effective configuration, masked, with sources" {
  local port dir
  port="$(free_port)"
  write_env_file "API_BASE_URL=http://127.0.0.1:$port" "CLIENT_ID=key-1" "CLIENT_SECRET='Top\$ecret#Value-42'" \
    "CMS_ADMIN_CLIENT_SECRET=Adm1n-Secret-77"
  VUS_LOAD_PHASE=6 run "$RUNNER" --profile dev --phase load
  assert_status 3
  dir="$(run_dir)"
  grep -qx "VUS_LOAD_PHASE='6'  # shell" "$dir/config.env"
  grep -qx "STUDENT_COUNT='100'  # .env.profiles/dev.env" "$dir/config.env"
  grep -qx "CLIENT_ID='key-1'  # .env.load-test" "$dir/config.env"
  grep -qx "CLIENT_SECRET='\*\*\*\*\*\*\*\*'  # .env.load-test" "$dir/config.env"
  grep -qx "SCHOOL_YEAR='2026'  # default" "$dir/config.env"
  [ "$(json_get "$dir/run.json" j.config.CLIENT_SECRET.value)" = '********' ]
  [ "$(json_get "$dir/run.json" j.config.VUS_LOAD_PHASE.source)" = shell ]
  [ "$(json_get "$dir/run.json" j.profile)" = dev ]
  [ "$(json_get "$dir/run.json" j.versions.node)" = "$(node --version)" ]
  assert_output_lacks 'Top$ecret#Value-42'
  assert_output_lacks 'Adm1n-Secret-77'
  refute grep -rqF 'Top$ecret#Value-42' "$RESULTS_ROOT"
  refute grep -rqF 'Adm1n-Secret-77' "$RESULTS_ROOT"
}

@test "DMS 8.1's token cap already reached by others: exit 3 naming the cap, after one token request" {
  SIM_TOKEN_CAP=1 start_test_sim
  create_test_client "$SIM_URL"
  sim_data GET "ed-fi/students" >/dev/null # another tool of the district holds this client's only token
  write_env_file "API_BASE_URL=$SIM_URL" "CLIENT_ID=$TEST_CLIENT_ID" "CLIENT_SECRET='$TEST_CLIENT_SECRET'"
  K6_BIN="$REPO/test/bats/fixtures/fake-k6" run "$RUNNER" --target dms --phase load
  assert_status 3
  assert_output_has "DMS's cap of active tokens for CLIENT_ID $TEST_CLIENT_ID is reached (429 too-many-tokens)"
  assert_output_has "Other runs or tools hold tokens of this client"
  assert_output_lacks "refused CLIENT_ID/CLIENT_SECRET"
  assert_output_lacks "$TEST_CLIENT_SECRET"
  [ "$(sim_count 'POST /oauth/token 429')" = 1 ]
}

@test "bad credentials: exit 3 after exactly one token request, nothing retried" {
  start_test_sim
  write_env_file "API_BASE_URL=$SIM_URL" "CLIENT_ID=not-a-client" "CLIENT_SECRET=Wrong-Secret-123"
  run "$RUNNER" --target dms --phase load
  assert_status 3
  assert_output_has "FAIL  credentials"
  assert_output_has "refused CLIENT_ID/CLIENT_SECRET (.env.load-test)"
  assert_output_has "One token request was made; no retries."
  assert_output_lacks "Wrong-Secret-123"
  assert_output_lacks "phase load:"
  [ "$(sim_count_prefix 'POST /oauth/token ')" = 1 ]
  [ "$(sim_count 'POST /oauth/token 401')" = 1 ]
  [ "$(sim_count_prefix 'POST /data/')" = 0 ]
}

@test "CMS unreachable during client setup: exit 4, env file untouched" {
  local port
  start_test_sim
  port="$(free_port)"
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=http://127.0.0.1:$port" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET=whatever-secret"
  cp "$PROJECT/.env.load-test" "$BATS_TEST_TMPDIR/before.env"
  run "$RUNNER" --target dms --phase load
  assert_status 4
  assert_output_has "FAIL  client setup"
  assert_output_has "is unreachable"
  assert_output_has "Check CMS_BASE_URL (.env.load-test)"
  cmp "$PROJECT/.env.load-test" "$BATS_TEST_TMPDIR/before.env"
  refute compgen -G "$PROJECT/.env.load-test.bak*"
  [ "$(cat "$(run_dir)/exit-status")" = 4 ]
}

@test "a CMS that fails (HTTP 500) is called failing, not refusing, and gets no claim-set hint: exit 4" {
  start_test_sim
  local log="$BATS_TEST_TMPDIR/cms500.log"
  node -e 'require("http").createServer((q, s) => { s.writeHead(500, { "content-type": "application/problem+json" });
    s.end(JSON.stringify({ title: "Internal Server Error", detail: "relation dmscs.vendor does not exist" })) })
    .listen(0, "127.0.0.1", function () { console.log("cms500 listening on http://127.0.0.1:" + this.address().port) })' >"$log" 2>&1 3>&- &
  LISTENER_PID=$!
  wait_for_line "$log" '^cms500 listening on ' "$LISTENER_PID"
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=$(sed -n 's/^cms500 listening on //p' "$log")" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET=Some-Admin-Secret-1"
  run "$RUNNER" --target dms --phase load
  assert_status 4
  assert_output_has "the Configuration Service failed with an error of its own (HTTP 5xx, see above)"
  assert_output_has "POST /connect/token answered HTTP 500: Internal Server Error | relation dmscs.vendor does not exist"
  assert_output_lacks "refused"
  assert_output_lacks "(claim set, data store)"
  assert_output_lacks "Some-Admin-Secret-1"
}

@test "CMS refusing the admin credentials: exit 4 after one admin token request" {
  start_test_sim
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=$SIM_URL" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET=Not-The-Admin-Secret-1"
  cp "$PROJECT/.env.load-test" "$BATS_TEST_TMPDIR/before.env"
  run "$RUNNER" --target dms --phase load
  assert_status 4
  assert_output_has "refused the admin credentials"
  assert_output_has "Check CMS_ADMIN_CLIENT_ID (.env.load-test)"
  assert_output_lacks "Not-The-Admin-Secret-1"
  cmp "$PROJECT/.env.load-test" "$BATS_TEST_TMPDIR/before.env"
  [ "$(sim_count_prefix 'POST /connect/token ')" = 1 ]
  [ "$(sim_count_prefix 'POST /v3/')" = 0 ]
}

@test "CMS refusing a request (unknown data store): exit 4 with the CMS's reason" {
  start_test_sim
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=$SIM_URL" "DATA_STORE_ID=999" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd'"
  run "$RUNNER" --target dms --phase load
  assert_status 4
  assert_output_has "POST /v3/applications answered HTTP"
  assert_output_has "FAIL  client setup"
}

@test "stand-in port already in use (--sim-port): exit 3, says how to pick another" {
  start_test_sim
  run "$RUNNER" --target sim --sim-port "$SIM_TEST_PORT" --phase load
  assert_status 3
  assert_output_has "FAIL  stand-in"
  assert_output_has "port $SIM_TEST_PORT on 127.0.0.1 is already in use (--sim-port)"
  assert_output_has "--sim-port PORT"
}

@test "stand-in port already in use (SIM_PORT from the env file): exit 3, names the source" {
  start_test_sim
  write_env_file "SIM_PORT=$SIM_TEST_PORT"
  run "$RUNNER" --phase load
  assert_status 3
  assert_output_has "is already in use (.env.load-test)"
}

@test "results folder not writable: exit 3 before anything starts" {
  printf 'a file, not a folder\n' >"$BATS_TEST_TMPDIR/blocker"
  RESULTS_ROOT="$BATS_TEST_TMPDIR/blocker/results" run "$RUNNER" --phase load
  assert_status 3
  assert_output_has "FAIL  results folder"
  assert_output_has "cannot create $BATS_TEST_TMPDIR/blocker/results"
  assert_output_has "Set RESULTS_ROOT to a folder you can write to"
  assert_output_lacks "PASS  k6"
}

@test "no usable k6: exit 3" {
  K6_BIN="$BATS_TEST_TMPDIR/no-such-k6" run "$RUNNER" --phase load
  assert_status 3
  assert_output_has "K6_BIN=$BATS_TEST_TMPDIR/no-such-k6 is not an executable file"
  assert_output_has "FAIL  k6"
}

@test "install-k6.sh without k6 and Go: exit 3 with the install options" {
  local bin="$BATS_TEST_TMPDIR/bin"
  mkdir -p "$bin"
  ln -s "$(command -v bash)" "$bin/bash"
  for tool in cat dirname sed mktemp; do ln -s "$(command -v "$tool")" "$bin/$tool"; done
  K6_BIN='' K6_CACHE_DIR="$BATS_TEST_TMPDIR/k6-cache" PATH="$bin" run "$PROJECT/scripts/install-k6.sh"
  assert_status 3
  assert_output_has "no usable k6"
  assert_output_has "apt-get install k6"
  assert_output_has "brew install k6"
  assert_output_has "https://github.com/grafana/k6/releases"
  assert_output_has "docker pull grafana/k6"
}

@test "install-k6.sh ignores a k6 on PATH older than the minimum, uses a newer v2" {
  local bin="$BATS_TEST_TMPDIR/bin"
  mkdir -p "$bin"
  for tool in bash cat dirname sed mktemp; do ln -s "$(command -v "$tool")" "$bin/$tool"; done
  printf '#!/usr/bin/env bash\necho "k6 v1.8.1 (go1.25.12, linux/amd64)"\n' >"$bin/k6"
  chmod +x "$bin/k6"
  K6_BIN='' K6_CACHE_DIR="$BATS_TEST_TMPDIR/k6-cache" PATH="$bin" run "$PROJECT/scripts/install-k6.sh"
  assert_status 3
  assert_output_has "ignoring the k6 on PATH ($bin/k6, version 1.8.1)"
  printf '#!/usr/bin/env bash\necho "k6 v2.3.1 (go1.26.1, linux/amd64)"\n' >"$bin/k6"
  K6_BIN='' K6_CACHE_DIR="$BATS_TEST_TMPDIR/k6-cache" PATH="$bin" run "$PROJECT/scripts/install-k6.sh"
  assert_status 0
  assert_output_has "using k6 v2.3.1 (on PATH)"
  [ "${lines[-1]}" = "$bin/k6" ]
}

@test "install-k6.sh prints the k6 to use on its last stdout line, and its origin" {
  run "$PROJECT/scripts/install-k6.sh"
  assert_status 0
  [ -x "${lines[-1]}" ]
  assert_output_has "install-k6: using k6 v"
}

@test "the env-file update keeps every other line, replaces in place, backs up, mode 600" {
  local file="$BATS_TEST_TMPDIR/my.env" backups
  printf '# my settings\nAPI_BASE_URL=http://dms:8080\nexport CLIENT_ID=old-key\n\n# scale\nVUS_LOAD_PHASE=4\nCLIENT_SECRET=old\n' >"$file"
  cp "$file" "$BATS_TEST_TMPDIR/original.env"
  ENVFILE_CLIENT_ID=new-key ENVFILE_CLIENT_SECRET='n3w$ecret#!' run node "$REPO/dist/runner/env-update.mjs" "$file" CLIENT_ID CLIENT_SECRET
  assert_status 0
  [ "$(cat "$file")" = "$(printf "# my settings\nAPI_BASE_URL=http://dms:8080\nexport CLIENT_ID='new-key'\n\n# scale\nVUS_LOAD_PHASE=4\nCLIENT_SECRET='n3w\$ecret#!'")" ]
  [ "$(stat -c %a "$file")" = 600 ]
  backups=("$file".bak.*)
  [ "${#backups[@]}" = 1 ]
  cmp "${backups[0]}" "$BATS_TEST_TMPDIR/original.env"
  [ "$(stat -c %a "${backups[0]}")" = 600 ]
  [ "$output" = "${backups[0]}" ]
  # read back exactly as the runner (and dotenv) read it
  write_env_file "$(cat "$file")"
  run "$RUNNER" --target dms --dry-run
  assert_config_line CLIENT_ID new-key .env.load-test
}

@test "the env-file update appends missing names and keeps CRLF line endings" {
  local file="$BATS_TEST_TMPDIR/crlf.env"
  printf 'API_BASE_URL=http://dms:8080\r\nVUS_LOAD_PHASE=4\r\n' >"$file"
  ENVFILE_CLIENT_ID=k ENVFILE_CLIENT_SECRET=s run node "$REPO/dist/runner/env-update.mjs" "$file" CLIENT_ID CLIENT_SECRET
  assert_status 0
  [ "$(cat "$file")" = "$(printf "API_BASE_URL=http://dms:8080\r\nVUS_LOAD_PHASE=4\r\nCLIENT_ID='k'\r\nCLIENT_SECRET='s'\r")" ]
}

@test "the env-file update follows a symlink: the target is updated, the link stays" {
  local secrets="$BATS_TEST_TMPDIR/secrets" link="$BATS_TEST_TMPDIR/.env.load-test" backups
  mkdir -p "$secrets"
  printf 'API_BASE_URL=http://dms:8080\nCLIENT_ID=old\n' >"$secrets/dms.env"
  cp "$secrets/dms.env" "$BATS_TEST_TMPDIR/original.env"
  ln -s secrets/dms.env "$link"
  ENVFILE_CLIENT_ID=new-key ENVFILE_CLIENT_SECRET=s3cret run node "$REPO/dist/runner/env-update.mjs" "$link" CLIENT_ID CLIENT_SECRET
  assert_status 0
  [ -L "$link" ]
  [ "$(readlink "$link")" = secrets/dms.env ]
  [ "$(cat "$secrets/dms.env")" = "$(printf "API_BASE_URL=http://dms:8080\nCLIENT_ID='new-key'\nCLIENT_SECRET='s3cret'")" ]
  [ "$(stat -c %a "$secrets/dms.env")" = 600 ]
  backups=("$secrets"/dms.env.bak.*)
  [ "${#backups[@]}" = 1 ]
  cmp "${backups[0]}" "$BATS_TEST_TMPDIR/original.env"
  [ "$output" = "${backups[0]}" ]
  refute compgen -G "$BATS_TEST_TMPDIR/.env.load-test.bak*"
  # a link whose target does not exist yet: the target is created, the link kept
  ln -s secrets/new.env "$BATS_TEST_TMPDIR/dangling.env"
  ENVFILE_CLIENT_ID=k run node "$REPO/dist/runner/env-update.mjs" "$BATS_TEST_TMPDIR/dangling.env" CLIENT_ID
  assert_status 0
  [ -L "$BATS_TEST_TMPDIR/dangling.env" ]
  [ "$(cat "$secrets/new.env")" = "CLIENT_ID='k'" ]
}

@test "the env-file update leaves the lines of a multi-line value alone, even one that looks like NAME=" {
  local file="$BATS_TEST_TMPDIR/multi.env"
  printf '%s\n' 'NOTE="first line' 'CLIENT_ID=not-a-setting' 'last line"' 'CLIENT_SECRET="old' 'secret"' \
    'BROKEN="never closed' 'CLIENT_ID=old-key' >"$file"
  ENVFILE_CLIENT_ID=new-key ENVFILE_CLIENT_SECRET=new-secret run node "$REPO/dist/runner/env-update.mjs" "$file" CLIENT_ID CLIENT_SECRET
  assert_status 0
  [ "$(cat "$file")" = "$(printf '%s\n' 'NOTE="first line' 'CLIENT_ID=not-a-setting' 'last line"' "CLIENT_SECRET='new-secret'" \
    'BROKEN="never closed' "CLIENT_ID='new-key'")" ]
  # and read back as dotenv reads it
  run node --input-type=module -e '
    const { readEnvFile } = await import(process.argv[1]);
    const { values } = readEnvFile(process.argv[2]);
    console.log(["NOTE", "CLIENT_ID", "CLIENT_SECRET"].map((n) => values.get(n).value).join("|"))' "$REPO/dist/runner/envfile.mjs" "$file"
  [ "$output" = "$(printf 'first line\nCLIENT_ID=not-a-setting\nlast line|new-key|new-secret')" ]
}

@test "SIGTERM before k6 starts: exit 143, the run recorded" {
  local log="$BATS_TEST_TMPDIR/hang.log" out="$BATS_TEST_TMPDIR/run.out" pid tries=100 dir
  # A DMS that accepts connections and never answers: the runner waits in the discovery check.
  node -e 'require("http").createServer(() => {}).listen(0, "127.0.0.1", function () { console.log(this.address().port) })' >"$log" 2>&1 3>&- &
  LISTENER_PID=$!
  until [[ -s "$log" ]]; do sleep 0.1; done
  write_env_file "API_BASE_URL=http://127.0.0.1:$(head -n1 "$log")" "CLIENT_ID=k" "CLIENT_SECRET=s-123456"
  setsid "$RUNNER" --phase load >"$out" 2>&1 3>&- &
  pid=$!
  until grep -q 'PASS  bundle' "$out" 2>/dev/null; do
    ((tries-- > 0)) || { cat "$out"; false; }
    sleep 0.1
  done
  sleep 0.5
  # (SIGINT cannot be used here: a shell without job control starts background jobs with SIGINT ignored.)
  kill -TERM -- "-$pid"
  wait_for_runner "$pid" "$out"
  assert_status 143
  assert_output_has 'interrupted (TERM) before k6 started'
  assert_output_lacks 'FAIL  DMS reachable'
  dir="$(run_dir)"
  [ "$(cat "$dir/exit-status")" = 143 ]
  [ "$(json_get "$dir/run.json" j.reason)" = interrupted ]
}

@test "data access: a client whose application has no data store fails before k6 (403 authorization-denied), exit 3" {
  start_test_sim
  create_test_client "$SIM_URL" ''
  write_env_file "API_BASE_URL=$SIM_URL" "CLIENT_ID=$TEST_CLIENT_ID" "CLIENT_SECRET='$TEST_CLIENT_SECRET'"
  K6_BIN="$REPO/test/bats/fixtures/fake-k6" run "$RUNNER" --target dms --phase load
  assert_status 3
  assert_output_has "PASS  credentials"
  assert_output_has "FAIL  data access"
  assert_output_has "the client's application has no data store (HTTP 403 authorization-denied)"
  assert_output_has "GET $SIM_URL/data/ed-fi/schoolYearTypes?limit=1 answered HTTP 403: urn:ed-fi:api:authorization-denied | No database instances are authorized for this client"
  assert_output_has "DATA_STORE_ID"
  assert_output_lacks "claim set does not allow"
  assert_output_lacks "$TEST_CLIENT_SECRET"
  assert_output_lacks "phase load:"
  [ "$(sim_count 'GET /data/ed-fi/schoolYearTypes 403')" = 1 ]
  [ "$(cat "$(run_dir)/exit-status")" = 3 ]
}

@test "data access: a client whose data stores the DMS does not know fails before k6 (404 route resolution), exit 3" {
  local store
  start_test_sim
  store="$(sim_admin POST /v3/dataStores '{"dataStoreType":"PostgreSQL","name":"removed","connectionString":"host=x;"}')"
  store="$(json_get <(printf '%s' "$store") j.id)"
  create_test_client "$SIM_URL" "[$store]"
  sim_admin DELETE "/v3/dataStores/$store" >/dev/null
  write_env_file "API_BASE_URL=$SIM_URL" "CLIENT_ID=$TEST_CLIENT_ID" "CLIENT_SECRET='$TEST_CLIENT_SECRET'"
  K6_BIN="$REPO/test/bats/fixtures/fake-k6" run "$RUNNER" --target dms --phase load
  assert_status 3
  assert_output_has "FAIL  data access"
  assert_output_has "none of the client's data stores is one this DMS serves (HTTP 404 route-resolution-error)"
  assert_output_has "answered HTTP 404: urn:ed-fi:api:route-resolution-error"
  assert_output_lacks "has no data store (HTTP 403"
  [ "$(sim_count 'GET /data/ed-fi/schoolYearTypes 404')" = 1 ]
}

@test "data access: a claim set the DMS does not have (500 security configuration) fails at once, exit 3, names CLAIM_SET_NAME" {
  write_env_file "CLIENT_ID=key" "CLIENT_SECRET=secret-value-1"
  FAKE_DMS_DATA_STATUS=500 FAKE_DMS_DATA_TYPE=urn:ed-fi:api:system:configuration:security start_fake_dms
  K6_BIN="$REPO/test/bats/fixtures/fake-k6" API_BASE_URL="$FAKE_DMS_URL" run "$RUNNER" --target dms --phase load
  assert_status 3
  assert_output_has "the DMS does not know the client's claim set (HTTP 500 security configuration error)"
  assert_output_has "CLAIM_SET_NAME=EdFiSandbox (default)"
  assert_output_lacks "retried after"
}

@test "data access: a token from another issuer is rejected by the DMS (401), exit 3 names OAUTH_TOKEN_URL" {
  local issuer
  start_test_sim
  issuer="$SIM_URL"
  create_test_client "$issuer"
  start_test_sim
  write_env_file "API_BASE_URL=$SIM_URL" "OAUTH_TOKEN_URL=$issuer/oauth/token" \
    "CLIENT_ID=$TEST_CLIENT_ID" "CLIENT_SECRET='$TEST_CLIENT_SECRET'"
  K6_BIN="$REPO/test/bats/fixtures/fake-k6" run "$RUNNER" --target dms --phase load
  assert_status 3
  assert_output_has "PASS  credentials"
  assert_output_has "FAIL  data access"
  assert_output_has "the DMS rejects the token it was just issued (HTTP 401)"
  assert_output_has "OAUTH_TOKEN_URL=$issuer/oauth/token (.env.load-test)"
  assert_output_has "issuer and audience"
  assert_output_lacks "phase load:"
  [ "$(sim_count 'GET /data/ed-fi/schoolYearTypes 401')" = 1 ]
}

@test "data access: a claim set that forbids the call (403) and any other answer fail with exit 3; the token never shows" {
  write_env_file "CLIENT_ID=key" "CLIENT_SECRET=secret-value-1"
  FAKE_DMS_DATA_STATUS=403 start_fake_dms
  K6_BIN="$REPO/test/bats/fixtures/fake-k6" API_BASE_URL="$FAKE_DMS_URL" run "$RUNNER" --target dms --phase load
  assert_status 3
  assert_output_has "FAIL  data access"
  assert_output_has "does not allow reading schoolYearTypes (HTTP 403)"
  assert_output_has "CLAIM_SET_NAME=EdFiSandbox (default)"
  assert_output_has "Bearer ********"
  assert_output_lacks "fake-Token-0123456789abcdef"
  refute grep -rqF 'fake-Token-0123456789abcdef' "$RESULTS_ROOT"
  kill "$LISTENER_PID"
  rm -rf "$RESULTS_ROOT"
  FAKE_DMS_DATA_STATUS=400 FAKE_DMS_DATA_TYPE=urn:ed-fi:api:bad-request start_fake_dms
  K6_BIN="$REPO/test/bats/fixtures/fake-k6" API_BASE_URL="$FAKE_DMS_URL" run "$RUNNER" --target dms --phase load
  assert_status 3
  assert_output_has "FAIL  data access"
  assert_output_has "answered HTTP 400: urn:ed-fi:api:bad-request"
  assert_output_lacks "fake-Token-0123456789abcdef"
  rm -rf "$RESULTS_ROOT"
  FAKE_DMS_DATA_STATUS=200 K6_BIN="$REPO/test/bats/fixtures/fake-k6" API_BASE_URL="$FAKE_DMS_URL" \
    DATA_API_URL="http://127.0.0.1:$(free_port)/data" run "$RUNNER" --target dms --phase load
  assert_status 3
  assert_output_has "the data API does not answer"
  assert_output_has "Check DATA_API_URL (shell)"
}

@test "data access: transient answers (503) are retried, then the check passes" {
  write_env_file "CLIENT_ID=key" "CLIENT_SECRET=secret-value-1"
  FAKE_DMS_DATA_STATUS=503 FAKE_DMS_DATA_FAIL_FIRST=2 FAKE_DMS_DATA_TYPE=urn:ed-fi:api:service-unavailable start_fake_dms
  K6_BIN="$REPO/test/bats/fixtures/fake-k6" FAKE_K6_LOG="$BATS_TEST_TMPDIR" API_BASE_URL="$FAKE_DMS_URL" \
    run "$RUNNER" --target dms --phase load
  assert_status 0
  assert_output_has "PASS  data access"
  assert_output_has "(retried after transient answers: HTTP 503, HTTP 503)"
}
