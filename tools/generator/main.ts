// Watches the load generator while a phase runs (scripts/lib/workloads.sh starts it beside k6):
//   sample --pid PID --out FILE [--summary SUMMARY --phase PHASE]
//                                 reads k6's CPU time and memory (/proc/PID) and the machine's load once a
//                                 second, into windows (verdict.ts); writes FILE (JSON) every 30 s and when
//                                 k6 ends or on SIGTERM. Without /proc (not Linux) it writes why not. With
//                                 --summary, it then does what merge does (one Node start per phase, not two),
//                                 its line going into generator-verdict.txt beside FILE.
//   merge --samples FILE --summary SUMMARY --phase PHASE
//                                 judges the phase (verdict.ts) with summary.json's dropped_iterations and
//                                 iterations_late, writes it into SUMMARY as `generator`, prints one line.
// Exit codes: 0 done; 2 bad arguments; merge: 3 when SUMMARY does not exist (k6 wrote none: the line is still printed).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { writeWhole } from '../../scripts/lib/node/write-whole.ts';
import { allowedCpus, cgroupCores, coresOf, cpuTicks, load1, rssMb } from './proc.ts';
import { generatorLine, judgeGenerator, WindowedCpu, type GeneratorSamples } from './verdict.ts';
import { withField } from './summary-field.ts';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** The cgroup v2 CPU limit of a process, in cores (undefined: none, or not cgroup v2). */
function cgroupLimit(pid: number): number | undefined {
  const line = read(`/proc/${pid}/cgroup`)?.split('\n').find((l) => l.startsWith('0::'));
  if (!line) return undefined;
  const cpuMax = read(`/sys/fs/cgroup${line.slice(3).trim()}/cpu.max`);
  return cpuMax === undefined ? undefined : cgroupCores(cpuMax);
}

/** After sampling: the verdict into the summary, its line into generator-verdict.txt beside the samples. */
function judgeAfter(out: string, then: { summary?: string; phase?: string }): number {
  if (!then.summary || !then.phase) return 0;
  const { code, line } = merge(out, then.summary, then.phase);
  writeWhole(join(dirname(out), 'generator-verdict.txt'), `${line}\n`);
  return code === 3 ? 0 : code;
}

async function sample(pid: number, out: string, then: { summary?: string; phase?: string }): Promise<number> {
  if (!existsSync(`/proc/${pid}/stat`)) {
    const why = existsSync('/proc/self/stat') ? `process ${pid} had already ended` : 'no /proc file system (not Linux)';
    writeWhole(out, JSON.stringify({ cores: availableParallelism(), clockTicks: 0, windows: [], seconds: 0, unavailable: why } satisfies GeneratorSamples));
    return judgeAfter(out, then);
  }
  const status = read(`/proc/${pid}/status`) ?? '';
  const cpu = new WindowedCpu(coresOf(allowedCpus(status), cgroupLimit(pid), availableParallelism()), clockTicks());
  let stopping = false;
  const save = () => writeWhole(out, `${JSON.stringify(cpu.result())}\n`);
  process.on('SIGTERM', () => (stopping = true));
  process.on('SIGINT', () => (stopping = true));
  let lastSave = performance.now();
  while (!stopping) {
    const stat = read(`/proc/${pid}/stat`);
    const ticks = stat === undefined ? undefined : cpuTicks(stat);
    if (ticks === undefined) break; // k6 has ended
    cpu.add({ t: performance.now() / 1000, ticks, rssMb: rssMb(read(`/proc/${pid}/status`) ?? ''), load1: load1(read('/proc/loadavg') ?? '') });
    if (performance.now() - lastSave > 30_000) {
      save();
      lastSave = performance.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  save();
  return judgeAfter(out, then);
}

function merge(samplesPath: string, summaryPath: string, phase: string): { code: number; line: string } {
  let samples: GeneratorSamples | undefined;
  try {
    samples = JSON.parse(readFileSync(samplesPath, 'utf8')) as GeneratorSamples;
  } catch {
    samples = undefined;
  }
  const text = read(summaryPath);
  let summary: { metrics?: Record<string, { values?: Record<string, number> }>; [key: string]: unknown } | undefined;
  try {
    summary = text === undefined ? undefined : (JSON.parse(text) as typeof summary);
  } catch {
    summary = undefined;
  }
  const count = (name: string) => summary?.metrics?.[name]?.values?.count ?? 0;
  const verdict = judgeGenerator(samples, {
    droppedIterations: count('dropped_iterations'),
    lateIterations: count('iterations_late'),
    vusSetting: `VUS_${phase.toUpperCase().replace(/-/g, '_')}_PHASE`,
    vus: summary?.metrics?.vus_max?.values?.max,
  });
  const line = generatorLine(verdict);
  if (!summary || text === undefined) return { code: 3, line };
  writeWhole(summaryPath, withField(text, 'generator', verdict));
  return { code: 0, line };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { pid: { type: 'string' }, out: { type: 'string' }, samples: { type: 'string' }, summary: { type: 'string' }, phase: { type: 'string' } }, strict: true });
  if (command === 'sample' && values.pid && /^\d+$/.test(values.pid) && values.out) return sample(Number(values.pid), values.out, { summary: values.summary, phase: values.phase });
  if (command === 'merge' && values.samples && values.summary && values.phase) {
    const { code, line } = merge(values.samples, values.summary, values.phase);
    process.stdout.write(`${line}\n`);
    return code;
  }
  process.stderr.write('usage: node --import tsx tools/generator/main.ts sample --pid PID --out FILE [--summary SUMMARY --phase PHASE] | merge --samples FILE --summary SUMMARY --phase PHASE\n');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`generator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
