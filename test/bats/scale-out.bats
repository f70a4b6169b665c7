#!/usr/bin/env bats
# The scale-out options (docs/scale-out.md): bad combinations are refused before anything starts (exit 2,
# with what to do), and the plan shows each instance's execution segment. Fast: nothing runs k6.

load helpers

setup() {
  setup_project
}

teardown() {
  teardown_project
}

@test "bad instance options are refused with what to do (exit 2), before anything starts" {
  local -a cases=(
    "--instances 0|--instances '0' is not a number of k6 instances from 1 to 64"
    "--instances two|--instances 'two' is not a number"
    "--instance 3/2|--instance '3/2' is not I/N with 1 <= I <= N and N >= 2"
    "--instance 1/1|--instance '1/1' is not I/N"
    "--instance 2/2|--instance 2/2 needs --join FILE"
    "--join join.env|--join needs --instance I/N"
    "--instances 2 --instance 1/2|cannot be combined"
    "--instances 2 --dashboard|--dashboard shows one k6 instance, not a run of 2"
    "--emit-k8s out --instance 1/2|--emit-k8s writes a whole run for k6-operator"
  )
  local entry args expected
  for entry in "${cases[@]}"; do
    args="${entry%%|*}"
    expected="${entry#*|}"
    # shellcheck disable=SC2086 # the arguments of each case, split on purpose
    run "$RUNNER" --profile smoke $args
    [ "$status" -eq 2 ] || { echo "$args: exit $status"; echo "$output"; false; }
    assert_output_has "$expected"
  done
  [ ! -e "$RESULTS_ROOT" ]
}

@test "a join file that is not one is refused, naming what is wrong" {
  printf 'RUN_ID=x\n' >"$BATS_TEST_TMPDIR/join.env"
  run "$RUNNER" --instance 2/2 --join "$BATS_TEST_TMPDIR/join.env"
  assert_status 2
  assert_output_has "lacks JOIN_FORMAT, INSTANCES, PROFILE, PHASE, TOKEN_BROKER_URL, TOKEN_BROKER_KEY, API_BASE_URL"
  printf 'JOIN_FORMAT=1\nRUN_ID=r\nINSTANCES=3\nPROFILE=dev\nPHASE=load\nTOKEN_BROKER_URL=http://10.0.0.1:7000\nTOKEN_BROKER_KEY=k\nAPI_BASE_URL=http://10.0.0.1:8080\n' >"$BATS_TEST_TMPDIR/join.env"
  run "$RUNNER" --instance 2/2 --join "$BATS_TEST_TMPDIR/join.env"
  assert_status 2
  assert_output_has "but the run of '$BATS_TEST_TMPDIR/join.env' has 3 instances"
  run "$RUNNER" --instance 2/3 --profile smoke --phase readwrite --join "$BATS_TEST_TMPDIR/join.env"
  assert_status 2
  assert_output_has "differ from the joined run's (dev, load)"
}

@test "the first of several hosts: the broker must be reachable, stated hosts only, no plain HTTP across the network unless chosen" {
  start_test_sim
  write_env_file "API_BASE_URL=$SIM_URL" "CMS_BASE_URL=$SIM_URL" \
    "CMS_ADMIN_CLIENT_ID=DmsConfigurationService" "CMS_ADMIN_CLIENT_SECRET='ValidClientSecret1234567890!Abcd'"
  run "$RUNNER" --profile smoke --instance 1/2 --dry-run
  assert_status 2
  assert_output_has "the token broker listens on loopback (127.0.0.1), which the other hosts cannot reach"
  BROKER_BIND_ADDRESS=10.0.0.1 run "$RUNNER" --profile smoke --instance 1/2 --dry-run
  assert_status 2
  assert_output_has "BROKER_ALLOWED_HOSTS does not say who may connect"
  BROKER_BIND_ADDRESS=10.0.0.1 BROKER_ALLOWED_HOSTS=10.0.0.2 run "$RUNNER" --profile smoke --instance 1/2 --dry-run
  assert_status 2
  assert_output_has "the run's token would cross the network unencrypted"
  assert_output_has "BROKER_ALLOW_PLAINTEXT=yes"
  BROKER_PORT=7400 BROKER_ADVERTISED_URL=http://10.0.0.1:7400 run "$RUNNER" --profile smoke --instance 1/2 --dry-run
  assert_status 2
  assert_output_has "is plain HTTP to another host"
  # an SSH tunnel's loopback end, a TLS proxy, or plain HTTP chosen on purpose: accepted
  BROKER_PORT=7400 BROKER_ADVERTISED_URL=https://broker.example:7443 run "$RUNNER" --profile smoke --instance 1/2 --dry-run
  assert_status 0
  BROKER_BIND_ADDRESS=10.0.0.1 BROKER_ALLOWED_HOSTS=10.0.0.2 BROKER_ALLOW_PLAINTEXT=yes run "$RUNNER" --profile smoke --instance 1/2 --dry-run
  assert_status 0
  assert_output_has "--execution-segment 0:1/2 --execution-segment-sequence 0,1/2,1"
  # the bundled stand-in listens on loopback only: the other hosts could not reach it
  rm -f "$PROJECT/.env.load-test"
  BROKER_PORT=7400 BROKER_ADVERTISED_URL=https://broker.example:7443 run "$RUNNER" --profile smoke --instance 1/2 --dry-run
  assert_status 2
  assert_output_has "the bundled stand-in listens on this machine's loopback only"
}

@test "--dry-run with --instances 3 shows each instance's execution segment" {
  run "$RUNNER" --profile dev --phase load --instances 3 --dry-run
  assert_status 0
  assert_output_has "as 3 k6 instances on this machine"
  assert_output_has "--execution-segment 0:1/3 --execution-segment-sequence 0,1/3,2/3,1"
  assert_output_has "--execution-segment 2/3:1 --execution-segment-sequence 0,1/3,2/3,1"
  [ ! -e "$RESULTS_ROOT" ]
}
