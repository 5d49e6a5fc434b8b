/**
 * Which IP addresses outgoing requests may reach: public unicast only, never
 * loopback, private, link-local, carrier-grade NAT, multicast or otherwise
 * special ones, IPv4-mapped and NAT64 forms judged by the IPv4 they reach.
 * `safe_request.ts` applies it to the address it is about to connect to.
 */

/** Whether an IPv4 address (dotted quad) is not a public unicast address. */
export function isPrivateIPv4(ip: string): boolean {
  const parts = ip.split(".").map(Number);
  if (
    parts.length !== 4 ||
    parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)
  ) return true; // not an address we understand: refuse
  const [a, b] = parts;
  return a === 0 || // "this network", 0.0.0.0
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local (cloud metadata lives here)
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) || // IETF protocol assignments, 192.0.0.0/24
    (a === 198 && (b === 18 || b === 19)) || // benchmarking
    a >= 224; // multicast, reserved, broadcast
}

/** Whether an IPv6 address is not a public unicast address (IPv4-mapped ones are judged as IPv4). */
export function isPrivateIPv6(ip: string): boolean {
  const groups = expandIPv6(ip);
  if (groups === null) return true;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    // ::ffff:a.b.c.d reaches the IPv4 address a.b.c.d.
    const v4 = [
      groups[6] >> 8,
      groups[6] & 255,
      groups[7] >> 8,
      groups[7] & 255,
    ];
    return isPrivateIPv4(v4.join("."));
  }
  if (groups.slice(0, 6).every((g) => g === 0)) return true; // ::, ::1, IPv4-compatible
  const first = groups[0];
  return (first & 0xfe00) === 0xfc00 || // unique local fc00::/7
    (first & 0xffc0) === 0xfe80 || // link-local fe80::/10
    (first & 0xff00) === 0xff00 || // multicast
    (first === 0x64 && groups[1] === 0xff9b) || // NAT64 64:ff9b::/96 reaches IPv4
    first === 0x2002 || // 6to4 embeds an IPv4 address
    (first === 0x2001 && groups[1] === 0xdb8); // documentation
}

/** Whether `ip` (either family) is not a public unicast address. */
export function isPrivateAddress(ip: string): boolean {
  return ip.includes(":") ? isPrivateIPv6(ip) : isPrivateIPv4(ip);
}

// The eight 16-bit groups of an IPv6 address (with a dotted tail), or null.
function expandIPv6(ip: string): number[] | null {
  let text = ip.replace(/^\[|\]$/g, "").split("%")[0].toLowerCase();
  const dotted = text.match(/^(.*:)(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = dotted[2].split(".").map(Number);
    if (v4.some((p) => p > 255)) return null;
    text = dotted[1] +
      ((v4[0] << 8) | v4[1]).toString(16) + ":" +
      ((v4[2] << 8) | v4[3]).toString(16);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const parse = (s: string) => s === "" ? [] : s.split(":");
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [
    ...head,
    ...Array(halves.length === 2 ? missing : 0).fill("0"),
    ...tail,
  ];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}
