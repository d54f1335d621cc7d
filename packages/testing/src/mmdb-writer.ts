import { writeFile } from 'node:fs/promises';

/**
 * A small writer of MaxMind DB files (`.mmdb`), for tests that need a real geolocation database: npm has
 * readers but no maintained JavaScript writer. It follows the public format specification
 * (https://maxmind.github.io/MaxMind-DB/, version 2.0):
 *
 *   [search tree][16 zero bytes][data section]["\xAB\xCD\xEFMaxMind.com"][metadata map]
 *
 * - The search tree is a binary trie over the bits of the address, one node per prefix bit, each node two
 *   records (bit 0, bit 1) of 24, 28 or 32 bits. A record below `node_count` points at a node, equal to
 *   `node_count` means "no data", above it points into the data section at `record - node_count - 16`.
 * - This writer always builds an IPv6 tree; IPv4 networks live at `::a.b.c.d/(96 + n)`, where readers look
 *   them up (they walk 96 zero bits from the root for IPv4 addresses).
 * - Data-section values start with a control byte: type in the top 3 bits (0 means "extended": the type is
 *   the next byte + 7), size in the low 5 bits (29, 30, 31 mean the size continues in 1, 2, 3 more bytes).
 *   Types used: 2 string, 3 double, 5 uint16, 6 uint32, 7 map, 8 int32, 9 uint64, 11 array, 14 boolean.
 *   Every distinct record is stored once; no pointers are needed.
 */

/** A value in the data section; numbers become uint32 (int32 when negative, double when fractional). */
export type MmdbValue = string | number | boolean | bigint | MmdbTypedNumber | readonly MmdbValue[] | { readonly [key: string]: MmdbValue };

/** A number with an explicit MaxMind type, where the default inference is not what a reader expects. */
export class MmdbTypedNumber {
  constructor(
    readonly type: 'uint16' | 'uint32' | 'uint64',
    readonly value: number | bigint,
  ) {}
}

export interface MmdbNetwork {
  /** CIDR: `203.0.113.0/24` or `2001:db8::/32`. More specific networks win over the ones containing them. */
  network: string;
  data: MmdbValue;
}

export interface MmdbOptions {
  /** E.g. `GeoLite2-City`, `GeoIP2-Country`. */
  databaseType: string;
  recordSize?: 24 | 28 | 32;
  languages?: string[];
  description?: string;
  buildEpoch?: Date;
}

const metadataMarker = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com', 'ascii')]);

type Child = TrieNode | DataLeaf | null;
interface TrieNode {
  kind: 'node';
  children: [Child, Child];
}
interface DataLeaf {
  kind: 'data';
  offset: number;
}

/** Build the bytes of a MaxMind DB holding `networks`. */
export function buildMmdb(networks: readonly MmdbNetwork[], options: MmdbOptions): Buffer {
  const recordSize = options.recordSize ?? 24;
  const data = new DataSectionWriter();
  const root: TrieNode = { kind: 'node', children: [null, null] };
  const parsed = networks.map((entry) => ({ ...parseNetwork(entry.network), data: entry.data }));
  // Less specific first, so a more specific network splits and overrides the one containing it.
  for (const network of parsed.sort((a, b) => a.prefixLength - b.prefixLength)) {
    insert(root, network.address, network.prefixLength, { kind: 'data', offset: data.add(network.data) });
  }

  const nodes: TrieNode[] = [];
  const index = new Map<TrieNode, number>();
  const queue: TrieNode[] = [root];
  while (queue.length > 0) {
    const node = queue.shift()!;
    index.set(node, nodes.length);
    nodes.push(node);
    for (const child of node.children) if (child?.kind === 'node') queue.push(child);
  }
  const nodeCount = nodes.length;
  const maximumRecord = 2 ** recordSize - 1;
  const recordOf = (child: Child): number => {
    const value = child === null ? nodeCount : child.kind === 'node' ? index.get(child)! : nodeCount + 16 + child.offset;
    if (value > maximumRecord) throw new Error(`The database is too large for ${recordSize}-bit records.`);
    return value;
  };

  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  nodes.forEach((node, position) => writeNode(tree, position * nodeBytes, recordSize, recordOf(node.children[0]), recordOf(node.children[1])));

  const metadata = new DataSectionWriter();
  metadata.add({
    node_count: new MmdbTypedNumber('uint32', nodeCount),
    record_size: new MmdbTypedNumber('uint16', recordSize),
    ip_version: new MmdbTypedNumber('uint16', 6),
    database_type: options.databaseType,
    languages: options.languages ?? ['en'],
    binary_format_major_version: new MmdbTypedNumber('uint16', 2),
    binary_format_minor_version: new MmdbTypedNumber('uint16', 0),
    build_epoch: new MmdbTypedNumber('uint64', BigInt(Math.floor((options.buildEpoch ?? new Date()).getTime() / 1000))),
    description: { en: options.description ?? `${options.databaseType} test database` },
  });
  return Buffer.concat([tree, Buffer.alloc(16), data.bytes(), metadataMarker, metadata.bytes()]);
}

