export * from './layout';
export * from './cluster';
export { findFreeBasePort, isAlive } from './process';
