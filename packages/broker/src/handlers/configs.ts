import { GregorError } from '@gregor/common';
import type {
  AlterConfigsRequest__Output,
  AlterConfigsResponse,
  AlterConfigsResult,
  ConfigEntry,
  DescribeConfigsRequest__Output,
  DescribeConfigsResponse,
  DescribeConfigsResult,
} from '@gregor/proto';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { alterTopicConfigOverrides, describeTopicConfig } from '../topic-config';

function unknownTopic(name: string): GregorError {
  return new GregorError('UNKNOWN_TOPIC_OR_PARTITION', `topic "${name}" does not exist`, { topic: name });
}

/** Broker resources are named by node id; "" means this broker. */
function checkBrokerName(ctx: BrokerContext, name: string): void {
  if (name !== '' && name !== String(ctx.config.nodeId)) {
    throw new GregorError('INVALID_REQUEST', `broker "${name}" is not this broker (${ctx.config.nodeId})`);
  }
}

export async function handleDescribeConfigs(
  ctx: BrokerContext,
  req: DescribeConfigsRequest__Output,
  outcome: RequestOutcome,
): Promise<DescribeConfigsResponse> {
  const results: DescribeConfigsResult[] = [];
  for (const r of req.resources) {
    const result: DescribeConfigsResult = { error: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
    results.push(result);
    try {
      if (r.resourceType === 'RESOURCE_TYPE_TOPIC') {
        const view = ctx.metadata.topic(r.resourceName);
        if (view === undefined) throw unknownTopic(r.resourceName);
        result.configs = describeTopicConfig(ctx.topicDefaults, view.configs, r.configNames).map(
          (e): ConfigEntry => ({ name: e.name, value: e.value, readOnly: e.readOnly, isDefault: e.isDefault }),
        );
      } else if (r.resourceType === 'RESOURCE_TYPE_BROKER') {
        checkBrokerName(ctx, r.resourceName);
        const all = ctx.config.describedBrokerConfigs ?? {};
        const names = r.configNames.length > 0 ? r.configNames.filter((n) => n in all) : Object.keys(all).sort();
        result.configs = names.map((name) => ({ name, value: all[name]!, readOnly: true, isDefault: false }));
      } else {
        throw new GregorError('INVALID_REQUEST', `unsupported resource type ${String(r.resourceType)}`);
      }
    } catch (err) {
      result.error = outcome.fail(err, { resource: r.resourceName });
    }
  }
  return { results };
}

/**
 * Incremental AlterConfigs on topics. Broker configs are static here (read
 * from the node's config at start-up), so altering them is INVALID_REQUEST
 * rather than a change that a restart would silently undo.
 */
export async function handleAlterConfigs(
  ctx: BrokerContext,
  req: AlterConfigsRequest__Output,
  outcome: RequestOutcome,
): Promise<AlterConfigsResponse> {
  const results: AlterConfigsResult[] = [];
  for (const r of req.resources) {
    const result: AlterConfigsResult = { error: null, resourceType: r.resourceType, resourceName: r.resourceName };
    results.push(result);
    try {
      if (r.resourceType === 'RESOURCE_TYPE_BROKER') {
        checkBrokerName(ctx, r.resourceName);
        throw new GregorError('INVALID_REQUEST', 'broker configs are static: change the node config and restart');
      }
      if (r.resourceType !== 'RESOURCE_TYPE_TOPIC') {
        throw new GregorError('INVALID_REQUEST', `unsupported resource type ${String(r.resourceType)}`);
      }
      const view = ctx.metadata.topic(r.resourceName);
      if (view === undefined) throw unknownTopic(r.resourceName);
      const next = alterTopicConfigOverrides(view.configs, r.set, r.delete);
      if (req.validateOnly) continue;
      await ctx.metadata.setTopicConfigs(r.resourceName, next);
      ctx.logger.info('altered topic configs', { topic: r.resourceName, set: r.set, delete: r.delete });
    } catch (err) {
      result.error = outcome.fail(err, { resource: r.resourceName });
    }
  }
  return { results };
}
