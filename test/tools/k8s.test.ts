// --emit-k8s (tools/k8s/manifests.ts): the manifests parse, carry the right kinds, and use only the fields
// k6-operator documents. The TestRun fields are those of TestRunSpec, K6Script, K6Configmap and Pod in
// grafana/k6-operator api/v1alpha1/testrun_types.go (docs/crd-generated.md renders the same); the runner
// pods' labels (app=k6, k6_cr=<TestRun name>, runner=true), their Job names (<TestRun name>-<i>, i from 1)
// and their container name (k6) are from pkg/resources/jobs/runner.go and helpers.go. No cluster here: what
// kubectl and k6-operator would do with them is not run (docs/scale-out.md says so).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { k8sFiles, manifests, names, shortId, type K8sRun } from '../../tools/k8s/manifests.ts';

const TESTRUN_SPEC = ['script', 'parallelism', 'separate', 'arguments', 'args', 'ports', 'initializer', 'starter', 'runner', 'quiet', 'paused', 'scuttle', 'cleanup', 'testRunId', 'token'];
const TESTRUN_REQUIRED = ['script', 'parallelism'];
const K6_SCRIPT = ['volumeClaim', 'configMap', 'localFile'];
const K6_CONFIGMAP = ['name', 'file'];
const POD = ['disabled', 'affinity', 'automountServiceAccountToken', 'env', 'image', 'imagePullSecrets', 'imagePullPolicy', 'metadata', 'nodeSelector',
  'tolerations', 'topologySpreadConstraints', 'resources', 'serviceAccountName', 'securityContext', 'containerSecurityContext', 'envFrom',
  'readinessProbe', 'livenessProbe', 'initContainers', 'volumes', 'volumeMounts', 'priorityClassName', 'schedulerName'];
