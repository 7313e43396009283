/** An IPv4 CIDR block: the network address as a 32-bit number and the prefix length. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
}

/** Parses "a.b.c.d/p"; undefined when malformed or when host bits are set (10.0.0.1/16). */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  return base % size === 0 ? { base, prefix } : undefined;
}

export function formatCidr(c: Cidr): string {
  const o = [24, 16, 8, 0].map((shift) => Math.floor(c.base / 2 ** shift) % 256);
  return `${o.join(".")}/${c.prefix}`;
}

/** The index-th block of a given prefix inside a parent block. */
export function subnet(parent: Cidr, prefix: number, index: number): Cidr {
  const size = 2 ** (32 - prefix);
  if (prefix < parent.prefix || (index + 1) * size > 2 ** (32 - parent.prefix)) {
    throw new Error(`no /${prefix} block #${index} inside ${formatCidr(parent)}`);
  }
  return { base: parent.base + index * size, prefix };
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  const size = 2 ** (32 - outer.prefix);
  return inner.prefix >= outer.prefix && inner.base >= outer.base && inner.base < outer.base + size;
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8"].map((c) => parseCidr(c)!);

/** Inside RFC 1918, shared (CGNAT) or loopback space: never a public source address. */
export function isPrivate(c: Cidr): boolean {
  return PRIVATE_RANGES.some((r) => contains(r, c));
}
