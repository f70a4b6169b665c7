// Bundles every k6 entry point in src/scenarios/ into dist/<name>.js.
// k6 is not Node and not a browser: ESM, k6 modules left external, platform 'browser' so a stray
// Node built-in fails here at build time instead of inside k6.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url)); // a path with spaces stays a valid path
const entries = readdirSync(join(root, 'src/scenarios'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => join(root, 'src/scenarios', f));

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(path) : st.mtimeMs);
  }
  return newest;
}

function upToDate() {
  const outputs = entries.map((e) => join(root, 'dist', e.split('/').pop().replace(/\.ts$/, '.js')));
  if (!outputs.every((o) => existsSync(o))) return false;
  const oldestOutput = Math.min(...outputs.map((o) => statSync(o).mtimeMs));
  const newestInput = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'build.mjs')).mtimeMs);
  return oldestOutput >= newestInput;
}

if (process.argv.includes('--if-stale') && upToDate()) {
  console.log('bundle up to date');
} else {
  await build({
    entryPoints: entries,
    outdir: join(root, 'dist'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external: ['k6'],
    sourcemap: true,
    logLevel: 'warning',
  });
  console.log(`bundled ${entries.length} scenario(s) into dist/`);
}
