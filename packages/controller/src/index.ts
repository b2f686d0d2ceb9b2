export * from './records';
export * from './image';
export * from './placement';
export * from './election';
export * from './plans';
