import { Interaction, golden } from './interaction';

/**
 * Scripted scenarios in the style of etcd-io/raft's interaction tests: every
 * test drives a small cluster by hand (the test is the network) and compares
 * the printed transcript with the expected one. Read a transcript top to
 * bottom: `>` lines are commands, `N: ...` lines are node N's Ready (role
 * change, what it persisted, what it applied), `A->B ...` lines are messages
 * sent after persisting, `DROPPED` ones were lost to a partition.
 */

function elected(size: number, options: ConstructorParameters<typeof Interaction>[1] = {}): Interaction {
  const net = Interaction.ofSize(size, options);
  net.campaign(1).stabilize();
  expect(net.node(1).role).toBe('leader');
  net.take();
  return net;
}

test('election: pre-vote, vote, then the leader commits an empty entry of its term', () => {
  const net = Interaction.ofSize(3);
  net.campaign(1).stabilize().status(1);
  expect(net.take()).toBe(golden(`
    > campaign 1
    > stabilize
    1: role=pre-candidate lead=-
    1->2 MsgPreVote term=1 last=0/0
    1->3 MsgPreVote term=1 last=0/0
    2->1 MsgPreVoteResp term=1
    3->1 MsgPreVoteResp term=1
    1: role=candidate lead=-
    1: persist hs term=1 vote=1 commit=0
    1->2 MsgVote term=1 last=0/0
    1->3 MsgVote term=1 last=0/0
    2: persist hs term=1 vote=1 commit=0
    2->1 MsgVoteResp term=1
    3: persist hs term=1 vote=1 commit=0
    3->1 MsgVoteResp term=1
    1: role=leader lead=1
    1: persist entries [1/1 noop]
    1->2 MsgApp term=1 prev=0/0 commit=0 entries=[1/1 noop]
    1->3 MsgApp term=1 prev=0/0 commit=0 entries=[1/1 noop]
    2: role=follower lead=1
    2: persist entries [1/1 noop]
    2->1 MsgAppResp term=1 index=1
    3: role=follower lead=1
    3: persist entries [1/1 noop]
    3->1 MsgAppResp term=1 index=1
    1: persist hs term=1 vote=1 commit=1
    1: apply [1/1 noop]
    1->2 MsgApp term=1 prev=1/1 commit=1 entries=[]
    1->3 MsgApp term=1 prev=1/1 commit=1 entries=[]
    2: persist hs term=1 vote=1 commit=1
    2: apply [1/1 noop]
    2->1 MsgAppResp term=1 index=1
    3: persist hs term=1 vote=1 commit=1
    3: apply [1/1 noop]
    3->1 MsgAppResp term=1 index=1
    > status 1
    1: leader term=1 lead=1 commit=1 applied=1 log=(0, 1]
      2: replicate match=1 next=2 inflight=0
      3: replicate match=1 next=2 inflight=0
  `));
});

test('a restarted node remembers its vote and does not vote twice in a term', () => {
  const net = Interaction.ofSize(3, { preVote: false, checkQuorum: false });
  net.campaign(2).process(2).deliver(1).process(1);
  net.restart(1).campaign(3).process(3).deliver(1).process(1).deliver(3).status(3);
  expect(net.take()).toBe(golden(`
    > campaign 2
    > process 2
    2: role=candidate lead=-
    2: persist hs term=1 vote=2 commit=0
    2->1 MsgVote term=1 last=0/0
    2->3 MsgVote term=1 last=0/0
    > deliver to 1
    > process 1
    1: persist hs term=1 vote=2 commit=0
    1->2 MsgVoteResp term=1
    > restart 1
    1: restarted as follower term=1 vote=2 commit=0 log=(0, 0]
    > campaign 3
    > process 3
    3: role=candidate lead=-
    3: persist hs term=1 vote=3 commit=0
    3->1 MsgVote term=1 last=0/0
    3->2 MsgVote term=1 last=0/0
    > deliver to 1
    > process 1
    1->3 MsgVoteResp term=1 reject
    > deliver to 3
    > status 3
    3: candidate term=1 lead=- commit=0 applied=0 log=(0, 0]
  `));
});

