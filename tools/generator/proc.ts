// Reading a process's CPU time and memory and the machine's load from Linux's /proc, as plain text in,
// numbers out. Pure: the sampler (main.ts) reads the files, these functions parse them; unit-tested.
// Sources: proc(5): /proc/<pid>/stat (fields 14 utime and 15 stime, in clock ticks), /proc/<pid>/status
// (VmRSS in kB, Cpus_allowed_list), /proc/loadavg; cgroup v2 cpu.max ("max 100000" or "200000 100000").

/** CPU time of a process so far, in clock ticks (user + system), from /proc/<pid>/stat. */
export function cpuTicks(stat: string): number | undefined {
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses: the fields
  // after it start after the last ')'.
  const end = stat.lastIndexOf(')');
  if (end < 0) return undefined;
  const fields = stat.slice(end + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : undefined;
}

/** Resident memory in MB from /proc/<pid>/status (VmRSS, kB). */
export function rssMb(status: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) / 1024 : undefined;
}

/** How many CPUs a list such as '0-3,6,8-9' names. */
export function cpuListCount(list: string): number {
  let n = 0;
  for (const part of list.trim().split(',')) {
    if (part === '') continue;
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - a + 1;
  }
  return n;
}

/** The CPUs a process may run on (Cpus_allowed_list in /proc/<pid>/status). */
export function allowedCpus(status: string): number | undefined {
  const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(status);
  return m ? cpuListCount(m[1]) : undefined;
}

/** A cgroup v2 CPU limit in cores ('150000 100000' -> 1.5); undefined for 'max' (no limit). */
export function cgroupCores(cpuMax: string): number | undefined {
  const [quota, period] = cpuMax.trim().split(/\s+/);
  if (quota === 'max' || quota === undefined) return undefined;
  const q = Number(quota);
  const p = Number(period ?? '100000');
  return q > 0 && p > 0 ? q / p : undefined;
}

/** The 1-minute load average from /proc/loadavg. */
export function load1(loadavg: string): number | undefined {
  const v = Number(loadavg.trim().split(/\s+/)[0]);
  return Number.isFinite(v) ? v : undefined;
}

/** The cores a process has: the CPUs it may run on, capped by its cgroup's CPU limit. */
export function coresOf(allowed: number | undefined, cgroup: number | undefined, fallback: number): number {
  const candidates = [allowed, cgroup].filter((x): x is number => x !== undefined && x > 0);
  return candidates.length > 0 ? Math.min(...candidates) : fallback;
}
