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
import { pathToFileURL } from 'node:url';

/** Files the runner itself writes into a phase folder: an output must not take their names. */
export const RUNNER_FILES = ['summary.json', 'timeseries.ndjson', 'dashboard.html', 'generator-samples.json', 'generator-verdict.txt'];

export class OutputError extends Error {}

/** Outputs of a K6_OUT value: k6 splits the variable on commas (envconfig), empty entries dropped. */
export function splitK6Out(value) {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

function typeAndArg(output) {
  const eq = output.indexOf('=');
  return eq < 0 ? { type: output, arg: undefined } : { type: output.slice(0, eq), arg: output.slice(eq + 1) };
}

/**
 * The file names an output writes, as the user gave them, with a function that rebuilds the output from
 * replacement names; undefined for outputs that write no file (stdout, a URL, an extension).
 */
function fileSlots(output, csvDefault) {
  const { type, arg } = typeAndArg(output);
  if (type === 'json') {
    if (arg === undefined || arg === '' || arg === '-') return undefined;
    return { names: [arg], rebuild: ([name]) => `json=${name}` };
  }
  if (type === 'csv') {
    if (arg === undefined || arg === '') return { names: [csvDefault], rebuild: ([name]) => `csv=${name}` };
    if (!arg.includes('=')) return { names: [arg], rebuild: ([name]) => `csv=${name}` };
    const pairs = arg.split(',').map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? [pair, undefined] : [pair.slice(0, eq), pair.slice(eq + 1)];
    });
    const at = pairs.findIndex(([key]) => key === 'fileName');
    const name = at >= 0 ? pairs[at][1] ?? '' : csvDefault;
    return {
      names: [name],
      rebuild: ([placed]) => {
        const out = pairs.map(([k, v]) => (k === 'fileName' ? ['fileName', placed] : [k, v]));
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
      rebuild: ([placed]) => {
        params.set('export', placed);
        // k6 reads this with url.ParseQuery: keep '/' readable, it needs no escaping there.
        return `web-dashboard=${params.toString().replace(/%2F/gi, '/')}`;
      },
    };
  }
  return undefined;
}

/** The path inside the phase folder for a file name; throws OutputError for names that would leave it. */
export function relativeName(name, output, source) {
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
export function placeOutputs(outputs, { dir, source = '--out', csvDefault = 'file.csv', mkdir = false }) {
  const seen = new Map();
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

function options(args) {
  const out = { rest: [] };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--') {
      out.rest = args.slice(i + 1);
      break;
    }
    if (args[i] === '--mkdir') out.mkdir = true;
    else out[args[i].replace(/^--/, '')] = args[++i];
  }
  return out;
}

function main(argv) {
  const [command, ...args] = argv;
  const opts = options(args);
  try {
    if (command === 'split') {
      for (const output of splitK6Out(args[0] ?? '')) process.stdout.write(`${output}\0`);
      return 0;
    }
    if (command === 'check') {
      placeOutputs(opts.rest, { dir: '<phase>', source: opts.source ?? '--out', csvDefault: opts['csv-default'] || undefined });
      return 0;
    }
    if (command === 'place') {
      const placed = placeOutputs(opts.rest, { dir: opts.dir, source: opts.source ?? '--out', csvDefault: opts['csv-default'] || undefined, mkdir: opts.mkdir });
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
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