/** Write a MaxMind DB file; see `buildMmdb`. */
export async function writeMmdb(path: string, networks: readonly MmdbNetwork[], options: MmdbOptions): Promise<void> {
  await writeFile(path, buildMmdb(networks, options));
}

function insert(root: TrieNode, address: bigint, prefixLength: number, leaf: DataLeaf): void {
  let node = root;
  for (let depth = 0; depth < prefixLength; depth += 1) {
    const bit = Number((address >> BigInt(127 - depth)) & 1n) as 0 | 1;
    if (depth === prefixLength - 1) {
      node.children[bit] = leaf;
      return;
    }
    const child = node.children[bit];
    if (child?.kind === 'node') {
      node = child;
      continue;
    }
    // Empty, or a less specific network's data: split it so both halves keep that data below this point.
    const split: TrieNode = { kind: 'node', children: [child, child] };
    node.children[bit] = split;
    node = split;
  }
}

function writeNode(buffer: Buffer, offset: number, recordSize: 24 | 28 | 32, left: number, right: number): void {
  if (recordSize === 24) {
    buffer.writeUIntBE(left, offset, 3);
    buffer.writeUIntBE(right, offset + 3, 3);
  } else if (recordSize === 28) {
    // The middle byte holds the top nibble of each record: left's high, right's low.
    buffer.writeUIntBE(left & 0xffffff, offset, 3);
    buffer[offset + 3] = ((left >>> 24) << 4) | (right >>> 24);
    buffer.writeUIntBE(right & 0xffffff, offset + 4, 3);
  } else {
    buffer.writeUInt32BE(left, offset);
    buffer.writeUInt32BE(right, offset + 4);
  }
}

/** `a.b.c.d/n` or an IPv6 CIDR → a 128-bit address and prefix length in the IPv6 tree. */
export function parseNetwork(cidr: string): { address: bigint; prefixLength: number } {
  const [host, lengthText] = cidr.split('/');
  if (!host || lengthText === undefined || !/^\d+$/.test(lengthText)) throw new Error(`Not a CIDR network: ${cidr}`);
  const isIpv4 = host.includes('.') && !host.includes(':');
  const prefixLength = Number(lengthText) + (isIpv4 ? 96 : 0);
  if (prefixLength < 1 || prefixLength > 128 || (isIpv4 && prefixLength < 97)) throw new Error(`Bad prefix length in ${cidr}`);
  const address = isIpv4 ? ipv4ToBigInt(host) : ipv6ToBigInt(host);
  const mask = ((1n << BigInt(prefixLength)) - 1n) << BigInt(128 - prefixLength);
  return { address: address & mask, prefixLength };
}

function ipv4ToBigInt(host: string): bigint {
  const parts = host.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)) throw new Error(`Not an IPv4 address: ${host}`);
  return parts.reduce((value, part) => (value << 8n) | BigInt(part), 0n);
}

function ipv6ToBigInt(host: string): bigint {
  const halves = host.split('::');
  if (halves.length > 2) throw new Error(`Not an IPv6 address: ${host}`);
  const groups = (text: string | undefined) => (text ? text.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) throw new Error(`Not an IPv6 address: ${host}`);
  const all = [...head, ...Array<string>(missing).fill('0'), ...tail];
  return all.reduce((value, group) => {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) throw new Error(`Not an IPv6 address: ${host}`);
    return (value << 16n) | BigInt(parseInt(group, 16));
  }, 0n);
}

