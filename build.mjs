// Builds the project's TypeScript for the programs that run it:
//   node build.mjs [--if-stale]           k6 scenarios: src/scenarios/*.ts -> dist/<name>.js
//   node build.mjs --runner [--if-stale]  the runner's Node helpers: scripts/lib/node/*.ts -> dist/runner/<name>.mjs
// k6 is not Node and not a browser: ESM, k6 modules left external, platform 'browser' so a stray Node
// built-in fails here at build time instead of inside k6. The runner's helpers are bundled for Node, so
// each runs with plain `node` (no loader, ~0.1 s a call instead of ~0.3 s with tsx).
// Each output file is written under a temporary name and renamed, so a second runner starting at the same
// moment never reads half a file. esbuild is imported only when something is stale: the up-to-date check
// needs nothing but Node.
import { readdirSync, statSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url)); // a path with spaces stays a valid path

const TARGETS = {
  k6: {
    what: 'scenario(s)',
    sourceDir: join(root, 'src/scenarios'),
    inputs: [join(root, 'src')],
    outDir: join(root, 'dist'),
    extension: '.js',
    options: { platform: 'browser', target: 'es2020', external: ['k6'], sourcemap: true },
  },
  runner: {
    what: 'runner helper(s)',
    sourceDir: join(root, 'scripts/lib/node'),
    inputs: [join(root, 'scripts/lib/node'), join(root, 'src/settings')],
    outDir: join(root, 'dist/runner'),
    extension: '.mjs',
    options: { platform: 'node', target: 'node20', packages: 'external' },
  },
};

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function entryPoints(target) {
  return readdirSync(target.sourceDir).filter((f) => f.endsWith('.ts')).map((f) => join(target.sourceDir, f));
}

function outputOf(target, entry) {
  return join(target.outDir, entry.split('/').pop().replace(/\.ts$/, target.extension));
}

function upToDate(target) {
  const outputs = entryPoints(target).map((e) => outputOf(target, e));
  if (!outputs.every((o) => existsSync(o))) return false;
  const oldestOutput = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  const newestInput = Math.max(...target.inputs.map(newestMtime), statSync(join(root, 'build.mjs')).mtimeMs);
  return oldestOutput >= newestInput;
}

async function buildTarget(target) {
  const { build } = await import('esbuild');
  const entries = entryPoints(target);
  const staging = `${target.outDir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    await build({
      entryPoints: entries,
      outdir: staging,
      outExtension: { '.js': target.extension },
      bundle: true,
      format: 'esm',
      logLevel: 'warning',
      ...target.options,
    });
    mkdirSync(target.outDir, { recursive: true });
    for (const name of readdirSync(staging)) renameSync(join(staging, name), join(target.outDir, name));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return entries.length;
}

const target = process.argv.includes('--runner') ? TARGETS.runner : TARGETS.k6;
const label = target === TARGETS.k6 ? 'bundle' : 'runner helpers';
if (process.argv.includes('--if-stale') && upToDate(target)) {
  console.log(`${label} up to date`);
} else {
  const count = await buildTarget(target);
  console.log(`built ${count} ${target.what} into ${target.outDir.slice(root.length)}/`);
}
