import { assert } from '@gregor/common';
import type { ClassicGroup } from './group';

/**
 * The structural invariants of a group, checked by tests after every step
 * (and cheap enough to call anywhere): they hold between any two calls.
 */
export function checkGroupInvariants(g: ClassicGroup): void {
  const id = g.groupId;
  assert(g.state !== 'Dead', `dead group ${id} is still registered`);
  assert((g.leaderId === null) === (g.size === 0), `group ${id}: leader ${g.leaderId} with ${g.size} members`);
  assert(g.leaderId === null || g.has(g.leaderId), `group ${id}: leader ${g.leaderId} is not a member`);
  if (g.is('Empty')) assert(g.size === 0, `group ${id} is Empty with ${g.size} members`);
  if (g.is('Stable') || g.is('CompletingRebalance')) {
    assert(g.size > 0, `group ${id} is ${g.state} without members`);
    assert(g.protocolName !== null, `group ${id} is ${g.state} without a protocol`);
  }
  assert((g.joinTimer !== undefined) === g.is('PreparingRebalance'), `group ${id}: join timer ${g.joinTimer !== undefined} in ${g.state}`);
  for (const [instance, memberId] of g.staticMembers) {
    assert(g.members.get(memberId)?.groupInstanceId === instance, `group ${id}: instance ${instance} maps to ${memberId}, which does not have it`);
  }
  for (const m of g.members.values()) {
    assert(m.protocolType === (g.protocolType ?? m.protocolType), `group ${id}: member ${m.memberId} has protocol type ${m.protocolType}, group ${g.protocolType}`);
    if (m.groupInstanceId !== null) assert(g.staticMembers.get(m.groupInstanceId) === m.memberId, `group ${id}: static member ${m.memberId} is not mapped`);
    if (g.is('CompletingRebalance')) assert(m.joinRequest === undefined, `group ${id}: ${m.memberId} awaits join while CompletingRebalance`);
    if (!g.is('CompletingRebalance')) assert(m.syncRequest === undefined, `group ${id}: ${m.memberId} awaits sync while ${g.state}`);
    if (g.is('Stable') && g.protocolName !== null) assert(m.protocols.some((p) => p.name === g.protocolName), `group ${id}: ${m.memberId} does not support ${g.protocolName}`);
  }
  for (const p of g.pendingSyncMembers) assert(g.has(p), `group ${id}: pending sync member ${p} is not a member`);
  if (!(g.is('CompletingRebalance') || g.is('Stable'))) assert(g.pendingSyncMembers.size === 0, `group ${id}: pending sync members in ${g.state}`);
}
