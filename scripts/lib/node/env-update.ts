// node env-update.mjs FILE NAME...
// Sets each NAME in the dotenv FILE to the value of the environment variable ENVFILE_<NAME> (values never
// on the command line): lines replaced in place, others kept, a timestamped backup, mode 600.
// Prints the backup path (nothing when the file did not exist).
import { updateEnvFile } from './envfile.ts';

const [file, ...names] = process.argv.slice(2);
if (!file || names.length === 0) {
  process.stderr.write('usage: env-update.mjs FILE NAME...\n');
  process.exitCode = 2;
} else {
  const updates: Record<string, string> = {};
  for (const name of names) updates[name] = process.env[`ENVFILE_${name}`] ?? '';
  try {
    const backup = updateEnvFile(file, updates);
    if (backup) process.stdout.write(`${backup}\n`);
  } catch (error) {
    process.stderr.write(`cannot update ${file}: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
