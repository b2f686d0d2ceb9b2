/**
 * Kafka Connect's group protocol bytes (ConnectProtocol v0,
 * IncrementalCooperativeConnectProtocol v1): the exact layout, round trips,
 * the complete-set ↔ incremental conversion, and malformed input.
 */
import fc from 'fast-check';
import { isGregorError } from '@gregor/common';
import type { OwnedUnits } from '../src/runtime/connect-assignment';
import { decodeAssignment, decodeMetadata, encodeAssignment, encodeMetadata, fromWire, toWire } from '../src/runtime/connect-protocol';

const str = (s: string): Buffer => Buffer.concat([Buffer.from([0, s.length]), Buffer.from(s)]);
const i16 = (n: number): Buffer => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const i32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const i64 = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};
const sorted = (u: OwnedUnits): string[] => [...u.connectors.map((c) => `${c}/c`), ...u.tasks.map((t) => `${t.connector}/${t.task}`)].sort();

describe("Kafka Connect's group protocol", () => {
  test('v0 metadata and assignment: Kafka’s layout, the connector itself as task -1', () => {
    expect(encodeMetadata(0, { url: 'http://a:8083', configOffset: 7n, owned: { connectors: ['x'], tasks: [] } })).toEqual(Buffer.concat([i16(0), str('http://a:8083'), i64(7n)]));
    const bytes = encodeAssignment({ version: 0, error: 0, leader: 'm-1', leaderUrl: 'http://a', configOffset: 9n, assigned: { connectors: ['x'], tasks: [{ connector: 'x', task: 0 }] }, revoked: { connectors: [], tasks: [] }, delay: 0 });
    expect(bytes).toEqual(Buffer.concat([i16(0), i16(0), str('m-1'), str('http://a'), i64(9n), i32(1), str('x'), i32(2), i32(-1), i32(0)]));
    expect(decodeAssignment(bytes)).toMatchObject({ version: 0, leader: 'm-1', configOffset: 9n, assigned: { connectors: ['x'], tasks: [{ connector: 'x', task: 0 }] } });
  });

  test('v1 metadata carries the current assignment as nested v1 bytes (null when empty); v1 assignment adds revoked and delay', () => {
    const empty = encodeMetadata(1, { url: 'u', configOffset: 1n, owned: { connectors: [], tasks: [] } });
    expect(empty).toEqual(Buffer.concat([i16(1), str('u'), i64(1n), i32(-1)]));
    const owned = { connectors: ['c'], tasks: [{ connector: 'c', task: 2 }] };
    expect(decodeMetadata(encodeMetadata(1, { url: 'u', configOffset: 5n, owned }))).toEqual({ version: 1, url: 'u', configOffset: 5n, owned });
    const a = encodeAssignment({ version: 1, error: 0, leader: 'l', leaderUrl: 'lu', configOffset: 3n, assigned: { connectors: [], tasks: [{ connector: 'c', task: 1 }] }, revoked: { connectors: ['d'], tasks: [] }, delay: 2500 });
    expect(a).toEqual(Buffer.concat([i16(1), i16(0), str('l'), str('lu'), i64(3n), i32(1), str('c'), i32(1), i32(1), i32(1), str('d'), i32(1), i32(-1), i32(2500)]));
    expect(decodeAssignment(a)).toMatchObject({ revoked: { connectors: ['d'], tasks: [] }, delay: 2500 });
    // A newer version (v2 `sessioned` has v1's layout) is read as v1; a v0 metadata has no allocation.
    expect(decodeAssignment(Buffer.concat([i16(2), a.subarray(2)])).delay).toBe(2500);
    expect(decodeMetadata(Buffer.concat([i16(0), str('u'), i64(1n)])).owned).toEqual({ connectors: [], tasks: [] });
  });

  test('malformed bytes are INCONSISTENT_GROUP_PROTOCOL naming what was read', () => {
    for (const bad of [Buffer.alloc(0), Buffer.from('{"url":"x"}'), Buffer.concat([i16(0), str('u')]), Buffer.concat([i16(-3)])]) {
      for (const decode of [decodeMetadata, decodeAssignment]) {
        let err: unknown;
        try {
          decode(bad);
        } catch (e) {
          err = e;
        }
        expect(isGregorError(err) && err.errorName === 'INCONSISTENT_GROUP_PROTOCOL').toBe(true);
        expect((err as Error).message).toMatch(/connect protocol (metadata|assignment)/);
      }
    }
  });

  test('complete sets → wire → complete sets: v1 sends only what changed; rejoin when something was revoked (property)', () => {
    const units = fc.record({
      connectors: fc.uniqueArray(fc.constantFrom('a', 'b', 'c')),
      tasks: fc.uniqueArray(fc.record({ connector: fc.constantFrom('a', 'b'), task: fc.integer({ min: 0, max: 3 }) }), { selector: (t) => `${t.connector}/${t.task}` }),
    });
    fc.assert(
      fc.property(units, units, fc.constantFrom(0 as const, 1 as const), (owned, next, version) => {
        const full = { leader: 'l', leaderUrl: 'u', ...next, delay: 0 };
        const wire = decodeAssignment(encodeAssignment(toWire(version, full, owned, 4n)));
        const got = fromWire(wire, owned);
        expect(sorted(got)).toEqual(sorted(next));
        if (version === 1) {
          const ownedKeys = new Set(sorted(owned));
          expect(sorted(wire.assigned).every((k) => !ownedKeys.has(k))).toBe(true); // only new units travel
          expect(got.rejoin).toBe(sorted(owned).some((k) => !sorted(next).includes(k)));
        }
      }),
    );
  });
});