test('PreVote: a partitioned node does not inflate its term and rejoins without disruption', () => {
  const net = elected(3);
  net.partition([1, 2], [3]).tick(3, 30).stabilize().status(3);
  net.heal().tick(1).stabilize().status(1).status(3);
  expect(net.take()).toBe(golden(`
    > partition [1 2] [3]
    > tick 3 x30
    > stabilize
    3: role=pre-candidate lead=-
    3->1 MsgPreVote term=2 last=1/1
    3->2 MsgPreVote term=2 last=1/1
    3->1 MsgPreVote term=2 last=1/1 DROPPED
    3->2 MsgPreVote term=2 last=1/1 DROPPED
    > status 3
    3: pre-candidate term=1 lead=- commit=1 applied=1 log=(0, 1]
    > heal
    > tick 1
    > stabilize
    1->2 MsgHeartbeat term=1 commit=1
    1->3 MsgHeartbeat term=1 commit=1
    2->1 MsgHeartbeatResp term=1
    3: role=follower lead=1
    3->1 MsgHeartbeatResp term=1
    > status 1
    1: leader term=1 lead=1 commit=1 applied=1 log=(0, 1]
      2: replicate match=1 next=2 inflight=0
      3: replicate match=1 next=2 inflight=0
    > status 3
    3: follower term=1 lead=1 commit=1 applied=1 log=(0, 1]
  `));
});

test('without PreVote the same partition inflates the term and deposes a healthy leader', () => {
  const net = elected(3, { preVote: false });
  net.partition([1, 2], [3]).tick(3, 30).stabilize().status(3);
  net.heal().tick(1).stabilize().status(1);
  expect(net.take()).toBe(golden(`
    > partition [1 2] [3]
    > tick 3 x30
    > stabilize
    3: role=candidate lead=-
    3: persist hs term=3 vote=3 commit=1
    3->1 MsgVote term=2 last=1/1
    3->2 MsgVote term=2 last=1/1
    3->1 MsgVote term=3 last=1/1
    3->2 MsgVote term=3 last=1/1
    3->1 MsgVote term=2 last=1/1 DROPPED
    3->2 MsgVote term=2 last=1/1 DROPPED
    3->1 MsgVote term=3 last=1/1 DROPPED
    3->2 MsgVote term=3 last=1/1 DROPPED
    > status 3
    3: candidate term=3 lead=- commit=1 applied=1 log=(0, 1]
    > heal
    > tick 1
    > stabilize
    1->2 MsgHeartbeat term=1 commit=1
    1->3 MsgHeartbeat term=1 commit=1
    2->1 MsgHeartbeatResp term=1
    3->1 MsgAppResp term=3 index=0
    1: role=follower lead=-
    1: persist hs term=3 vote=- commit=1
    > status 1
    1: follower term=3 lead=- commit=1 applied=1 log=(0, 1]
  `));
});

test('leader lease: followers that hear from the leader ignore a campaign', () => {
  const net = elected(3);
  net.campaign(3).stabilize().status(1).tick(1).stabilize().status(3);
  expect(net.take()).toBe(golden(`
    > campaign 3
    > stabilize
    3: role=pre-candidate lead=-
    3->1 MsgPreVote term=2 last=1/1
    3->2 MsgPreVote term=2 last=1/1
    > status 1
    1: leader term=1 lead=1 commit=1 applied=1 log=(0, 1]
      2: replicate match=1 next=2 inflight=0
      3: replicate match=1 next=2 inflight=0
    > tick 1
    > stabilize
    1->2 MsgHeartbeat term=1 commit=1
    1->3 MsgHeartbeat term=1 commit=1
    2->1 MsgHeartbeatResp term=1
    3: role=follower lead=1
    3->1 MsgHeartbeatResp term=1
    > status 3
    3: follower term=1 lead=1 commit=1 applied=1 log=(0, 1]
  `));
});

