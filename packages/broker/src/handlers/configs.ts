import { GregorError } from '@gregor/common';
import {
  CONFIG_RESOURCE_TYPE,
  type AlterConfigsRequest,
  type AlterConfigsResponse,
  type AlterConfigsResult,
  type ConfigEntry,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type DescribeConfigsResult,
} from '../api/configs';
import type { BrokerContext } from '../broker-context';
import type { RequestOutcome } from '../outcome';
import { alterTopicConfigOverrides, describeTopicConfig } from '../topic-config';

/** For messages: Kafka's name of a resource type. */
function resourceTypeName(type: number): string {
  const name = Object.entries(CONFIG_RESOURCE_TYPE).find(([, n]) => n === type)?.[0];
  return name === undefined ? String(type) : `RESOURCE_TYPE_${name}`;
}

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
  req: DescribeConfigsRequest,
  outcome: RequestOutcome,
): Promise<DescribeConfigsResponse> {
  const results: DescribeConfigsResult[] = [];
  for (const r of req.resources) {
    const result: DescribeConfigsResult = { error: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
    results.push(result);
    try {
      const configNames = r.configNames ?? [];
      if (r.resourceType === CONFIG_RESOURCE_TYPE.TOPIC) {
        const view = ctx.metadata.topic(r.resourceName);
        if (view === undefined) throw unknownTopic(r.resourceName);
        result.configs = describeTopicConfig(ctx.topicDefaults, view.configs, configNames).map(
          (e): ConfigEntry => ({ name: e.name, value: e.value, readOnly: e.readOnly, isDefault: e.isDefault }),
        );
      } else if (r.resourceType === CONFIG_RESOURCE_TYPE.BROKER) {
        checkBrokerName(ctx, r.resourceName);
        const all = ctx.config.describedBrokerConfigs ?? {};
        const names = configNames.length > 0 ? configNames.filter((n) => n in all) : Object.keys(all).sort();
        result.configs = names.map((name) => ({ name, value: all[name]!, readOnly: true, isDefault: false }));
      } else {
        throw new GregorError('INVALID_REQUEST', `unsupported resource type ${resourceTypeName(r.resourceType)}`);
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
  req: AlterConfigsRequest,
  outcome: RequestOutcome,
): Promise<AlterConfigsResponse> {
  const results: AlterConfigsResult[] = [];
  for (const r of req.resources) {
    const result: AlterConfigsResult = { error: null, resourceType: r.resourceType, resourceName: r.resourceName };
    results.push(result);
    try {
      if (r.resourceType === CONFIG_RESOURCE_TYPE.BROKER) {
        checkBrokerName(ctx, r.resourceName);
        throw new GregorError('INVALID_REQUEST', 'broker configs are static: change the node config and restart');
      }
      if (r.resourceType !== CONFIG_RESOURCE_TYPE.TOPIC) {
        throw new GregorError('INVALID_REQUEST', `unsupported resource type ${resourceTypeName(r.resourceType)}`);
      }
      const view = ctx.metadata.topic(r.resourceName);
      if (view === undefined) throw unknownTopic(r.resourceName);
      // Kafka's legacy AlterConfigs replaces every override; incremental keeps the rest.
      if (r.replace === true && r.delete.length > 0) throw new GregorError('INVALID_REQUEST', 'a replacing AlterConfigs cannot also delete keys');
      const next = alterTopicConfigOverrides(r.replace === true ? {} : view.configs, r.set, r.delete);
      if (req.validateOnly) continue;
      await ctx.metadata.setTopicConfigs(r.resourceName, next);
      ctx.logger.info('altered topic configs', { topic: r.resourceName, set: r.set, delete: r.delete });
    } catch (err) {
      result.error = outcome.fail(err, { resource: r.resourceName });
    }
  }
  return { results };
}
