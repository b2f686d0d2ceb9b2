import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ControllerNode } from '@gregor/controller';
import { MetadataImage } from '@gregor/controller';
import { NodeMetrics } from '@gregor/node';

const DASHBOARD = path.resolve(__dirname, '../../../deploy/grafana/gregor-dashboard.json');

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
}

/** Every name a node exports: a NodeMetrics with a (stand-in) controller attached. */
async function exportedNames(): Promise<Set<string>> {
  const m = new NodeMetrics(1);
  const qc = {
    subscribe: () => () => undefined,
    isActive: () => true,
    leaderId: () => 1,
    raftStatus: () => ({ id: 1, role: 'leader', term: 3, commit: 10, lastIndex: 10, progress: [{ id: 1, match: 10 }, { id: 2, match: 9 }] }),
    image: new MetadataImage(),
  };
  m.attachController({ controller: qc } as unknown as ControllerNode);
  const names = new Set<string>();
  for (const metric of await m.registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
  }
  return names;
}

describe('deploy/grafana/gregor-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { uid: string; panels: Panel[]; templating: { list: { name: string }[] } };

  test('every metric a panel queries is one a node exports', async () => {
    const names = await exportedNames();
    const queried = new Set<string>();
    for (const p of dashboard.panels) {
      for (const t of p.targets ?? []) for (const m of t.expr.matchAll(/\b((?:gregor|process|nodejs)_[a-z0-9_]+)/g)) queried.add(m[1]!);
    }
    expect(queried.size).toBeGreaterThan(25);
    expect([...queried].filter((n) => !names.has(n))).toEqual([]);
  });

  test('covers what operators look at first, with datasource, node and topic variables', () => {
    const titles = dashboard.panels.map((p) => p.title);
    for (const t of ['Active controllers', 'Fenced brokers', 'Offline partitions', 'Under-replicated partitions', 'Request rate by API', 'Client API latency p99', 'Bytes in per topic', 'Consumer group lag', 'Follower lag per voter (on the leader)']) {
      expect(titles).toContain(t);
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'node', 'topic']);
    expect(dashboard.uid).toBe('gregor-overview');
  });
});
