import type { CommandModule } from '../context';
import { registerCluster } from './cluster';
import { registerConnect } from './connect';
import { registerConsume } from './consume';
import { registerDevCluster } from './dev-cluster';
import { registerGroup } from './group';
import { registerProduce } from './produce';
import { registerStreams } from './streams';
import { registerSubscribe } from './subscribe';
import { registerTopic } from './topic';
import { registerTransactions } from './transactions';

/**
 * Every top-level command, one file each.
 */
export const COMMANDS: readonly CommandModule[] = [registerTopic, registerProduce, registerConsume, registerSubscribe, registerDevCluster, registerCluster, registerGroup, registerConnect, registerTransactions, registerStreams];
