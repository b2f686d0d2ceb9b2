/** The broker's protocol-neutral API: what every front end decodes into and encodes from. */
export type { BrokerApi } from './broker-api';
export type { ApiError, RequestContext } from './context';
export type * from './produce';
export type * from './fetch';
export type * from './metadata';
export type * from './topics';
export type * from './records';
export * from './configs';
export type * from './producer-id';
export * from './groups';
export type * from './transactions';
