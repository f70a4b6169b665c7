// What k6-operator (grafana/k6-operator) needs to run the suite's test in Kubernetes (docs/scale-out.md):
// the bundled scenarios in a ConfigMap, the client credentials and the broker key in a Secret, the token
// broker as a Deployment (one replica: one token) behind a ClusterIP Service that a NetworkPolicy opens to the
// test's pods only, one TestRun (k6.io/v1alpha1) per phase with `parallelism` N, and apply.sh, which applies
// them phase by phase and collects each runner's summary.json from its log for the merge (tools/merge).
// Manifests are JSON, which kubectl reads like YAML. Pure: no file system; unit-tested (test/tools/k8s.test.ts)
// against the fields of k6-operator's TestRunSpec (api/v1alpha1/testrun_types.go).
import { STDOUT_SUMMARY_BEGIN, STDOUT_SUMMARY_END } from '../../src/summary/summary.ts';

export interface K8sRun {
  /** The run id (RUN_ID of every runner pod, summary.json's segment.runId). */
  runId: string;
  profile: string;
  /** --phase as given (full, load, ...) and the phases it runs, in order. */
  phase: string;
  phases: string[];
  /** k6-operator's parallelism: runner pods per phase (>= 2). */
  instances: number;
  /** Settings every runner pod gets (sharedSettings), besides the run's own. */
  settings: Array<[string, string]>;
  tokenUrl: string;
  refreshMarginSeconds: string;
  clientId: string;
  clientSecret: string;
  brokerKey: string;
  k6Image: string;
  nodeImage: string;
  /** phase -> bundled scenario (dist/<phase>.js). */
  scenarios: Record<string, string>;
  /** The token broker bundled into one ES module for Node. */
  brokerScript: string;
  /** run.json of the collected results, without its times (apply.sh sets them). */
  runJson: Record<string, unknown>;
  /** The project folder on the machine that runs apply.sh (tools/merge runs from there). */
  projectRoot: string;
}

export interface K8sFile {
  file: string;
  text: string;
  /** 0600 for the Secret. */
  secret?: boolean;
  executable?: boolean;
}

const BROKER_PORT = 8080;

/** Lowercase DNS-1123 name parts: '20261130T013000Z-dev-full' -> '20261130t013000z'. */
export function shortId(runId: string): string {
  const stamp = /^\d{8}T\d{6}Z/i.exec(runId)?.[0] ?? runId;
  return stamp.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 20) || 'run';
}

/** The names of the run's objects. */
export function names(run: Pick<K8sRun, 'runId' | 'phases'>) {
  const base = `dms-${shortId(run.runId)}`;
  return {
    base,
    scenarios: `${base}-scenarios`,
    brokerScript: `${base}-broker-script`,
    secret: `${base}-credentials`,
    broker: `${base}-token-broker`,
    testRun: (phase: string) => `${base}-${phase}`,
  };
}

function labels(base: string, component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'dms-load-test', 'app.kubernetes.io/instance': base, 'app.kubernetes.io/component': component };
}

