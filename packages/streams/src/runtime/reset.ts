import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Gregor } from '@gregor/client';
import { GregorError, isGregorError } from '@gregor/common';

export interface ResetResult {
  deletedTopics: string[];
  groupDeleted: boolean;
}

/**
 * Resets a streams application (Kafka's kafka-streams-application-reset):
 * deletes its internal topics (`<applicationId>-…-changelog`,
 * `…-repartition`) and its consumer group, so the next start reprocesses
 * every input from the beginning with empty state. Refused while an
 * instance runs (NON_EMPTY_GROUP). Local state lives on each instance's
 * machine: pass `stateDir` to wipe this machine's; elsewhere a store whose
 * checkpoint is ahead of its (recreated) changelog is cleared at start.
 */
export async function resetApplication(client: Gregor, applicationId: string, opts: { stateDir?: string } = {}): Promise<ResetResult> {
  const admin = client.admin();
  const [group] = await admin.describeGroups([applicationId]);
  if (group !== undefined && group.members.length > 0) {
    throw new GregorError('NON_EMPTY_GROUP', `application "${applicationId}" still has ${group.members.length} running instance(s): stop them before a reset`, { group: applicationId });
  }
  const internal = (await admin.listTopics()).filter((t) => t.startsWith(`${applicationId}-`) && (t.endsWith('-changelog') || t.endsWith('-repartition')));
  if (internal.length > 0) await admin.deleteTopics(internal);
  let groupDeleted = false;
  try {
    await admin.deleteGroups([applicationId]);
    groupDeleted = true;
  } catch (err) {
    if (!(isGregorError(err) && err.errorName === 'GROUP_ID_NOT_FOUND')) throw err;
  }
  if (opts.stateDir !== undefined) rmSync(path.join(opts.stateDir, applicationId), { recursive: true, force: true });
  return { deletedTopics: internal, groupDeleted };
}
