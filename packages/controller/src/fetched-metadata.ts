import { assert } from '@gregor/common';
import { MetadataImage } from './image';
import { diffImages } from './image-diff';
import type { AppliedEvent } from './quorum-controller';
import { decodeRecordBatch } from './records';

/**
 * One FetchMetadata answer: committed metadata from a voter's log (entries
 * committed there never change, so any voter's are everyone's).
 */
export interface FetchedMetadata {
  /** A snapshot to start from when the log the fetcher needs has been compacted away there; undefined otherwise. */
  readonly snapshot: { readonly offset: number; readonly data: Uint8Array } | undefined;
  /** Entries in offset order; an empty `data` is a no-op entry (it only moves the offset). */
  readonly entries: readonly { readonly offset: number; readonly data: Uint8Array }[];
  /** The voter's commit index when it answered. */
  readonly commitIndex: number;
}

/**
 * Applies fetched committed metadata past `image`'s offset, telling `emit`
 * about each step: a newer snapshot replaces the image (its changes are the
 * difference), then each entry beyond the image is applied in order; what
 * the image already holds is skipped, so the same entries may arrive by two
 * paths. Returns the image (a new one after a snapshot) and how many steps
 * applied something new (a snapshot counts as one).
 */
export function applyFetchedMetadata(image: MetadataImage, fetched: FetchedMetadata, emit: (e: AppliedEvent) => void): { image: MetadataImage; applied: number } {
  let current = image;
  let applied = 0;
  if (fetched.snapshot !== undefined && fetched.snapshot.offset > current.offset) {
    const before = current;
    current = MetadataImage.fromSnapshot(fetched.snapshot.data);
    emit({ offset: current.offset, changes: diffImages(before, current) });
    applied++;
  }
  for (const e of fetched.entries) {
    if (e.offset <= current.offset) continue;
    // A gap would skip committed records: the image would be wrong from then on.
    assert(e.offset === current.offset + 1, `fetched metadata entry ${e.offset} does not follow the image's offset ${current.offset}`);
    if (e.data.length === 0) {
      current.advanceTo(e.offset);
      emit({ offset: e.offset, changes: [] });
    } else {
      emit({ offset: e.offset, changes: current.apply(decodeRecordBatch(e.data), e.offset) });
    }
    applied++;
  }
  return { image: current, applied };
}