function secretRef(secret: string, key: string) {
  return { name: key === 'BROKER_KEY' ? 'TOKEN_BROKER_KEY' : key, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** Every manifest of the run, in the order apply.sh applies them (TestRuns one phase at a time). */
export function manifests(run: K8sRun): Array<{ file: string; manifest: Record<string, unknown> }> {
  const n = names(run);
  const brokerLabels = labels(n.base, 'token-broker');
  const out: Array<{ file: string; manifest: Record<string, unknown> }> = [];
  const scenarioData: Record<string, string> = {};
  for (const phase of run.phases) scenarioData[`${phase}.js`] = run.scenarios[phase];
  out.push({ file: 'scenarios-configmap.json', manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n.scenarios, labels: labels(n.base, 'scenarios') }, data: scenarioData } });
  out.push({ file: 'broker-configmap.json', manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n.brokerScript, labels: brokerLabels }, data: { 'token-broker.mjs': run.brokerScript } } });
  out.push({
    file: 'secret.json',
    manifest: {
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: n.secret, labels: brokerLabels },
      stringData: { CLIENT_ID: run.clientId, CLIENT_SECRET: run.clientSecret, BROKER_KEY: run.brokerKey },
    },
  });
  out.push({
    file: 'broker-deployment.json',
    manifest: {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: n.broker, labels: brokerLabels },
      spec: {
        replicas: 1, // one broker, one token: never two at once, not even during a rollout
        strategy: { type: 'Recreate' },
        selector: { matchLabels: brokerLabels },
        template: {
          metadata: { labels: brokerLabels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 },
            containers: [{
              name: 'token-broker',
              image: run.nodeImage,
              command: ['node', '/broker/token-broker.mjs'],
              ports: [{ name: 'http', containerPort: BROKER_PORT }],
              env: [
                { name: 'BROKER_TOKEN_URL', value: run.tokenUrl },
                { name: 'TOKEN_REFRESH_MARGIN_SECONDS', value: run.refreshMarginSeconds },
                { name: 'BROKER_HOST', value: '0.0.0.0' },
                { name: 'BROKER_PORT', value: String(BROKER_PORT) },
                // who may connect is the NetworkPolicy's to say in a cluster; the key is still required
                { name: 'BROKER_ALLOWED_HOSTS', value: '0.0.0.0/0,::/0' },
                { name: 'CLIENT_ID', valueFrom: { secretKeyRef: { name: n.secret, key: 'CLIENT_ID' } } },
                { name: 'CLIENT_SECRET', valueFrom: { secretKeyRef: { name: n.secret, key: 'CLIENT_SECRET' } } },
                { name: 'BROKER_KEY', valueFrom: { secretKeyRef: { name: n.secret, key: 'BROKER_KEY' } } },
              ],
              readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5 },
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'broker-script', mountPath: '/broker', readOnly: true }],
            }],
            volumes: [{ name: 'broker-script', configMap: { name: n.brokerScript } }],
          },
        },
      },
    },
  });
  out.push({
    file: 'broker-service.json',
    manifest: {
      apiVersion: 'v1', kind: 'Service', metadata: { name: n.broker, labels: brokerLabels },
      spec: { type: 'ClusterIP', selector: brokerLabels, ports: [{ name: 'http', port: BROKER_PORT, targetPort: 'http', protocol: 'TCP' }] },
    },
  });
  out.push({
    file: 'broker-networkpolicy.json',
    manifest: {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: n.broker, labels: brokerLabels },
      spec: {
        podSelector: { matchLabels: brokerLabels },
        policyTypes: ['Ingress'],
        // the test's pods only: k6-operator labels every pod of a TestRun k6_cr=<its name>
        ingress: [{
          from: [{ podSelector: { matchExpressions: [{ key: 'k6_cr', operator: 'In', values: run.phases.map(n.testRun) }] } }],
          ports: [{ protocol: 'TCP', port: BROKER_PORT }],
        }],
      },
    },
  });
  const env = [
    ...run.settings.map(([name, value]) => ({ name, value })),
    { name: 'PROFILE', value: run.profile },
    { name: 'TARGET', value: 'dms' },
    { name: 'RUN_ID', value: run.runId },
    { name: 'INSTANCES', value: String(run.instances) },
    { name: 'SUMMARY_TO_STDOUT', value: '1' },
    { name: 'TOKEN_BROKER_URL', value: `http://${n.broker}:${BROKER_PORT}` },
    secretRef(n.secret, 'BROKER_KEY'),
  ];
  for (const phase of run.phases) {
    out.push({
      file: `testrun-${phase}.json`,
      manifest: {
        apiVersion: 'k6.io/v1alpha1', kind: 'TestRun', metadata: { name: n.testRun(phase), labels: labels(n.base, phase) },
        spec: {
          parallelism: run.instances,
          script: { configMap: { name: n.scenarios, file: `${phase}.js` } },
          separate: false,
          runner: { image: run.k6Image, env, metadata: { labels: labels(n.base, phase) } },
        },
      },
    });
  }
  return out;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * apply.sh: applies the run's objects, runs the TestRuns one phase after the other (a load phase that failed
 * for good skips readwrite, as the runner does), collects each runner pod's summary.json from its log
 * (between the SUMMARY_TO_STDOUT markers) and its exit code into collected/<phase>/instance-<i>/, the
 * problems and the broker's statistics, deletes what it applied (unless --keep), and merges the results
 * with tools/merge into merged/ (report.html, junit.xml). Exits with the merged run's exit code.
 */