/** Serialises values into a data section, storing each distinct top-level record once. */
class DataSectionWriter {
  readonly #chunks: Buffer[] = [];
  readonly #offsets = new Map<string, number>();
  #length = 0;

  /** The offset of `value` in the section, appending it when new. */
  add(value: MmdbValue): number {
    const key = JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? `${item}n` : item instanceof MmdbTypedNumber ? `${item.type}:${item.value}` : item));
    const known = this.#offsets.get(key);
    if (known !== undefined) return known;
    const encoded = encode(value);
    const offset = this.#length;
    this.#chunks.push(encoded);
    this.#length += encoded.length;
    this.#offsets.set(key, offset);
    return offset;
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

const types = { string: 2, double: 3, uint16: 5, uint32: 6, map: 7, int32: 8, uint64: 9, array: 11, boolean: 14 } as const;

function controlBytes(type: number, size: number): Buffer {
  const sizeBytes: number[] = [];
  let sizeBits: number;
  if (size < 29) sizeBits = size;
  else if (size < 29 + 256) {
    sizeBits = 29;
    sizeBytes.push(size - 29);
  } else if (size < 285 + 65_536) {
    sizeBits = 30;
    sizeBytes.push((size - 285) >> 8, (size - 285) & 0xff);
  } else if (size < 65_821 + 16_777_216) {
    sizeBits = 31;
    const rest = size - 65_821;
    sizeBytes.push((rest >> 16) & 0xff, (rest >> 8) & 0xff, rest & 0xff);
  } else throw new Error(`A value of ${size} is too large for a MaxMind DB.`);
  const first = ((type <= 7 ? type : 0) << 5) | sizeBits;
  return Buffer.from([first, ...(type > 7 ? [type - 7] : []), ...sizeBytes]);
}

/** Big-endian bytes of an unsigned integer without leading zeros (zero has no bytes at all). */
function unsignedBytes(value: bigint): Buffer {
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Buffer.from(bytes);
}

function encodeUnsigned(type: number, value: bigint, maximumBytes: number): Buffer {
  if (value < 0n) throw new Error(`Negative value for an unsigned type: ${value}`);
  const bytes = unsignedBytes(value);
  if (bytes.length > maximumBytes) throw new Error(`${value} does not fit in ${maximumBytes} bytes.`);
  return Buffer.concat([controlBytes(type, bytes.length), bytes]);
}

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([controlBytes(types.string, bytes.length), bytes]);
  }
  if (typeof value === 'boolean') return controlBytes(types.boolean, value ? 1 : 0);
  if (typeof value === 'bigint') return encodeUnsigned(types.uint64, value, 8);
  if (value instanceof MmdbTypedNumber) {
    const size = { uint16: 2, uint32: 4, uint64: 8 }[value.type];
    return encodeUnsigned(types[value.type], BigInt(value.value), size);
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleBE(value);
      return Buffer.concat([controlBytes(types.double, 8), bytes]);
    }
    if (value < 0) {
      const bytes = Buffer.alloc(4);
      bytes.writeInt32BE(value);
      return Buffer.concat([controlBytes(types.int32, 4), bytes]);
    }
    return encodeUnsigned(value <= 0xffffffff ? types.uint32 : types.uint64, BigInt(value), 8);
  }
  if (Array.isArray(value)) return Buffer.concat([controlBytes(types.array, value.length), ...value.map(encode)]);
  const entries = Object.entries(value as { readonly [key: string]: MmdbValue });
  return Buffer.concat([controlBytes(types.map, entries.length), ...entries.flatMap(([key, item]) => [encode(key), encode(item)])]);
}

/** A GeoIP2/GeoLite2 City-shaped record: country and ISO 3166-2 subdivision codes (without the country prefix). */
export function geoIpCityRecord(country: string, subdivisions: readonly string[] = []): MmdbValue {
  return {
    country: { iso_code: country, geoname_id: 1000 + country.charCodeAt(0) * 100 + country.charCodeAt(1), names: { en: `Country ${country}` } },
    registered_country: { iso_code: country, names: { en: `Country ${country}` } },
    ...(subdivisions.length > 0 ? { subdivisions: subdivisions.map((code) => ({ iso_code: code, names: { en: `Region ${country}-${code}` } })) } : {}),
  };
}
