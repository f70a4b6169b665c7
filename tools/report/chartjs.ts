// chart.js's UMD build, read by path from node_modules (its package exports do not expose the file).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

const RELATIVE = join('node_modules', 'chart.js', 'dist', 'chart.umd.min.js');

export function chartJsPath(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, RELATIVE);
    if (existsSync(candidate)) return candidate;
    if (dir === parse(dir).root) break;
    dir = dirname(dir);
  }
  throw new Error(`chart.js is not installed (looked for ${RELATIVE} above ${start}); run npm ci`);
}

export function chartJsSource(): string {
  const source = readFileSync(chartJsPath(), 'utf8');
  if (/<\/script/i.test(source)) throw new Error('chart.js source contains </script and cannot be inlined');
  return source;
}