test('CheckQuorum: a leader cut off from the majority steps down', () => {
  const net = elected(3, { heartbeatIntervalTicks: 5 });
  // The first check after the election still counts the votes as contact;
  // the second finds no one and steps down.
  net.partition([1], [2, 3]).tick(1, 10).stabilize().status(1);
  net.tick(1, 10).stabilize().status(1).propose(1, 'x');
  expect(net.take()).toBe(golden(`
    > partition [1] [2 3]
    > tick 1 x10
    > stabilize
    1->2 MsgHeartbeat term=1 commit=1
    1->3 MsgHeartbeat term=1 commit=1
    1->2 MsgHeartbeat term=1 commit=1
    1->3 MsgHeartbeat term=1 commit=1
    1->2 MsgHeartbeat term=1 commit=1 DROPPED
    1->3 MsgHeartbeat term=1 commit=1 DROPPED
    1->2 MsgHeartbeat term=1 commit=1 DROPPED
    1->3 MsgHeartbeat term=1 commit=1 DROPPED
    > status 1
    1: leader term=1 lead=1 commit=1 applied=1 log=(0, 1]
      2: replicate match=1 next=2 inflight=0
      3: replicate match=1 next=2 inflight=0
    > tick 1 x10
    > stabilize
    1: role=follower lead=-
    1->2 MsgHeartbeat term=1 commit=1
    1->3 MsgHeartbeat term=1 commit=1
    1->2 MsgHeartbeat term=1 commit=1 DROPPED
    1->3 MsgHeartbeat term=1 commit=1 DROPPED
    > status 1
    1: follower term=1 lead=- commit=1 applied=1 log=(0, 1]
    > propose 1 "x"
    1: NOT_LEADER_OR_FOLLOWER: raft: node 1 is not the leader
  `));
});

test('a follower rejects a stale leader, which steps down; its entry is replaced', () => {
  const net = elected(3);
  net.partition([1], [2, 3]).tick(2, 10).tick(3, 10).campaign(2).stabilize();
  expect(net.node(2).role).toBe('leader');
  net.take();
  net.heal().propose(1, 'stale').stabilize().status(1).logs();
  net.tick(2).stabilize().logs();
  expect(net.take()).toBe(golden(`
    > heal
    > propose 1 "stale"
    1: proposed at 2/1
    > stabilize
    1: persist entries [2/1 "stale"]
    1->2 MsgApp term=1 prev=1/1 commit=1 entries=[2/1 "stale"]
    1->3 MsgApp term=1 prev=1/1 commit=1 entries=[2/1 "stale"]
    2->1 MsgAppResp term=2 index=0
    3->1 MsgAppResp term=2 index=0
    1: role=follower lead=-
    1: persist hs term=2 vote=- commit=1
    > status 1
    1: follower term=2 lead=- commit=1 applied=1 log=(0, 2]
    > logs
    1: 1/1 noop, 2/1 "stale"
    2: 1/1 noop, 2/2 noop
    3: 1/1 noop, 2/2 noop
    > tick 2
    > stabilize
    2->1 MsgHeartbeat term=2 commit=0
    2->3 MsgHeartbeat term=2 commit=2
    1: role=follower lead=2
    1->2 MsgHeartbeatResp term=2
    3->2 MsgHeartbeatResp term=2
    2->1 MsgApp term=2 prev=1/1 commit=2 entries=[2/2 noop]
    1: persist hs term=2 vote=- commit=2 | entries [2/2 noop]
    1: apply [2/2 noop]
    1->2 MsgAppResp term=2 index=2
    2->1 MsgApp term=2 prev=2/2 commit=2 entries=[]
    1->2 MsgAppResp term=2 index=2
    > logs
    1: 1/1 noop, 2/2 noop
    2: 1/1 noop, 2/2 noop
    3: 1/1 noop, 2/2 noop
  `));
});

