import { assert } from '@gregor/common';
import { MetadataImage } from './image';
import { diffImages } from './image-diff';
import type { AppliedEvent } from './quorum-controller';
import { afterEntry, applyEntry } from './apply-entry';

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
 * Applies fetched committed metadata past the image's offset, telling
 * `emit` about each step: a newer snapshot replaces the image (its changes
 * are the difference), then each entry beyond the image is applied in
 * order; what the image already holds is skipped, so the same entries may
 * arrive by two paths. A large entry (a topic of thousands of partitions)
 * is sliced as a voter slices it (applyEntry, afterEntry): decoded in one
 * event-loop turn, applied in the next, and a turn left to the listeners'
 * work before the next entry — a broker-only node applied a fetched
 * 10,000-partition entry in one task before. Since other work (the other
 * path) may apply entries between those turns, the image is read through
 * `image` after each one. Returns how many steps applied something new (a
 * snapshot counts as one).
 */
export async function applyFetchedMetadata(
  image: () => MetadataImage,
  replaceImage: (next: MetadataImage) => void,
  fetched: FetchedMetadata,
  emit: (e: AppliedEvent) => void,
): Promise<number> {
  let applied = 0;
  if (fetched.snapshot !== undefined && fetched.snapshot.offset > image().offset) {
    const before = image();
    const next = MetadataImage.fromSnapshot(fetched.snapshot.data);
    replaceImage(next);
    emit({ offset: next.offset, changes: diffImages(before, next) });
    applied++;
  }
  for (const e of fetched.entries) {
    const current = image();
    if (e.offset <= current.offset) continue;
    // A gap would skip committed records: the image would be wrong from then on.
    assert(e.offset === current.offset + 1, `fetched metadata entry ${e.offset} does not follow the image's offset ${current.offset}`);
    if (e.data.length === 0) {
      current.advanceTo(e.offset);
      emit({ offset: e.offset, changes: [] });
    } else {
      const changes = await applyEntry(image, e.data, e.offset);
      if (changes === undefined) continue; // the other path applied it meanwhile
      emit({ offset: e.offset, changes });
      await afterEntry(e.data);
    }
    applied++;
  }
  return applied;
}
