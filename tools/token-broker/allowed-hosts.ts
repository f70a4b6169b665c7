// Which hosts may talk to the token broker. Bound to loopback (the default) only this machine can; bound to
// a network address so that k6 instances on other hosts can reach it (docs/scale-out.md), the broker
// answers the addresses listed in BROKER_ALLOWED_HOSTS, loopback and this machine itself (server.ts), and
// refuses everyone else with 403 before the key is even looked at. The per-run key (X-Broker-Key) is still required from every host.
import { BlockList, isIP } from 'node:net';

export interface AllowedHosts {
  /** True when a connection from this address (as node:net reports it) may be answered. */
  allows(address: string | undefined): boolean;
  /** The list as given, for messages. */
  readonly text: string;
}

/** Loopback is always allowed: the runner's own k6 instances and its health checks come from there. */
function withLoopback(list: BlockList): BlockList {
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  return list;
}

/**
 * Parses BROKER_ALLOWED_HOSTS: addresses and CIDR ranges separated by commas or spaces, IPv4 or IPv6
 * ('10.0.0.2, 10.0.1.0/24, fd00::/64'). Host names are refused: the broker sees addresses, and a name
 * resolved once could point elsewhere later. Throws an Error naming the bad entry.
 */
export function parseAllowedHosts(text: string): AllowedHosts {
  const list = withLoopback(new BlockList());
  for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    if (family === 0 || extra !== undefined || (prefix !== undefined && !/^\d+$/.test(prefix)) || Number(prefix ?? 0) > bits) {
      throw new Error(
        `BROKER_ALLOWED_HOSTS entry '${entry}' is not an IP address or CIDR range; list the other hosts' addresses, e.g. 10.0.0.12,10.0.1.0/24 (host names are not accepted)`,
      );
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return {
    text,
    allows(address: string | undefined): boolean {
      if (!address) return false;
      const family = isIP(address);
      return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}