export function applyScript(run: K8sRun): string {
  const n = names(run);
  const seconds = (phase: string) => durationOf(run.settings, phase) + 900;
  const phaseLines = run.phases.map((phase) => `run_phase ${shellQuote(phase)} ${shellQuote(n.testRun(phase))} ${seconds(phase)}`).join('\n');
  return `#!/usr/bin/env bash
# The suite's run ${run.runId} (profile ${run.profile}, ${run.instances} k6 runners per phase) on k6-operator, written by
# ./run-load-test.sh --emit-k8s. Needs kubectl with a context on the cluster, k6-operator installed there, and
# this project's folder (for the merge). Usage: ./apply.sh [-n NAMESPACE] [--keep]   (docs/scale-out.md)
set -Eeuo pipefail
HERE="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="\${DMS_LOAD_TEST_ROOT:-${run.projectRoot.replace(/[\\"$`]/g, '\\$&')}}"
KUBECTL=(kubectl)
KEEP=0
while (($# > 0)); do
  case "$1" in
    -n | --namespace) KUBECTL+=(-n "$2"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h | --help) sed -n '2,4p' "\${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "apply.sh: unknown argument '$1' (usage: ./apply.sh [-n NAMESPACE] [--keep])" >&2; exit 2 ;;
  esac
done
OUT="$HERE/collected"
if [[ -e "$OUT" ]]; then echo "apply.sh: $OUT exists: this run was applied before; emit a new one (./run-load-test.sh --emit-k8s DIR)" >&2; exit 2; fi
mkdir -p "$OUT"
utc() { date -u +%Y-%m-%dT%H:%M:%SZ; }
STARTED="$(utc)"

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if ((KEEP == 0)); then
    "\${KUBECTL[@]}" delete --ignore-not-found -f "$HERE/broker-networkpolicy.json" -f "$HERE/broker-service.json" \\
      -f "$HERE/broker-deployment.json" -f "$HERE/secret.json" -f "$HERE/broker-configmap.json" -f "$HERE/scenarios-configmap.json" >/dev/null || true
  fi
}
trap cleanup EXIT

"\${KUBECTL[@]}" apply -f "$HERE/scenarios-configmap.json" -f "$HERE/broker-configmap.json" -f "$HERE/secret.json" \\
  -f "$HERE/broker-deployment.json" -f "$HERE/broker-service.json" -f "$HERE/broker-networkpolicy.json"
# the broker requests the run's first token at start: a refused client fails here, before any k6 pod
"\${KUBECTL[@]}" rollout status ${shellQuote(`deployment/${n.broker}`)} --timeout=180s

# broker_get PATH: a GET to the broker from inside its pod (its key is in its environment, never here)
broker_get() {
  "\${KUBECTL[@]}" exec ${shellQuote(`deployment/${n.broker}`)} -- node -e \\
    'fetch("http://127.0.0.1:${BROKER_PORT}" + process.argv[1], { headers: { "x-broker-key": process.env.BROKER_KEY } }).then((r) => r.text()).then((t) => process.stdout.write(t))' "$1"
}

