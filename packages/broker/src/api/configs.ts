import type { ApiError } from './context';

/** Kafka's ConfigResource types (the numbers on Kafka's wire and in client.proto). */
export const CONFIG_RESOURCE_TYPE = { UNKNOWN: 0, TOPIC: 2, BROKER: 4 } as const;
/** Any number may arrive; only TOPIC and BROKER are served (else INVALID_REQUEST). */
export type ConfigResourceType = number;

export interface DescribeConfigsRequest {
  readonly resources: readonly DescribeConfigsResource[];
}

export interface DescribeConfigsResource {
  readonly resourceType: ConfigResourceType;
  /** A topic name, or a broker's node id ("" = this broker). */
  readonly resourceName: string;
  /** null or [] = every key. */
  readonly configNames: readonly string[] | null;
}

export interface DescribeConfigsResponse {
  readonly results: DescribeConfigsResult[];
}

export interface DescribeConfigsResult {
  error: ApiError | null;
  readonly resourceType: ConfigResourceType;
  readonly resourceName: string;
  configs: ConfigEntry[];
}

export interface ConfigEntry {
  readonly name: string;
  readonly value: string;
  readonly readOnly: boolean;
  /** Not set on the topic (or, for brokers, false: broker configs come from the node's config). */
  readonly isDefault: boolean;
}

/**
 * AlterConfigs with IncrementalAlterConfigs' meaning (KIP-339): keys in
 * `set` are set, keys in `delete` return to their defaults, the others keep
 * their values. `replace` is Kafka's legacy AlterConfigs: `set` becomes the
 * resource's whole override set (`delete` must be empty). Only topics can
 * be altered (broker configs are static: INVALID_REQUEST). APPEND and
 * SUBTRACT are not served.
 */
export interface AlterConfigsRequest {
  readonly resources: readonly AlterConfigsResource[];
  readonly validateOnly: boolean;
}

export interface AlterConfigsResource {
  readonly resourceType: ConfigResourceType;
  readonly resourceName: string;
  readonly set: Readonly<Record<string, string>>;
  readonly delete: readonly string[];
  readonly replace?: boolean;
}

export interface AlterConfigsResponse {
  readonly results: AlterConfigsResult[];
}

export interface AlterConfigsResult {
  error: ApiError | null;
  readonly resourceType: ConfigResourceType;
  readonly resourceName: string;
}
