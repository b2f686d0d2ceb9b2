export { KafkaProtocolError, isKafkaProtocolError, type ProtocolErrorKind } from './errors';
export { Reader } from './reader';
export { Writer, SPLICE_MIN_BYTES, type WriterOptions } from './writer';
export { ZERO_UUID, isUuid } from './uuid';
export { FrameDecoder, DEFAULT_MAX_FRAME_BYTES, type FrameDecoderOptions } from './frame-decoder';
export type { Encodable } from './codec-support';
export type { ApiDefinition, FieldSchema, MessageSchema } from './api';
export {
  isFlexible,
  requestHeaderVersion,
  responseHeaderVersion,
  apiName,
  peekRequestHeader,
  decodeRequestBody,
  encodeRequestFrame,
  encodeResponseFrame,
  decodeResponseFrame,
  unsupportedApiVersionsResponse,
  type RequestHeaderInfo,
} from './messages';
export * from './generated';
export { KafkaWireClient, type KafkaWireClientOptions, type SendOptions } from './client/wire-client';
