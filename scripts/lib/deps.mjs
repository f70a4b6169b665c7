// Are the installed node_modules the ones package-lock.json pins?
//   node deps.mjs ROOT  -> exit 0 in sync; 1 node_modules missing; 2 out of date (differences on stderr)
// npm records what it installed in node_modules/.package-lock.json; each package the lockfile needs on this
// platform (optional packages for other platforms excepted) must be there with the locked version.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function packages(file) {
  return JSON.parse(readFileSync(file, 'utf8')).packages ?? {};
}

function main(root) {
  const lockFile = join(root, 'package-lock.json');
  const installedFile = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(join(root, 'node_modules'))) {
    process.stderr.write('node_modules is missing\n');
    return 1;
  }
  if (!existsSync(installedFile)) {
    process.stderr.write('node_modules has no .package-lock.json (not installed by npm ci/npm install)\n');
    return 2;
  }
  const locked = packages(lockFile);
  const installed = packages(installedFile);
  const problems = [];
  for (const [path, meta] of Object.entries(locked)) {
    if (path === '' || !path.startsWith('node_modules/')) continue;
    const have = installed[path];
    if (!have) {
      if (!meta.optional && !existsSync(join(root, path))) problems.push(`${path.slice(13)} ${meta.version} is not installed`);
    } else if (have.version !== meta.version) {
      problems.push(`${path.slice(13)} is ${have.version}, the lockfile pins ${meta.version}`);
    }
  }
  if (problems.length > 0) {
    for (const p of problems.slice(0, 5)) process.stderr.write(`${p}\n`);
    if (problems.length > 5) process.stderr.write(`... and ${problems.length - 5} more\n`);
    return 2;
  }
  return 0;
}

process.exitCode = main(process.argv[2] ?? '.');
