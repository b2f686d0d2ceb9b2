import { applyFetchedMetadata, type FetchedMetadata } from '../src/fetched-metadata';
import { MetadataImage } from '../src/image';
import { LARGE_ENTRY_BYTES } from '../src/apply-entry';
import type { MetadataRecord } from '../src/records';
import { encodeRecordBatch, decodeRecordBatch } from '../src/records';
import type { AppliedEvent } from '../src/quorum-controller';

/** One entry registering `n` brokers, with incarnation ids long enough to pass LARGE_ENTRY_BYTES. */
function largeEntry(n: number): Uint8Array {
  const records: MetadataRecord[] = Array.from({ length: n }, (_, i) => ({
    type: 'register-broker',
    brokerId: i + 1,
    incarnationId: `incarnation-${i}-${'x'.repeat(200)}`,
    listeners: [],
    rack: null,
  }));
  const data = encodeRecordBatch({ origin: null, records });
  expect(data.byteLength).toBeGreaterThanOrEqual(LARGE_ENTRY_BYTES);
  return data;
}

describe('applyFetchedMetadata', () => {
  it('applies a large fetched entry in a later event-loop turn than the one that received it, as a voter does', async () => {
    let image = new MetadataImage();
    const events: AppliedEvent[] = [];
    const fetched: FetchedMetadata = { snapshot: undefined, entries: [{ offset: 1, data: largeEntry(400) }], commitIndex: 1 };
    const applying = applyFetchedMetadata(() => image, (next) => (image = next), fetched, (e) => events.push(e));
    // Still the same task: decoded, not applied yet.
    expect(image.offset).toBe(0);
    expect(events).toEqual([]);
    expect(await applying).toBe(1);
    expect(image.offset).toBe(1);
    expect(image.brokers()).toHaveLength(400);
    expect(events.map((e) => e.offset)).toEqual([1]);
  });

  it('skips an entry the other path applied while it waited for its turn', async () => {
    let image = new MetadataImage();
    const data = largeEntry(300);
    const events: AppliedEvent[] = [];
    const applying = applyFetchedMetadata(() => image, (next) => (image = next), { snapshot: undefined, entries: [{ offset: 1, data }], commitIndex: 1 }, (e) => events.push(e));
    image.apply(decodeRecordBatch(data), 1); // e.g. Raft handed the same committed entry to the voter meanwhile
    expect(await applying).toBe(0);
    expect(events).toEqual([]);
    expect(image.offset).toBe(1);
  });
});
