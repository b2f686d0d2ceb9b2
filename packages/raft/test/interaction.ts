import type { NodeId } from '@gregor/common';
import { nodeId } from '@gregor/common';
import type { LogIndex, Message, RaftConfig, Ready } from '@gregor/raft';
import { MemoryStorage, RaftNode, createPrng, formatEntry, formatMessage } from '@gregor/raft';

/**
 * A scripted network for scenario tests, after etcd-io/raft's interaction
 * tests: the test *is* the network. Nothing happens unless a command says so,
 * and every effect is written to a transcript compared against a golden string:
 *
 *   > campaign 1                    a command
 *   1: role=pre-candidate lead=-    soft state change in a Ready
 *   1: persist hs term=1 vote=1 commit=0 | entries [1/1 noop]
 *   1: apply [1/1 noop]
 *   1->2 MsgPreVote term=1 last=0/0 sent after persisting
 *   1->2 MsgApp ... DROPPED         delivery blocked by a partition
 */
export class Interaction {
  private readonly nodes = new Map<NodeId, SimpleNode>();
  private inFlight: Message[] = [];
  private readonly blocked = new Set<string>();
  private readonly lines: string[] = [];

  constructor(
    readonly ids: readonly NodeId[],
    private readonly options: Partial<Omit<RaftConfig, 'id' | 'voters' | 'storage' | 'prng'>> = {},
  ) {
    for (const id of ids) this.nodes.set(id, this.start(id, new MemoryStorage(ids)));
  }

  static ofSize(n: number, options: Partial<Omit<RaftConfig, 'id' | 'voters' | 'storage' | 'prng'>> = {}): Interaction {
    return new Interaction(
      Array.from({ length: n }, (_, i) => nodeId(i + 1)),
      options,
    );
  }

  private start(id: NodeId, storage: MemoryStorage, applied?: LogIndex): SimpleNode {
    const node = new RaftNode({
      id,
      voters: this.ids,
      storage,
      prng: createPrng(id),
      electionTimeoutTicks: 10,
      heartbeatIntervalTicks: 1,
      ...this.options,
      ...(applied === undefined ? {} : { applied }),
    });
    return { node, storage, applied: [] };
  }

  node(id: number): RaftNode {
    return this.get(id).node;
  }

  applied(id: number): string[] {
    return this.get(id).applied;
  }

  storage(id: number): MemoryStorage {
    return this.get(id).storage;
  }

