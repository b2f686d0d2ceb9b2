export * from './layout';
export * from './cluster';
export * from './locate';
export { DevClusterError } from './errors';
export { findFreeBasePort, isAlive } from './process';
