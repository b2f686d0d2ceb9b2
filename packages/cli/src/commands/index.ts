import type { CommandModule } from '../context';
import { registerCluster } from './cluster';
import { registerConsume } from './consume';
import { registerDevCluster } from './dev-cluster';
import { registerProduce } from './produce';
import { registerTopic } from './topic';

/**
 * Every top-level command, one file each. `dev-cluster`, `cluster status`
 * and `group` register here the same way when they land.
 */
export const COMMANDS: readonly CommandModule[] = [registerTopic, registerProduce, registerConsume, registerDevCluster, registerCluster];
