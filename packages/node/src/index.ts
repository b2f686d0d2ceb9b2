export { startNode, brokerConfigFor, type RunningNode, type StartNodeOptions } from './start-node';
export { NODE_CONFIG_SCHEMA, loadNodeConfig, nodeConfig, toNodeConfig, type NodeConfig } from './node-config';
export { parseListeners, parseQuorumVoters, LISTENER_NAMES, type Listener, type ListenerName } from './listeners';
export { parseNodeArgs, USAGE, type ParsedArgs } from './args';
export { NodeMetrics } from './metrics';