test('log divergence: the leader finds the match point with the rejection hint and overwrites', () => {
  const net = elected(3);
  net.propose(1, 'a').stabilize();
  // 1 keeps leading a minority and appends x, y that never commit.
  net.partition([1], [2, 3]).propose(1, 'x').propose(1, 'y').stabilize();
  // 2 and 3 move on: 2 leads term 2 and commits z, then hands over to 3 (term 3).
  net.tick(2, 10).tick(3, 10).campaign(2).stabilize().propose(2, 'z').stabilize();
  net.transferLeadership(2, 3).stabilize();
  expect(net.node(3).role).toBe('leader');
  net.take();
  net.logs().heal().tick(3).stabilize().logs();
  expect(net.take()).toBe(golden(`
    > logs
    1: 1/1 noop, 2/1 "a", 3/1 "x", 4/1 "y"
    2: 1/1 noop, 2/1 "a", 3/2 noop, 4/2 "z", 5/3 noop
    3: 1/1 noop, 2/1 "a", 3/2 noop, 4/2 "z", 5/3 noop
    > heal
    > tick 3
    > stabilize
    3->1 MsgHeartbeat term=3 commit=0
    3->2 MsgHeartbeat term=3 commit=5
    1: role=follower lead=3
    1: persist hs term=3 vote=- commit=2
    1->3 MsgHeartbeatResp term=3
    2->3 MsgHeartbeatResp term=3
    3->1 MsgApp term=3 prev=4/2 commit=5 entries=[5/3 noop]
    1->3 MsgAppResp term=3 reject index=4 hint=4/1
    3->1 MsgApp term=3 prev=2/1 commit=5 entries=[3/2 noop 4/2 "z" 5/3 noop]
    1: persist hs term=3 vote=- commit=5 | entries [3/2 noop, 4/2 "z", 5/3 noop]
    1: apply [3/2 noop, 4/2 "z", 5/3 noop]
    1->3 MsgAppResp term=3 index=5
    3->1 MsgApp term=3 prev=5/3 commit=5 entries=[]
    1->3 MsgAppResp term=3 index=5
    > logs
    1: 1/1 noop, 2/1 "a", 3/2 noop, 4/2 "z", 5/3 noop
    2: 1/1 noop, 2/1 "a", 3/2 noop, 4/2 "z", 5/3 noop
    3: 1/1 noop, 2/1 "a", 3/2 noop, 4/2 "z", 5/3 noop
  `));
});

test('a follower that lost appends is probed and repaired', () => {
  const net = elected(3);
  net.partition([1, 2], [3]).propose(1, 'a').propose(1, 'b').stabilize();
  net.take();
  net.heal().tick(1).stabilize().status(1);
  expect(net.take()).toBe(golden(`
    > heal
    > tick 1
    > stabilize
    1->2 MsgHeartbeat term=1 commit=3
    1->3 MsgHeartbeat term=1 commit=1
    2->1 MsgHeartbeatResp term=1
    3->1 MsgHeartbeatResp term=1
    1->3 MsgApp term=1 prev=3/1 commit=3 entries=[]
    3->1 MsgAppResp term=1 reject index=3 hint=1/1
    1->3 MsgApp term=1 prev=1/1 commit=3 entries=[2/1 "a" 3/1 "b"]
    3: persist hs term=1 vote=1 commit=3 | entries [2/1 "a", 3/1 "b"]
    3: apply [2/1 "a", 3/1 "b"]
    3->1 MsgAppResp term=1 index=3
    1->3 MsgApp term=1 prev=3/1 commit=3 entries=[]
    3->1 MsgAppResp term=1 index=3
    > status 1
    1: leader term=1 lead=1 commit=3 applied=3 log=(0, 3]
      2: replicate match=3 next=4 inflight=0
      3: replicate match=3 next=4 inflight=0
  `));
});

test('InstallSnapshot: a follower behind the compacted log gets a snapshot', () => {
  const net = elected(3);
  net.partition([1, 2], [3]).propose(1, 'a').propose(1, 'b').propose(1, 'c').stabilize();
  net.compact(1, 4);
  net.take();
  net.heal().tick(1).stabilize().status(1).logs();
  expect(net.take()).toBe(golden(`
    > heal
    > tick 1
    > stabilize
    1->2 MsgHeartbeat term=1 commit=4
    1->3 MsgHeartbeat term=1 commit=1
    2->1 MsgHeartbeatResp term=1
    3->1 MsgHeartbeatResp term=1
    1->3 MsgApp term=1 prev=4/1 commit=4 entries=[]
    3->1 MsgAppResp term=1 reject index=4 hint=1/1
    1->3 MsgSnap term=1 snapshot=4/1
    3: persist snapshot 4/1 | hs term=1 vote=1 commit=4
    3->1 MsgAppResp term=1 index=4
    1->3 MsgApp term=1 prev=4/1 commit=4 entries=[]
    3->1 MsgAppResp term=1 index=4
    > status 1
    1: leader term=1 lead=1 commit=4 applied=4 log=(4, 4]
      2: replicate match=4 next=5 inflight=0
      3: replicate match=4 next=5 inflight=0
    > logs
    1: [snapshot 4/1]
    2: 1/1 noop, 2/1 "a", 3/1 "b", 4/1 "c"
    3: [snapshot 4/1]
  `));
  expect(net.applied(3)).toEqual(['-', 'a', 'b', 'c']);
  net.propose(1, 'd').stabilize();
  expect(net.applied(3)).toEqual(['-', 'a', 'b', 'c', 'd']);
});

