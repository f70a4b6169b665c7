// k6 outputs given by the user (K6_OUT, or the runner's --out), one set per phase: every file an output
// writes goes into that phase's results folder, so a full run keeps load's and readwrite's samples apart
// and nothing is written outside the run's folder or over another file.
//   node outputs.mjs check --source LABEL [--csv-default NAME] -- OUTPUT...
//     -> exit 0, or exit 2 with what is wrong (stderr): an absolute path, a path that leaves the phase
//        folder, two outputs into one file, a file the runner writes itself
//   node outputs.mjs place --dir PHASE_DIR [--mkdir] [--csv-default NAME] -- OUTPUT...
//     -> stdout: each output as k6 gets it (--out), NUL-terminated; --mkdir creates the folders of the files
//        (k6 does not)
//   node outputs.mjs split K6_OUT  -> the outputs of a K6_OUT value, NUL-terminated (split on commas, as k6
//                                     reads the variable)
// OUTPUT is k6's --out syntax, TYPE[=ARGUMENT]. Files: json=FILE (none or '-' is stdout), csv, csv=FILE,
// csv=fileName=FILE,saveInterval=...,timeFormat=... (k6's default file is file.csv, or K6_CSV_FILENAME:
// --csv-default), web-dashboard=export=FILE&... . Any other output (a URL, an extension) is passed on as it is.
import { mkdirSync } from 'node:fs';
import { isAbsolute, posix } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainModule } from './main-module.ts';

/** Files the runner itself writes into a phase folder: an output must not take their names. */
export const RUNNER_FILES = ['summary.json', 'timeseries.ndjson', 'dashboard.html', 'generator-samples.json', 'generator-verdict.txt'];

export class OutputError extends Error {}

/** The file names an output writes and how to rebuild the output with other names. */
interface FileSlots {
  names: string[];
  rebuild(placed: string[]): string;
}

export interface PlaceOptions {
  /** The phase folder the files go into. */
  dir: string;
  /** Where the outputs came from, for messages: '--out' or 'K6_OUT (shell)'. */
  source?: string;
  /** k6's default csv file name (file.csv, or K6_CSV_FILENAME). */
  csvDefault?: string;
  /** Create the folders of the files (k6 does not). */
  mkdir?: boolean;
}

/** Outputs of a K6_OUT value: k6 splits the variable on commas (envconfig), empty entries dropped. */
export function splitK6Out(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function typeAndArg(output: string): { type: string; arg: string | undefined } {
  const eq = output.indexOf('=');
  return eq < 0 ? { type: output, arg: undefined } : { type: output.slice(0, eq), arg: output.slice(eq + 1) };
}

/**
 * The file names an output writes, as the user gave them, with a function that rebuilds the output from
 * replacement names; undefined for outputs that write no file (stdout, a URL, an extension).
 */
function fileSlots(output: string, csvDefault: string): FileSlots | undefined {
  const { type, arg } = typeAndArg(output);
  if (type === 'json') {
    if (arg === undefined || arg === '' || arg === '-') return undefined;
    return { names: [arg], rebuild: ([name]: string[]) => `json=${name}` };
  }
  if (type === 'csv') {
    if (arg === undefined || arg === '') return { names: [csvDefault], rebuild: ([name]: string[]) => `csv=${name}` };
    if (!arg.includes('=')) return { names: [arg], rebuild: ([name]: string[]) => `csv=${name}` };
    const pairs = arg.split(',').map((pair): [string, string | undefined] => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [pair, undefined] : [pair.slice(0, eq), pair.slice(eq + 1)];
    });
    const at = pairs.findIndex(([key]) => key === 'fileName');
    const name = at >= 0 ? (pairs[at][1] ?? '') : csvDefault;
    return {
      names: [name],
      rebuild: ([placed]: string[]) => {
        const out = pairs.map(([k, v]): [string, string | undefined] => (k === 'fileName' ? ['fileName', placed] : [k, v]));
        if (at < 0) out.unshift(['fileName', placed]);
        return `csv=${out.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join(',')}`;
      },
    };
  }
  if (type === 'web-dashboard' && arg) {
    const params = new URLSearchParams(arg);
    const name = params.get('export');
    if (!name) return undefined;
    return {
      names: [name],
      rebuild: ([placed]: string[]) => {
        params.set('export', placed);
        // k6 reads this with url.ParseQuery: keep '/' readable, it needs no escaping there.
        return `web-dashboard=${params.toString().replace(/%2F/gi, '/')}`;
      },
    };
  }
  return undefined;
}