FATAL=0
# run_phase PHASE TESTRUN SECONDS
run_phase() {
  local phase="$1" name="$2" seconds="$3" stage="" waited=0 i dir pod code
  if ((FATAL == 1)); then echo "skipping the $phase phase: an earlier phase ended for good"; return 0; fi
  echo "phase $phase: TestRun $name, ${run.instances} runners"
  "\${KUBECTL[@]}" apply -f "$HERE/testrun-$phase.json"
  until [[ "$stage" == finished || "$stage" == error ]]; do
    if ((waited > seconds)); then echo "apply.sh: TestRun $name did not finish within $seconds s (stage: \${stage:-none})" >&2; break; fi
    sleep 5
    waited=$((waited + 5))
    stage="$("\${KUBECTL[@]}" get testrun "$name" -o jsonpath='{.status.stage}' 2>/dev/null || true)"
  done
  echo "phase $phase: stage \${stage:-unknown}"
  for ((i = 1; i <= ${run.instances}; i++)); do
    dir="$OUT/$phase/instance-$i"
    mkdir -p "$dir"
    pod="$("\${KUBECTL[@]}" get pods -l "job-name=$name-$i" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
    if [[ -z "$pod" ]]; then echo "apply.sh: no runner pod of $name-$i" >&2; continue; fi
    "\${KUBECTL[@]}" logs "$pod" >"$dir/console.log" 2>&1 || true
    awk '/^${STDOUT_SUMMARY_END}$/ { on = 0 } on { print } /^${STDOUT_SUMMARY_BEGIN}$/ { on = 1 }' "$dir/console.log" >"$dir/summary.json"
    [[ -s "$dir/summary.json" ]] || { rm -f "$dir/summary.json"; echo "apply.sh: runner $i of $phase printed no summary.json (see $dir/console.log)" >&2; }
    code="$("\${KUBECTL[@]}" get pod "$pod" -o jsonpath='{.status.containerStatuses[?(@.name=="k6")].state.terminated.exitCode}' 2>/dev/null || true)"
    if [[ -n "$code" ]]; then
      printf '%s\\n' "$code" >"$dir/exit-code"
      if [[ "$phase" == load && "$code" =~ ^(105|107|108)$ ]]; then FATAL=1; fi
    fi
  done
  broker_get "/problems?phase=$phase" >"$OUT/$phase/problems.json" 2>/dev/null || rm -f "$OUT/$phase/problems.json"
  if ((KEEP == 0)); then "\${KUBECTL[@]}" delete testrun "$name" --ignore-not-found >/dev/null || true; fi
}

${phaseLines}

broker_get /stats >"$OUT/broker-stats.json" 2>/dev/null || rm -f "$OUT/broker-stats.json"
sed -e "s/@STARTED@/$STARTED/" -e "s/@FINISHED@/$(utc)/" "$HERE/run.template.json" >"$OUT/run.json"
cd "$ROOT"
rc=0
node --import tsx tools/merge/main.ts --out "$HERE/merged" "$OUT" || rc=$?
echo "results: $HERE/merged (report.html); each runner's in $OUT"
exit "$rc"
`;
}

/** A phase's time limit (s) from the settings (DURATION_LOAD_PHASE, else DURATION_READWRITE_PHASE's kind). */
function durationOf(settings: Array<[string, string]>, phase: string): number {
  const name = phase === 'load' ? 'DURATION_LOAD_PHASE' : 'DURATION_READWRITE_PHASE';
  const value = settings.find(([n]) => n === name)?.[1] ?? (phase === 'load' ? '10m' : '1m');
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(value);
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Math.ceil(Number(m[3] ?? 0)) : 3600;
}

/** The files --emit-k8s writes: the manifests, run.template.json and apply.sh. */
export function k8sFiles(run: K8sRun): K8sFile[] {
  const files: K8sFile[] = manifests(run).map(({ file, manifest }) => ({ file, text: `${JSON.stringify(manifest, null, 2)}\n`, secret: file === 'secret.json' }));
  files.push({ file: 'run.template.json', text: `${JSON.stringify({ ...run.runJson, startedAt: '@STARTED@', finishedAt: '@FINISHED@' }, null, 2)}\n` });
  files.push({ file: 'apply.sh', text: applyScript(run), executable: true });
  return files;
}