const POD_METADATA = ['annotations', 'labels'];
/** Kubernetes names: DNS-1123 labels (Services) and subdomains; Jobs are named <TestRun>-<i>, at most 63. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const SECRET = 'client-secret-value-123';
const run: K8sRun = {
  runId: '20261130T013000Z-dev-full', profile: 'dev', phase: 'full', phases: ['load', 'readwrite'], instances: 4,
  settings: [['API_BASE_URL', 'http://dms.ed-fi.svc:8080'], ['STUDENT_COUNT', '100'], ['DURATION_LOAD_PHASE', '15m']],
  tokenUrl: 'http://dms.ed-fi.svc:8080/oauth/token', refreshMarginSeconds: '60', clientId: 'client-id', clientSecret: SECRET,
  brokerKey: 'b'.repeat(32), k6Image: 'grafana/k6:2.2.0', nodeImage: 'node:20-alpine',
  scenarios: { load: '// load bundle', readwrite: '// readwrite bundle' }, brokerScript: '// broker bundle',
  runJson: { runId: '20261130T013000Z-dev-full' }, projectRoot: '/opt/dms-load-test',
};

function only(object: object, allowed: string[], where: string): void {
  for (const key of Object.keys(object)) assert.ok(allowed.includes(key), `${where}.${key} is not a field k6-operator documents`);
}

test('the manifests parse as JSON (which kubectl reads as YAML) and carry the right kinds and API versions', () => {
  const files = k8sFiles(run).filter((f) => f.file.endsWith('.json') && f.file !== 'run.template.json');
  const kinds = files.map((f) => {
    const m = JSON.parse(f.text) as { apiVersion: string; kind: string; metadata: { name: string } };
    assert.match(m.metadata.name, DNS_LABEL, `${f.file}: ${m.metadata.name}`);
    assert.ok(m.metadata.name.length <= 63 - 3, `${m.metadata.name}: room for k6-operator's -<i> Job suffix`);
    return `${m.apiVersion} ${m.kind}`;
  });
  assert.deepEqual(kinds.sort(), [
    'apps/v1 Deployment', 'k6.io/v1alpha1 TestRun', 'k6.io/v1alpha1 TestRun', 'networking.k8s.io/v1 NetworkPolicy', 'v1 ConfigMap', 'v1 ConfigMap', 'v1 Secret', 'v1 Service',
  ]);
  assert.equal(shortId('20261130T013000Z-dev-full'), '20261130t013000z');
});

test('each TestRun: the documented fields only, parallelism N, the script from the scenarios ConfigMap, the runner pods\' environment', () => {
  const all = manifests(run);
  const byKind = (kind: string) => all.filter((m) => m.manifest.kind === kind).map((m) => m.manifest as Record<string, any>);
  const configMaps = byKind('ConfigMap');
  const secret = byKind('Secret')[0];
  const n = names(run);
  for (const [i, phase] of run.phases.entries()) {
    const tr = byKind('TestRun')[i];
    assert.equal(tr.metadata.name, n.testRun(phase));
    only(tr.spec, TESTRUN_SPEC, 'spec');
    for (const field of TESTRUN_REQUIRED) assert.ok(field in tr.spec, `spec.${field} is required`);
    assert.equal(tr.spec.parallelism, 4);
    only(tr.spec.script, K6_SCRIPT, 'spec.script');
    only(tr.spec.script.configMap, K6_CONFIGMAP, 'spec.script.configMap');
    const cm = configMaps.find((c) => c.metadata.name === tr.spec.script.configMap.name);
    assert.ok(cm, 'the script ConfigMap is among the manifests');
    assert.equal(cm.data[tr.spec.script.configMap.file], run.scenarios[phase], `${phase}: the bundled scenario under its file name`);
    only(tr.spec.runner, POD, 'spec.runner');
    only(tr.spec.runner.metadata, POD_METADATA, 'spec.runner.metadata');
    assert.equal(tr.spec.runner.image, 'grafana/k6:2.2.0');
    const env = new Map<string, any>(tr.spec.runner.env.map((e: any) => [e.name, e]));
    for (const e of env.values()) assert.ok(('value' in e && typeof e.value === 'string') !== ('valueFrom' in e), `${e.name}: an EnvVar has value or valueFrom`);
    assert.equal(env.get('INSTANCES').value, '4', 'the instances know they are 4 (src/phase/segment.ts)');
    assert.equal(env.get('SUMMARY_TO_STDOUT').value, '1', 'a pod keeps no files: summary.json goes to its log');
    assert.equal(env.get('RUN_ID').value, run.runId);
    assert.equal(env.get('STUDENT_COUNT').value, '100');
    assert.equal(env.get('TOKEN_BROKER_URL').value, `http://${n.broker}:8080`, 'the broker by its Service name');
    assert.deepEqual(env.get('TOKEN_BROKER_KEY').valueFrom, { secretKeyRef: { name: secret.metadata.name, key: 'BROKER_KEY' } });
    assert.ok(!env.has('CLIENT_SECRET'), 'the runners never get the client secret');
  }
  assert.ok(!JSON.stringify(byKind('TestRun')).includes(SECRET) && !JSON.stringify(configMaps).includes(SECRET), 'no secret outside the Secret');
});

test('the token broker: one replica behind a ClusterIP Service, its credentials from the Secret, open to the test\'s pods only', () => {
  const all = manifests(run).map((m) => m.manifest as Record<string, any>);
  const get = (kind: string) => all.find((m) => m.kind === kind) as Record<string, any>;
  const [deployment, service, policy, secret] = [get('Deployment'), get('Service'), get('NetworkPolicy'), get('Secret')];
  assert.equal(deployment.spec.replicas, 1);
  assert.equal(deployment.spec.strategy.type, 'Recreate', 'never two brokers (two tokens) during a rollout');
  const pod = deployment.spec.template;
  assert.deepEqual(deployment.spec.selector.matchLabels, pod.metadata.labels);
  assert.deepEqual(service.spec.selector, pod.metadata.labels, 'the Service selects the broker pod');
  assert.equal(service.spec.type, 'ClusterIP', 'cluster-internal: the token never leaves the cluster network');
  const container = pod.spec.containers[0];
  assert.equal(service.spec.ports[0].targetPort, container.ports[0].name);
  const env = new Map<string, any>(container.env.map((e: any) => [e.name, e]));
  for (const key of ['CLIENT_ID', 'CLIENT_SECRET', 'BROKER_KEY']) {
    assert.deepEqual(env.get(key).valueFrom.secretKeyRef, { name: secret.metadata.name, key });
    assert.ok(key in secret.stringData);
  }
  assert.equal(env.get('BROKER_HOST').value, '0.0.0.0');
  assert.equal(env.get('BROKER_TOKEN_URL').value, run.tokenUrl);
  const volume = pod.spec.volumes.find((v: any) => v.name === container.volumeMounts[0].name);
  assert.equal(container.command.join(' '), `node ${container.volumeMounts[0].mountPath}/token-broker.mjs`);
  assert.ok(all.some((m) => m.kind === 'ConfigMap' && m.metadata.name === volume.configMap.name && 'token-broker.mjs' in m.data));
  assert.deepEqual(policy.spec.podSelector.matchLabels, pod.metadata.labels);
  assert.deepEqual(policy.spec.ingress[0].from[0].podSelector.matchExpressions, [{ key: 'k6_cr', operator: 'In', values: run.phases.map(names(run).testRun) }]);
  assert.equal(policy.spec.ingress[0].ports[0].port, 8080);
});

test('apply.sh: valid bash (and shellcheck-clean where shellcheck is installed), phases in order, the runners\' Jobs and container as k6-operator names them', () => {
  const script = k8sFiles(run).find((f) => f.file === 'apply.sh');
  assert.ok(script?.executable);
  const dir = mkdtempSync(join(tmpdir(), 'k8s-apply-'));
  const file = join(dir, 'apply.sh');
  writeFileSync(file, script.text);
  const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  assert.equal(syntax.status, 0, syntax.stderr);
  const lint = spawnSync('shellcheck', [file], { encoding: 'utf8' });
  if (!lint.error) assert.equal(lint.status, 0, lint.stdout);
  const text = script.text;
  assert.ok(text.indexOf(`run_phase 'load' '${names(run).testRun('load')}'`) < text.indexOf(`run_phase 'readwrite'`), 'load before readwrite');
  assert.match(text, /-l "job-name=\$name-\$i"/);
  assert.match(text, /@\.name=="k6"/);
  assert.match(text, /=== dms-load-test summary.json begin ===/);
  assert.match(text, /tools\/merge\/main.ts --out "\$HERE\/merged" "\$OUT"/);
});
