import { BlockList, isIP } from "node:net";

/**
 * Which hosts and addresses webhooks may reach: public addresses, plus what the allow-list
 * names. Everything a request from the server must not reach by default (loopback, private,
 * link-local incl. cloud metadata, CGNAT, documentation, benchmarking, multicast, reserved)
 * is refused unless allow-listed.
 */
export interface AddressPolicy {
  /** Whether `host` is on the allow-list: by name, or (an IP literal) by address or CIDR. */
  listed(host: string): boolean;
  /** Whether `host`, a name or an IP literal, may be used before it is resolved. */
  allowsHost(host: string): boolean;
  /** Whether a resolved address may be connected to. */
  allowsAddress(address: string): boolean;
}

/** [network, prefix] refused unless allow-listed. */
const REFUSED_V4: readonly [string, number][] = [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, incl. cloud metadata 169.254.169.254
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, incl. broadcast 255.255.255.255
];
const REFUSED_V6: readonly [string, number][] = [
  ["::", 128],
  ["::1", 128],
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed inside some networks)
  ["fc00::", 7], // unique local
  ["64:ff9b:1::", 48], // local-use NAT64: reaches whatever IPv4 its translator does
  ["ff00::", 8], // multicast
  ["2001:db8::", 32], // documentation
];

const refused = new BlockList();
for (const [net, prefix] of REFUSED_V4) refused.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of REFUSED_V6) refused.addSubnet(net, prefix, "ipv6");

/**
 * The policy for an allow-list whose entries are host names (exact, any case), IP addresses
 * or CIDRs (`10.0.0.0/8`, `fd00::/8`). Throws a `TypeError` on an entry that is none of these,
 * so that a typo does not silently allow nothing.
 */
export function createAddressPolicy(allow: readonly string[]): AddressPolicy {
  const names = new Set<string>();
  const addresses = new BlockList();
  for (const entry of allow) {
    const text = unbracket(entry.trim());
    const slash = text.indexOf("/");
    const ip = slash < 0 ? text : text.slice(0, slash);
    const family = isIP(ip);
    if (slash >= 0) {
      const prefix = text.slice(slash + 1);
      const max = family === 4 ? 32 : 128;
      if (!family || !/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
        throw new TypeError(`allow-list entry "${entry}" is not a valid CIDR`);
      }
      addresses.addSubnet(ip, Number(prefix), family === 4 ? "ipv4" : "ipv6");
    } else if (family) {
      addresses.addAddress(ip, family === 4 ? "ipv4" : "ipv6");
    } else if (/^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$/i.test(text)) {
      names.add(normalName(text));
    } else {
      throw new TypeError(`allow-list entry "${entry}" is not a host name, IP address or CIDR`);
    }
  }

  const listedAddress = (address: string): boolean => {
    const ip = unzoned(address);
    const family = isIP(ip);
    if (!family) return false;
    if (addresses.check(ip, family === 4 ? "ipv4" : "ipv6")) return true;
    const v4 = family === 6 ? embeddedIPv4(ip) : undefined;
    return v4 !== undefined && addresses.check(v4, "ipv4");
  };

  const allowsAddress = (address: string): boolean => {
    const ip = unzoned(address);
    const family = isIP(ip);
    if (!family) return false;
    if (listedAddress(ip)) return true;
    if (family === 4) return !refused.check(ip, "ipv4");
    // An address embedding an IPv4 one reaches (or is translated to) that address.
    const v4 = embeddedIPv4(ip);
    return v4 !== undefined ? !refused.check(v4, "ipv4") : !refused.check(ip, "ipv6");
  };

  return {
    listed: (host) => {
      const ip = unbracket(host);
      return isIP(unzoned(ip)) ? listedAddress(ip) : names.has(normalName(ip));
    },
    allowsHost: (host) => {
      const ip = unbracket(host);
      if (isIP(unzoned(ip))) return allowsAddress(ip);
      const name = normalName(ip);
      if (names.has(name)) return true;
      // RFC 6761: these names are loopback whatever DNS says.
      return name !== "localhost" && !name.endsWith(".localhost");
    },
    allowsAddress,
  };
}

/** The IPv4 address an IPv6 one embeds: mapped, compatible, NAT64 or 6to4. */
export function embeddedIPv4(address: string): string | undefined {
  const w = ipv6Words(address);
  if (!w) return undefined;
  const zero = (from: number, to: number) => w.slice(from, to).every((word) => word === 0);
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  if (zero(0, 5) && w[5] === 0xffff) return v4(w[6]!, w[7]!); // ::ffff:0:0/96
  // ::/96, but :: and ::1 are themselves (RFC 4291), judged as IPv6.
  if (zero(0, 6) && (w[6] !== 0 || w[7]! > 1)) return v4(w[6]!, w[7]!);
  if (w[0] === 0x64 && w[1] === 0xff9b && zero(2, 6)) return v4(w[6]!, w[7]!); // NAT64
  if (w[0] === 0x2002) return v4(w[1]!, w[2]!); // 6to4
  return undefined;
}

/** The eight 16-bit words of an IPv6 address, dotted IPv4 tail included. */
function ipv6Words(address: string): number[] | undefined {
  let text = unzoned(address);
  if (isIP(text) !== 6) return undefined;
  const colon = text.lastIndexOf(":");
  const tail = text.slice(colon + 1);
  if (tail.includes(".")) {
    const [a, b, c, d] = tail.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const words = (part: string) =>
    part ? part.split(":").map((hex) => Number.parseInt(hex, 16)) : [];
  const front = words(head);
  const back = rest === undefined ? [] : words(rest);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const unbracket = (host: string) =>
  host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
/** Without a zone (`fe80::1%eth0`), which neither policy nor BlockList needs. */
const unzoned = (address: string) => address.replace(/%.*$/, "");
/** Names compare in lower case, without a final dot (`localhost.` is `localhost`). */
const normalName = (name: string) => name.toLowerCase().replace(/\.$/, "");
