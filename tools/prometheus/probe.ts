// Pre-flight of --prometheus URL: does a remote-write receiver answer there? One POST of an empty body, as
// a remote-write sender would send (protobuf, snappy). A receiver answers it 400 (an empty batch is not a
// valid write request) or 2xx; Prometheus without --web.enable-remote-write-receiver answers 404; anything
// unreachable would lose every sample of the run without a word from k6 beyond an error line per push.
//   node --import tsx tools/prometheus/probe.ts URL  -> stdout: one line for the check; exit 0 usable,
//   1 unreachable or failing, 2 not a remote-write receiver (404), 3 bad arguments.
import { httpRequest, networkReason } from '../../scripts/lib/node/http-client.ts';
import { maskUrl } from './links.ts';

export interface ProbeVerdict {
  ok: boolean;
  /** What the check line says. */
  text: string;
  /** How to fix it, when not ok. */
  hint?: string;
}

/** The verdict on the receiver's answer to an empty write request (HTTP status). */
export function judgeAnswer(url: string, status: number): ProbeVerdict {
  if (status === 404) {
    return {
      ok: false,
      text: `${url} answers 404: no remote-write receiver there`,
      hint: 'Prometheus receives remote writes only when started with --web.enable-remote-write-receiver; its path is /api/v1/write.',
    };
  }
  if (status === 401 || status === 403) {
    return {
      ok: false,
      text: `${url} refused the request (HTTP ${status})`,
      hint: 'Give k6 the receiver\'s credentials: K6_PROMETHEUS_RW_USERNAME and K6_PROMETHEUS_RW_PASSWORD, or K6_PROMETHEUS_RW_BEARER_TOKEN (these are passed to k6, never printed).',
    };
  }
  if (status >= 500) return { ok: false, text: `${url} fails (HTTP ${status})`, hint: 'Check the receiver\'s log.' };
  return { ok: true, text: `${url} receives remote writes (an empty write request answered HTTP ${status})` };
}

/** Probes the receiver; credentials from K6_PROMETHEUS_RW_* are sent as k6 would send them. */
export async function probe(url: string, timeoutMs = 10_000): Promise<ProbeVerdict> {
  const shown = maskUrl(url);
  const headers: Record<string, string> = {
    'content-type': 'application/x-protobuf',
    'content-encoding': 'snappy',
    'x-prometheus-remote-write-version': '0.1.0',
  };
  const { K6_PROMETHEUS_RW_USERNAME: user, K6_PROMETHEUS_RW_PASSWORD: password, K6_PROMETHEUS_RW_BEARER_TOKEN: bearer } = process.env;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  else if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
  try {
    const answer = await httpRequest(url, { method: 'POST', headers, body: '', timeoutMs });
    await answer.text();
    return judgeAnswer(shown, answer.status);
  } catch (error) {
    return { ok: false, text: `${shown} is unreachable: ${networkReason(error)}`, hint: 'Is Prometheus (or another remote-write receiver) running there, and reachable from this machine?' };
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1 || !/^https?:\/\/\S+$/.test(argv[0])) {
    process.stderr.write('usage: node --import tsx tools/prometheus/probe.ts <remote-write URL>\n');
    return 3;
  }
  const verdict = await probe(argv[0]);
  process.stdout.write(`${verdict.text}\n`);
  if (verdict.hint) process.stdout.write(`${verdict.hint}\n`);
  return verdict.ok ? 0 : verdict.text.includes('answers 404') ? 2 : 1;
}

if (process.argv[1] && /tools[\\/]prometheus[\\/]probe\.ts$/.test(process.argv[1])) process.exitCode = await main(process.argv.slice(2));