test('flow control: at most maxInflightMsgs appends in flight per follower', () => {
  const net = elected(2, { maxInflightMsgs: 2, maxMsgBytes: 1 });
  net.propose(1, 'a').propose(1, 'b').propose(1, 'c').propose(1, 'd').processAll().status(1);
  net.deliver().processAll().status(1).stabilize().status(1);
  expect(net.take()).toBe(golden(`
    > propose 1 "a"
    1: proposed at 2/1
    > propose 1 "b"
    1: proposed at 3/1
    > propose 1 "c"
    1: proposed at 4/1
    > propose 1 "d"
    1: proposed at 5/1
    > process-ready
    1: persist entries [2/1 "a", 3/1 "b", 4/1 "c", 5/1 "d"]
    1->2 MsgApp term=1 prev=1/1 commit=1 entries=[2/1 "a"]
    1->2 MsgApp term=1 prev=2/1 commit=1 entries=[3/1 "b"]
    > status 1
    1: leader term=1 lead=1 commit=1 applied=1 log=(0, 5]
      2: replicate match=1 next=4 paused inflight=2 (50 bytes)
    > deliver
    > process-ready
    2: persist entries [2/1 "a", 3/1 "b"]
    2->1 MsgAppResp term=1 index=2
    2->1 MsgAppResp term=1 index=3
    > status 1
    1: leader term=1 lead=1 commit=1 applied=1 log=(0, 5]
      2: replicate match=1 next=4 paused inflight=2 (50 bytes)
    > stabilize
    1: persist hs term=1 vote=1 commit=3
    1: apply [2/1 "a", 3/1 "b"]
    1->2 MsgApp term=1 prev=3/1 commit=2 entries=[4/1 "c"]
    1->2 MsgApp term=1 prev=4/1 commit=3 entries=[5/1 "d"]
    2: persist hs term=1 vote=1 commit=3 | entries [4/1 "c", 5/1 "d"]
    2: apply [2/1 "a", 3/1 "b"]
    2->1 MsgAppResp term=1 index=4
    2->1 MsgAppResp term=1 index=5
    1: persist hs term=1 vote=1 commit=5
    1: apply [4/1 "c", 5/1 "d"]
    1->2 MsgApp term=1 prev=5/1 commit=4 entries=[]
    1->2 MsgApp term=1 prev=5/1 commit=5 entries=[]
    2: persist hs term=1 vote=1 commit=5
    2: apply [4/1 "c", 5/1 "d"]
    2->1 MsgAppResp term=1 index=5
    2->1 MsgAppResp term=1 index=5
    > status 1
    1: leader term=1 lead=1 commit=5 applied=5 log=(0, 5]
      2: replicate match=5 next=6 inflight=0
  `));
});

test('flow control: in-flight bytes are bounded too', () => {
  const net = elected(2, { maxInflightBytes: 60 });
  net.propose(1, 'aaaaaaaaaa').propose(1, 'bbbbbbbbbb').propose(1, 'cccccccccc').processAll().status(1);
  expect(net.take()).toBe(golden(`
    > propose 1 "aaaaaaaaaa"
    1: proposed at 2/1
    > propose 1 "bbbbbbbbbb"
    1: proposed at 3/1
    > propose 1 "cccccccccc"
    1: proposed at 4/1
    > process-ready
    1: persist entries [2/1 "aaaaaaaaaa", 3/1 "bbbbbbbbbb", 4/1 "cccccccccc"]
    1->2 MsgApp term=1 prev=1/1 commit=1 entries=[2/1 "aaaaaaaaaa"]
    1->2 MsgApp term=1 prev=2/1 commit=1 entries=[3/1 "bbbbbbbbbb"]
    > status 1
    1: leader term=1 lead=1 commit=1 applied=1 log=(0, 4]
      2: replicate match=1 next=4 paused inflight=2 (68 bytes)
  `));
});