/** The path inside the phase folder for a file name; throws OutputError for names that would leave it. */
export function relativeName(name: string, output: string, source: string): string {
  const where = `output '${output}' (${source})`;
  if (name === '') throw new OutputError(`${where} names no file`);
  if (isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name)) {
    throw new OutputError(
      `${where} writes to an absolute path; each phase's outputs go into its results folder.\n` +
        `Give a file name instead, e.g. ${typeAndArg(output).type}=${posix.basename(name.replace(/\\/g, '/'))}: it is written to <run>/<phase>/${posix.basename(name.replace(/\\/g, '/'))}.`,
    );
  }
  const normal = posix.normalize(name.replace(/\\/g, '/'));
  if (normal === '.' || normal.endsWith('/') || normal === '..' || normal.startsWith('../')) {
    throw new OutputError(`${where}: '${name}' is not a file inside the phase's results folder.\nGive a file name such as out.json (sub-folders are fine: samples/out.json).`);
  }
  if (RUNNER_FILES.includes(normal)) {
    throw new OutputError(`${where}: the runner writes ${normal} into each phase folder itself.\nChoose another file name.`);
  }
  return normal;
}

/**
 * Rewrites the outputs for one phase: each file name becomes `${dir}/${name}`. Throws OutputError on a bad
 * name or when two outputs would write the same file.
 */
export function placeOutputs(outputs: string[], { dir, source = '--out', csvDefault = 'file.csv', mkdir = false }: PlaceOptions): string[] {
  const seen = new Map<string, string>();
  return outputs.map((output) => {
    const slots = fileSlots(output, csvDefault);
    if (!slots) return output;
    const placed = slots.names.map((name) => {
      const rel = relativeName(name, output, source);
      if (seen.has(rel)) {
        throw new OutputError(`outputs '${seen.get(rel)}' and '${output}' (${source}) would both write ${rel}.\nGive each output its own file name.`);
      }
      seen.set(rel, output);
      const path = `${dir.replace(/\/+$/, '')}/${rel}`;
      if (mkdir) mkdirSync(posix.dirname(path), { recursive: true });
      return path;
    });
    return slots.rebuild(placed);
  });
}

function main(argv: string[]): number {
  const [command, ...args] = argv;
  const { values: opts, positionals: rest } = parseArgs({
    args,
    options: { source: { type: 'string' }, 'csv-default': { type: 'string' }, dir: { type: 'string' }, mkdir: { type: 'boolean' } },
    allowPositionals: true,
  });
  try {
    if (command === 'split') {
      for (const output of splitK6Out(rest[0] ?? '')) process.stdout.write(`${output}\0`);
      return 0;
    }
    if (command === 'check') {
      placeOutputs(rest, { dir: '<phase>', source: opts.source ?? '--out', csvDefault: opts['csv-default'] || undefined });
      return 0;
    }
    if (command === 'place' && opts.dir !== undefined) {
      const placed = placeOutputs(rest, { dir: opts.dir, source: opts.source ?? '--out', csvDefault: opts['csv-default'] || undefined, mkdir: opts.mkdir });
      for (const output of placed) {
        process.stdout.write(`${output}\0`);
      }
      return 0;
    }
  } catch (error) {
    if (error instanceof OutputError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  process.stderr.write('usage: outputs.mjs check|place|split ...\n');
  return 2;
}

// Run as a command, not when imported.
if (isMainModule(import.meta.url)) process.exitCode = main(process.argv.slice(2));
