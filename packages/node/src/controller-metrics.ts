import { Counter, Gauge, type Registry } from 'prom-client';
import type { AppliedEvent, MetadataChange, MetadataImage, QuorumController } from '@gregor/controller';

/** What one applied metadata batch adds to the election counters. */
export interface ElectionCounts {
  elections: number;
  /** Leaders taken from outside the ISR (unclean.leader.election.enable). */
  unclean: number;
}

/**
 * Partition leader elections in a batch of applied changes: a partition
 * that gets a leader it did not have (a new one, or one after being
 * offline). Initial leaders of new topics are placement, not elections.
 */
export function countElections(changes: readonly MetadataChange[]): ElectionCounts {
  let elections = 0;
  let unclean = 0;
  for (const c of changes) {
    if (c.kind !== 'partition-changed') continue;
    if (c.after.leader === -1 || c.after.leader === c.before.leader) continue;
    elections++;
    if (!c.before.isr.includes(c.after.leader)) unclean++;
  }
  return { elections, unclean };
}

/** Cluster-wide counts from a metadata image (every voter holds the same one). */
export function imageCounts(image: MetadataImage): { fenced: number; active: number; topics: number; partitions: number; offline: number } {
  let fenced = 0;
  let active = 0;
  for (const b of image.brokers()) {
    if (b.fenced) fenced++;
    else active++;
  }
  let partitions = 0;
  let offline = 0;
  const topics = image.topics();
  for (const t of topics) {
    for (const p of t.partitions) {
      partitions++;
      if (p.leader === -1) offline++;
    }
  }
  return { fenced, active, topics: topics.length, partitions, offline };
}

/**
 * imageCounts, walked again only once the image has applied an entry since
 * the last walk (images are changed in place; the offset moves with every
 * entry). Five gauges read it per scrape: with 10,000 partitions each walk
 * is ~10,000 steps, and an idle cluster's image does not change between
 * scrapes. One entry kept.
 */
export function imageCountsByOffset(): (image: MetadataImage) => ReturnType<typeof imageCounts> {
  let last: { image: MetadataImage; offset: number; counts: ReturnType<typeof imageCounts> } | undefined;
  return (image) => {
    if (last === undefined || last.image !== image || last.offset !== image.offset) last = { image, offset: image.offset, counts: imageCounts(image) };
    return last.counts;
  };
}

/**
 * Metrics of one Raft voter, read on scrape from the controller's Raft
 * status and metadata image, plus election counters fed by applied
 * batches. Counters move only on the active controller (it is the one that
 * decided those elections), so a sum over the cluster counts each once.
 * Image gauges are reported by every voter (they agree): use max().
 */
export function registerControllerMetrics(registry: Registry, qc: QuorumController): void {
  const registers = [registry];
  const elections = new Counter({
    name: 'gregor_controller_leader_elections_total',
    help: 'Partition leader elections committed while this node was the active controller',
    registers,
  });
  const unclean = new Counter({
    name: 'gregor_controller_unclean_leader_elections_total',
    help: 'Leader elections of an out-of-sync replica (unclean.leader.election.enable)',
    registers,
  });
  qc.subscribe((e: AppliedEvent) => {
    if (!qc.isActive() || e.changes.length === 0) return;
    const n = countElections(e.changes);
    if (n.elections > 0) elections.inc(n.elections);
    if (n.unclean > 0) unclean.inc(n.unclean);
  });

  const gauge = (name: string, help: string, value: () => number | undefined): void => {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const v = value();
        if (v === undefined) this.reset();
        else this.set(v);
      },
    });
  };
  const counts = imageCountsByOffset();
  gauge('gregor_controller_active', '1 on the active controller (the Raft leader whose term has started), else 0', () => (qc.isActive() ? 1 : 0));
  gauge('gregor_raft_current_term', 'Raft term (KRaft: epoch) this voter is in', () => qc.raftStatus()?.term);
  gauge('gregor_raft_current_leader', 'Node id of the Raft leader as this voter knows it (-1 unknown)', () => qc.leaderId());
  gauge('gregor_raft_commit_index', 'Highest metadata log index known committed', () => qc.raftStatus()?.commit);
  gauge('gregor_raft_log_end_index', 'Last index in this voter\'s metadata log', () => qc.raftStatus()?.lastIndex);
  gauge('gregor_raft_applied_index', 'Metadata log index this voter\'s image reflects', () => qc.image.offset);
  gauge('gregor_controller_fenced_brokers', 'Registered brokers that are fenced', () => counts(qc.image).fenced);
  gauge('gregor_controller_active_brokers', 'Registered brokers that are unfenced', () => counts(qc.image).active);
  gauge('gregor_controller_topics', 'Topics in the metadata image', () => counts(qc.image).topics);
  gauge('gregor_controller_partitions', 'Partitions in the metadata image', () => counts(qc.image).partitions);
  gauge('gregor_controller_offline_partitions', 'Partitions without a leader', () => counts(qc.image).offline);

  new Gauge({
    name: 'gregor_raft_follower_lag_entries',
    help: 'On the Raft leader: entries each other voter is behind the leader\'s log end',
    labelNames: ['voter'],
    registers,
    collect() {
      // Only the leader tracks followers; series vanish when it stops leading.
      this.reset();
      const status = qc.raftStatus();
      if (status === undefined || status.role !== 'leader') return;
      for (const p of status.progress) {
        if (p.id === status.id) continue;
        this.set({ voter: String(p.id) }, Math.max(0, status.lastIndex - p.match));
      }
    },
  });
}
