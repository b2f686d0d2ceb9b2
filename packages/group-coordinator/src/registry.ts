import type { Ctx } from './context';
import type { ClassicGroup } from './group';

/** The groups of one shard, as the protocol functions see them. */
export interface GroupRegistry {
  get(groupId: string): ClassicGroup | undefined;
  /** A new Empty group; undefined when the shard is at its group limit. */
  create(groupId: string, ctx: Ctx): ClassicGroup | undefined;
}
