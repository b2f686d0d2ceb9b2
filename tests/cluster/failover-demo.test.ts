/**
 * CI runs scripts/failover-demo.sh (issue 6 item 7), shortened with
 * DEMO_SECONDS: it must exit 0 (every counter value exactly once, in order,
 * with node 2 killed while a send is in flight), narrate each step, and
 * leave no process behind: no node, no producer, no consumer. Needs the built dist
 * (`pnpm build`; the script builds only when dist/ is missing).
 */
import { DemoScript } from './demo-script';

describe('scripts/failover-demo.sh', () => {
  const demo = new DemoScript();
  afterAll(() => demo.close());

  it('narrates the failover, finds no gap and no duplicate, and cleans up', async () => {
    const code = await demo.run('scripts/failover-demo.sh', { DEMO_SECONDS: '24' });
    const output = demo.output;
    expect(code).toBe(0);
    for (const narration of [
      /Starting a 3-node Gregor cluster/,
      /Node 2 leads partition \d/,
      /consumer \| fetching from node 2/,
      /kill -9 node 2 \(pid \d+\)/,
      /killed (with value\(s\) [\d ]+ in flight|between two sends)/,
      /consumer \| switched: now fetching from node [13] \(was node 2\)/,
      /The consumer carried on from node [13] /,
      /Restarting node 2/,
      /Node 2 is back in the ISR/,
      /Isr: .*2/,
      /consumer \| stopped; received up to \d+, no gap, no duplicate/,
      /OK: every value 0\.\.\d+ arrived exactly once and in order/,
    ]) {
      expect(output).toMatch(narration);
    }
    // The node the consumer says it switched to (from the nodes' counters) is the one the script names.
    const switchedTo = /consumer \| switched: now fetching from node (\d) \(was node 2\)/.exec(output)![1];
    expect(output).toMatch(new RegExp(`The consumer carried on from node ${switchedTo} `));
    await demo.expectCleanedUp();
  }, 240_000);
});