test('§5.4.2: an old-term entry on a majority is not committed until an entry of the current term is', () => {
  const net = elected(5, { maxMsgBytes: 1, checkQuorum: false });
  // "old" reaches only 1 and 2 in term 1.
  net.partition([1, 2], [3, 4, 5]).propose(1, 'old').stabilize();
  // 1 restarts and wins term 2 with 2 and 3.
  net.restart(1).partition([1, 2, 3], [4, 5]).campaign(1);
  for (let i = 0; i < 4; i++) net.processAll().deliver();
  expect(net.node(1).role).toBe('leader');
  net.take();
  // Hold the leader's no-op back from 3 until 3 has "old": then 1, 2 and 3
  // (a majority) store 2/1, yet commit stays at 1 — counting replicas of an
  // older term's entry is not enough (Figure 8 of the Raft paper).
  net.processAll().deliver().processAll().deliver(1).processAll().deliver(3).process(3).deliver(1).status(1).logs();
  expect(net.take()).toBe(golden(`
    > process-ready
    1: role=leader lead=1
    1: persist entries [3/2 noop]
    1->2 MsgApp term=2 prev=2/1 commit=1 entries=[3/2 noop]
    1->3 MsgApp term=2 prev=2/1 commit=1 entries=[3/2 noop]
    1->4 MsgApp term=2 prev=2/1 commit=1 entries=[3/2 noop]
    1->5 MsgApp term=2 prev=2/1 commit=1 entries=[3/2 noop]
    > deliver
    1->4 MsgApp term=2 prev=2/1 commit=1 entries=[3/2 noop] DROPPED
    1->5 MsgApp term=2 prev=2/1 commit=1 entries=[3/2 noop] DROPPED
    > process-ready
    2: role=follower lead=1
    2: persist entries [3/2 noop]
    2->1 MsgAppResp term=2 index=3
    3: role=follower lead=1
    3->1 MsgAppResp term=2 reject index=2 hint=1/1
    > deliver to 1
    > process-ready
    1->2 MsgApp term=2 prev=3/2 commit=1 entries=[]
    1->3 MsgApp term=2 prev=1/1 commit=1 entries=[2/1 "old"]
    > deliver to 3
    > process 3
    3: persist entries [2/1 "old"]
    3->1 MsgAppResp term=2 index=2
    > deliver to 1
    > status 1
    1: leader term=2 lead=1 commit=1 applied=1 log=(0, 3]
      2: replicate match=3 next=4 inflight=0
      3: replicate match=2 next=4 inflight=1 (24 bytes)
      4: probe match=0 next=3 paused inflight=0
      5: probe match=0 next=3 paused inflight=0
    > logs
    1: 1/1 noop, 2/1 "old", 3/2 noop
    2: 1/1 noop, 2/1 "old", 3/2 noop
    3: 1/1 noop, 2/1 "old"
    4: 1/1 noop
    5: 1/1 noop
  `));
  // Once the no-op of term 2 is on a majority, both entries commit together.
  net.stabilize().status(1);
  expect(net.take()).toBe(golden(`
    > stabilize
    1->3 MsgApp term=2 prev=2/1 commit=1 entries=[3/2 noop]
    2->1 MsgAppResp term=2 index=3
    3: persist entries [3/2 noop]
    3->1 MsgAppResp term=2 index=3
    1: persist hs term=2 vote=1 commit=3
    1: apply [2/1 "old", 3/2 noop]
    1->2 MsgApp term=2 prev=3/2 commit=3 entries=[]
    1->3 MsgApp term=2 prev=3/2 commit=3 entries=[]
    2: persist hs term=2 vote=1 commit=3
    2: apply [2/1 "old", 3/2 noop]
    2->1 MsgAppResp term=2 index=3
    3: persist hs term=2 vote=1 commit=3
    3: apply [2/1 "old", 3/2 noop]
    3->1 MsgAppResp term=2 index=3
    > status 1
    1: leader term=2 lead=1 commit=3 applied=3 log=(0, 3]
      2: replicate match=3 next=4 inflight=0
      3: replicate match=3 next=4 inflight=0
      4: probe match=0 next=3 paused inflight=0
      5: probe match=0 next=3 paused inflight=0
  `));
});

