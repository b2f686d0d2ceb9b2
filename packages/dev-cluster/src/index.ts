export * from './layout';
export * from './cluster';
export { DevClusterError } from './errors';
export { findFreeBasePort, isAlive } from './process';
