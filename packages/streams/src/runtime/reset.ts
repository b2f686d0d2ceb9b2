import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Gregor, OffsetToSet } from '@gregor/client';
import { GregorError, isGregorError } from '@gregor/common';

export interface ResetResult {
  deletedTopics: string[];
  groupDeleted: boolean;
  /** The input offsets committed for the next start (empty unless asked for). */
  inputOffsets: OffsetToSet[];
}

/** Whether a topic is one of the application's internal topics (`<applicationId>-…-changelog` / `-repartition`). */
export function isInternalTopic(applicationId: string, topic: string): boolean {
  return topic.startsWith(`${applicationId}-`) && (topic.endsWith('-changelog') || topic.endsWith('-repartition'));
}

/** The store a changelog topic backs (`<applicationId>-<store>-changelog` → store), or undefined. */
export function changelogStoreName(applicationId: string, topic: string): string | undefined {
  const prefix = `${applicationId}-`;
  const suffix = '-changelog';
  return topic.startsWith(prefix) && topic.endsWith(suffix) && topic.length > prefix.length + suffix.length ? topic.slice(prefix.length, -suffix.length) : undefined;
}

/**
 * Refuses while the application's group has members or is rebalancing
 * (Kafka's reset tool: "the application must be stopped"), with
 * NON_EMPTY_GROUP naming how many instances still run.
 */
export async function assertApplicationStopped(client: Gregor, applicationId: string): Promise<void> {
  const [group] = await client.admin().describeGroups([applicationId]);
  if (group !== undefined && (group.members.length > 0 || (group.state !== 'Empty' && group.state !== 'Dead'))) {
    throw new GregorError(
      'NON_EMPTY_GROUP',
      `application "${applicationId}" still has ${group.members.length} running instance(s) (group ${group.state}): stop them before a reset`,
      { group: applicationId },
    );
  }
}

/**
 * Resets a streams application (Kafka's kafka-streams-application-reset):
 * deletes its internal topics (`<applicationId>-…-changelog`,
 * `…-repartition`) and its consumer group — with it every committed
 * offset, of internal topics too — and, when `inputOffsets` are given,
 * commits them for the next start (Kafka's --to-earliest, --to-offset,
 * --to-datetime of --input-topics; without them the next start reads
 * every input from the beginning: auto.offset.reset is earliest). Refused
 * while an instance runs (NON_EMPTY_GROUP), before anything is deleted.
 * Local state lives on each instance's machine: pass `stateDir` to wipe
 * this machine's; elsewhere a store whose checkpoint is ahead of its
 * (recreated) changelog is cleared at start.
 */
export async function resetApplication(client: Gregor, applicationId: string, opts: { stateDir?: string; inputOffsets?: readonly OffsetToSet[] } = {}): Promise<ResetResult> {
  const admin = client.admin();
  const inputOffsets = [...(opts.inputOffsets ?? [])];
  const internalInput = inputOffsets.find((o) => isInternalTopic(applicationId, o.topic));
  if (internalInput !== undefined) throw new GregorError('INVALID_REQUEST', `"${internalInput.topic}" is an internal topic of "${applicationId}", not an input`, { topic: internalInput.topic });
  await assertApplicationStopped(client, applicationId);
  const internal = (await admin.listTopics()).filter((t) => isInternalTopic(applicationId, t));
  if (internal.length > 0) await admin.deleteTopics(internal);
  let groupDeleted = false;
  try {
    await admin.deleteGroups([applicationId]);
    groupDeleted = true;
  } catch (err) {
    if (!(isGregorError(err) && err.errorName === 'GROUP_ID_NOT_FOUND')) throw err;
  }
  if (inputOffsets.length > 0) await admin.alterGroupOffsets(applicationId, inputOffsets);
  if (opts.stateDir !== undefined) rmSync(path.join(opts.stateDir, applicationId), { recursive: true, force: true });
  return { deletedTopics: internal, groupDeleted, inputOffsets };
}
