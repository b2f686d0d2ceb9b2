import type { ClusterDescription } from '@gregor/client';

/**
 * `gregor cluster status` output: a human report (like kafka-metadata-quorum
 * describe --status / --replication, plus the brokers) and the --json shape.
 * Pure: tests call these directly.
 */

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const orUnknown = (v: bigint | number | null): string => (v === null ? '?' : String(v));

function lastContact(ms: number | null, isLeader: boolean): string {
  if (isLeader) return '-';
  return ms === null ? 'never' : `${ms} ms ago`;
}

export function formatClusterStatus(d: ClusterDescription): string[] {
  const where = d.metadataOffset === null ? `broker ${d.answeredBy}` : `broker ${d.answeredBy} at metadata offset ${d.metadataOffset}`;
  const out = [`Cluster ${d.clusterId} (as seen by ${where})`, ''];
  const q = d.quorum;
  if (q !== null) {
    out.push(`Quorum: active controller ${q.activeControllerId} (${q.activeControllerAddress}), term ${q.term}, high watermark ${q.commitIndex}, log end ${q.logEndOffset}`);
    out.push(
      ...table(
        ['VOTER', 'ADDRESS', 'ROLE', 'LOG END', 'LAG', 'LAST CONTACT'],
        q.voters.map((v) => [
          String(v.nodeId),
          v.address,
          v.isLeader ? 'leader' : 'follower',
          orUnknown(v.logEndOffset),
          orUnknown(v.lag),
          lastContact(v.lastContactMsAgo, v.isLeader),
        ]),
      ).map((l) => `  ${l}`),
    );
  } else if (d.quorumError !== null) {
    out.push(`Quorum: unavailable (${d.quorumError.message})`);
  } else {
    out.push('Quorum: none (single-node mode: metadata in a local file)');
  }
  out.push('', 'Brokers:');
  out.push(
    ...table(
      ['ID', 'ADDRESS', 'STATE', 'EPOCH', 'LEADS', 'FOLLOWS', 'OUT OF SYNC'],
      d.brokers.map((b) => [
        String(b.brokerId),
        b.address,
        b.fenced ? 'fenced' : 'unfenced',
        orUnknown(b.brokerEpoch),
        String(b.leaderPartitions),
        String(b.followerPartitions),
        String(b.outOfSyncPartitions),
      ]),
    ).map((l) => `  ${l}`),
  );
  return out;
}

/** --json: 64-bit values as decimal strings (toJson), unknown as null. */
export function clusterStatusJson(d: ClusterDescription): unknown {
  const e = d.quorumError;
  return {
    clusterId: d.clusterId,
    answeredBy: d.answeredBy,
    metadataOffset: d.metadataOffset,
    quorum:
      d.quorum === null
        ? null
        : {
            activeController: { id: d.quorum.activeControllerId, address: d.quorum.activeControllerAddress },
            term: d.quorum.term,
            highWatermark: d.quorum.commitIndex,
            logEndOffset: d.quorum.logEndOffset,
            voters: d.quorum.voters.map((v) => ({
              id: v.nodeId,
              address: v.address,
              role: v.isLeader ? 'leader' : 'follower',
              logEndOffset: v.logEndOffset,
              lag: v.lag,
              lastContactMsAgo: v.lastContactMsAgo,
            })),
          },
    quorumError: e === null ? null : { error: e.errorName, code: e.code, message: e.message, retriable: e.retriable },
    brokers: d.brokers.map((b) => ({
      id: b.brokerId,
      address: b.address,
      rack: b.rack,
      state: b.fenced ? 'fenced' : 'unfenced',
      brokerEpoch: b.brokerEpoch,
      leaderPartitions: b.leaderPartitions,
      followerPartitions: b.followerPartitions,
      outOfSyncPartitions: b.outOfSyncPartitions,
    })),
  };
}