  private get(id: number): SimpleNode {
    const n = this.nodes.get(nodeId(id));
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  private say(line: string): void {
    this.lines.push(line);
  }

  /** Writes a command line and runs it. */
  private command(text: string, run: () => void): this {
    this.say(`> ${text}`);
    run();
    return this;
  }

  campaign(id: number): this {
    return this.command(`campaign ${id}`, () => this.node(id).campaign());
  }

  tick(id: number, ticks = 1): this {
    return this.command(`tick ${id}${ticks === 1 ? '' : ` x${ticks}`}`, () => {
      for (let i = 0; i < ticks; i++) this.node(id).tick();
    });
  }

  propose(id: number, text: string): this {
    return this.command(`propose ${id} ${JSON.stringify(text)}`, () => {
      try {
        const pos = this.node(id).propose(new TextEncoder().encode(text));
        this.say(`${id}: proposed at ${pos.index}/${pos.term}`);
      } catch (err) {
        this.say(`${id}: ${(err as Error).message}`);
      }
    });
  }

  transferLeadership(from: number, to: number): this {
    return this.command(`transfer-leadership ${from} -> ${to}`, () => this.node(from).transferLeadership(nodeId(to)));
  }

  /** Cuts the network into groups; links between groups drop everything. */
  partition(...groups: number[][]): this {
    return this.command(`partition ${groups.map((g) => `[${g.join(' ')}]`).join(' ')}`, () => {
      this.blocked.clear();
      for (const a of groups) for (const b of groups) {
        if (a === b) continue;
        for (const x of a) for (const y of b) this.blocked.add(`${x}->${y}`);
      }
    });
  }

  /** Drops only messages from `from` to `to` (an asymmetric fault). */
  cut(from: number, to: number): this {
    return this.command(`cut ${from}->${to}`, () => this.blocked.add(`${from}->${to}`));
  }

  heal(): this {
    return this.command('heal', () => this.blocked.clear());
  }

  /** The application snapshots at its applied index and compacts the log up to it. */
  compact(id: number, index: number): this {
    return this.command(`compact ${id} ${index}`, () => {
      const n = this.get(id);
      const at = index as LogIndex;
      n.storage.createSnapshot(at, new TextEncoder().encode(n.applied.slice(0, index).join(',')));
      n.storage.compact(at);
    });
  }

  /**
   * Crash and restart: only what the node persisted survives (its storage);
   * its application state comes back from the storage's snapshot.
   */
  restart(id: number): this {
    return this.command(`restart ${id}`, () => {
      const old = this.get(id);
      const snap = old.storage.snapshot();
      const text = new TextDecoder().decode(snap.data);
      const fresh = this.start(nodeId(id), old.storage, snap.metadata.index);
      fresh.applied = text === '' ? [] : text.split(',');
      this.nodes.set(nodeId(id), fresh);
      const s = fresh.node.status();
      this.say(`${id}: restarted as ${s.role} term=${s.term} vote=${s.vote ?? '-'} commit=${s.commit} log=(${s.firstIndex - 1}, ${s.lastIndex}]`);
    });
  }

  /** Handles one Ready of one node (persist, send, apply, advance). */
  process(id: number): this {
    return this.command(`process ${id}`, () => this.processNode(id));
  }

  private processNode(id: number): void {
    const n = this.get(id);
    if (!n.node.hasReady()) return;
    this.handleReady(id, n, n.node.ready());
  }

  private handleReady(id: number, n: SimpleNode, rd: Ready): void {
    if (rd.softState !== undefined) {
      this.say(`${id}: role=${rd.softState.role} lead=${rd.softState.leaderId ?? '-'}`);
    }
    const persisted: string[] = [];
    if (rd.snapshot !== undefined) persisted.push(`snapshot ${rd.snapshot.metadata.index}/${rd.snapshot.metadata.term}`);
    if (rd.hardState !== undefined) {
      const hs = rd.hardState;
      persisted.push(`hs term=${hs.term} vote=${hs.vote ?? '-'} commit=${hs.commit}`);
    }
    if (rd.entries.length > 0) persisted.push(`entries [${rd.entries.map(formatEntry).join(', ')}]`);
    if (persisted.length > 0) this.say(`${id}: persist ${persisted.join(' | ')}`);
    n.storage.persistReady(rd);
    if (rd.snapshot !== undefined) {
      const text = new TextDecoder().decode(rd.snapshot.data);
      n.applied = text === '' ? [] : text.split(',');
    }
    if (rd.committedEntries.length > 0) {
      this.say(`${id}: apply [${rd.committedEntries.map(formatEntry).join(', ')}]`);
      for (const e of rd.committedEntries) {
        n.applied.push(e.type === 'noop' ? '-' : new TextDecoder().decode(e.data));
      }
    }
    for (const m of rd.messages) {
      this.say(formatMessage(m));
      this.inFlight.push(m);
    }
    n.node.advance(rd);
  }

  /** Delivers every message in flight (FIFO), or only those to `to`; partitions drop some. */
  deliver(to?: number): this {
    return this.command(to === undefined ? 'deliver' : `deliver to ${to}`, () =>
      this.deliverWhere((m) => to === undefined || m.to === to),
    );
  }

  private deliverWhere(filter: (m: Message) => boolean): void {
    const now = this.inFlight.filter(filter);
    this.inFlight = this.inFlight.filter((m) => !filter(m));
    for (const m of now) {
      if (this.blocked.has(`${m.from}->${m.to}`)) {
        this.say(`${formatMessage(m)} DROPPED`);
        continue;
      }
      this.get(m.to).node.step(m);
    }
  }

  /** Drops messages in flight that match (a lossy network, scripted). */
  drop(filter: (m: Message) => boolean): this {
    return this.command('drop', () => {
      for (const m of this.inFlight.filter(filter)) this.say(`${formatMessage(m)} DROPPED`);
      this.inFlight = this.inFlight.filter((m) => !filter(m));
    });
  }

  /** Processes Readies and delivers messages until nothing moves (bounded). */
  stabilize(): this {
    return this.command('stabilize', () => {
      for (let round = 0; round < 1000; round++) {
        let busy = false;
        for (const id of this.ids) {
          if (this.get(id).node.hasReady()) {
            busy = true;
            this.processNode(id);
          }
        }
        if (this.inFlight.length > 0) {
          busy = true;
          this.deliverWhere(() => true);
        }
        if (!busy) return;
      }
      throw new Error('stabilize did not converge in 1000 rounds');
    });
  }

  /** Runs Readies only (persist and queue messages), delivering nothing. */
  processAll(): this {
    return this.command('process-ready', () => {
      for (const id of this.ids) this.processNode(id);
    });
  }

  status(id: number): this {
    return this.command(`status ${id}`, () => {
      const s = this.node(id).status();
      this.say(
        `${id}: ${s.role} term=${s.term} lead=${s.leaderId ?? '-'} commit=${s.commit} applied=${s.applied} log=(${s.firstIndex - 1}, ${s.lastIndex}]`,
      );
      for (const p of s.progress) {
        if (p.id === s.id) continue;
        this.say(
          `  ${p.id}: ${p.state} match=${p.match} next=${p.next}${p.paused ? ' paused' : ''} inflight=${p.inflightMessages}` +
            (p.inflightBytes > 0 ? ` (${p.inflightBytes} bytes)` : ''),
        );
      }
    });
  }

  /** Every node's log, for divergence checks. */
  logs(): this {
    return this.command('logs', () => {
      for (const id of this.ids) {
        const st = this.get(id).storage;
        const ents = st.lastIndex() >= st.firstIndex() ? st.entries(st.firstIndex(), (st.lastIndex() + 1) as LogIndex, Infinity) : [];
        const snap = st.snapshot().metadata;
        const parts = snap.index > 0 ? [`[snapshot ${snap.index}/${snap.term}]`] : [];
        parts.push(...ents.map(formatEntry));
        this.say(`${id}: ${parts.join(', ') || '(empty)'}`);
      }
    });
  }

  transcript(): string {
    return this.lines.join('\n');
  }

  /** The transcript since the last call; lets a test check a scenario in steps. */
  take(): string {
    const text = this.lines.join('\n');
    this.lines.length = 0;
    return text;
  }
}

interface SimpleNode {
  node: RaftNode;
  storage: MemoryStorage;
  /** Applied data, '-' for a no-op, in log order. */
  applied: string[];
}

/** Strips the common indentation of a golden block so it can sit inside the test. */
export function golden(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}