test('leadership transfer: the target campaigns at once and proposals wait', () => {
  const net = elected(3);
  net.transferLeadership(1, 3).propose(1, 'during').stabilize().status(3);
  expect(net.take()).toBe(golden(`
    > transfer-leadership 1 -> 3
    > propose 1 "during"
    1: NOT_LEADER_OR_FOLLOWER: raft: leadership is moving to 3
    > stabilize
    1->3 MsgTimeoutNow term=1
    3: role=candidate lead=-
    3: persist hs term=2 vote=3 commit=1
    3->1 MsgVote term=2 last=1/1 transfer
    3->2 MsgVote term=2 last=1/1 transfer
    1: role=follower lead=-
    1: persist hs term=2 vote=3 commit=1
    1->3 MsgVoteResp term=2
    2: role=follower lead=-
    2: persist hs term=2 vote=3 commit=1
    2->3 MsgVoteResp term=2
    3: role=leader lead=3
    3: persist entries [2/2 noop]
    3->1 MsgApp term=2 prev=1/1 commit=1 entries=[2/2 noop]
    3->2 MsgApp term=2 prev=1/1 commit=1 entries=[2/2 noop]
    1: role=follower lead=3
    1: persist entries [2/2 noop]
    1->3 MsgAppResp term=2 index=2
    2: role=follower lead=3
    2: persist entries [2/2 noop]
    2->3 MsgAppResp term=2 index=2
    3: persist hs term=2 vote=3 commit=2
    3: apply [2/2 noop]
    3->1 MsgApp term=2 prev=2/2 commit=2 entries=[]
    3->2 MsgApp term=2 prev=2/2 commit=2 entries=[]
    1: persist hs term=2 vote=3 commit=2
    1: apply [2/2 noop]
    1->3 MsgAppResp term=2 index=2
    2: persist hs term=2 vote=3 commit=2
    2: apply [2/2 noop]
    2->3 MsgAppResp term=2 index=2
    > status 3
    3: leader term=2 lead=3 commit=2 applied=2 log=(0, 2]
      1: replicate match=2 next=3 inflight=0
      2: replicate match=2 next=3 inflight=0
  `));
});

test('proposals: refused on a follower with a leader hint, throttled when too much is uncommitted', () => {
  const net = elected(3, { maxUncommittedEntriesBytes: 8 });
  net.propose(2, 'x');
  net.propose(1, 'aaaaa').propose(1, 'bbbbb').stabilize().propose(1, 'bbbbb');
  expect(net.take()).toBe(golden(`
    > propose 2 "x"
    2: NOT_LEADER_OR_FOLLOWER: raft: node 2 is not the leader
    > propose 1 "aaaaa"
    1: proposed at 2/1
    > propose 1 "bbbbb"
    1: THROTTLING_QUOTA_EXCEEDED: raft: 5 bytes of proposals are not committed yet
    > stabilize
    1: persist entries [2/1 "aaaaa"]
    1->2 MsgApp term=1 prev=1/1 commit=1 entries=[2/1 "aaaaa"]
    1->3 MsgApp term=1 prev=1/1 commit=1 entries=[2/1 "aaaaa"]
    2: persist entries [2/1 "aaaaa"]
    2->1 MsgAppResp term=1 index=2
    3: persist entries [2/1 "aaaaa"]
    3->1 MsgAppResp term=1 index=2
    1: persist hs term=1 vote=1 commit=2
    1: apply [2/1 "aaaaa"]
    1->2 MsgApp term=1 prev=2/1 commit=2 entries=[]
    1->3 MsgApp term=1 prev=2/1 commit=2 entries=[]
    2: persist hs term=1 vote=1 commit=2
    2: apply [2/1 "aaaaa"]
    2->1 MsgAppResp term=1 index=2
    3: persist hs term=1 vote=1 commit=2
    3: apply [2/1 "aaaaa"]
    3->1 MsgAppResp term=1 index=2
    > propose 1 "bbbbb"
    1: proposed at 3/1
  `));
  let hint: unknown;
  try {
    net.node(2).propose(new Uint8Array([1]));
  } catch (err) {
    hint = (err as { context: { leaderHint?: number } }).context.leaderHint;
  }
  expect(hint).toBe(1);
});

test('a single-node cluster elects itself and commits alone', () => {
  const net = Interaction.ofSize(1);
  net.campaign(1).stabilize().propose(1, 'solo').stabilize();
  expect(net.take()).toBe(golden(`
    > campaign 1
    > stabilize
    1: role=leader lead=1
    1: persist hs term=1 vote=1 commit=1 | entries [1/1 noop]
    1: apply [1/1 noop]
    > propose 1 "solo"
    1: proposed at 2/1
    > stabilize
    1: persist hs term=1 vote=1 commit=2 | entries [2/1 "solo"]
    1: apply [2/1 "solo"]
  `));
});
