import { isIP } from 'node:net';

/**
 * The address group a client's budget belongs to. An IPv4 address stands alone. An IPv6 host
 * usually holds a whole /64 (SLAAC, privacy addresses) and could rotate through 2^64 addresses to
 * dodge a per-address limit, so IPv6 addresses are grouped by their /64. IPv4-mapped IPv6
 * (`::ffff:a.b.c.d`, from dual-stack sockets) is the IPv4 address. Anything that is not an IP
 * address (a forged or garbled forwarding header) shares one group, so it cannot mint identities.
 */
export function addressGroup(ip: string): string {
  const bare = ip.trim().replace(/%.*$/, ''); // a zone id (fe80::1%eth0) names an interface, not a host
  const family = isIP(bare);
  if (family === 4) return bare;
  if (family !== 6) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(bare);
  if (mapped) return mapped[1];
  return `${ipv6Groups(bare).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function ipv6Groups(ip: string): string[] {
  let text = ip.toLowerCase();
  // An embedded IPv4 tail (64:ff9b::192.0.2.1) stands for the last two groups.
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::'); // isIP allows at most one '::'
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups].map((g) =>
    parseInt(g, 16).toString(16),
  );
}
