export * from './errors';
export * from './types';
export * from './clock';
export * from './topic';
export * from './config';
export * from './logger';
export * from './retry';
export * from './poll';
