/**
 * gRPC options for every long-lived channel and every server, defined once.
 *
 * Why keepalive: a connection can die without closing — a peer cut off by a
 * network partition, a NAT or firewall that dropped its state, a host that
 * vanished. Nothing arrives, nothing fails: grpc-js keeps sending calls down
 * it, each waits out its deadline, and after the cut heals TCP's own
 * retransmission backoff can keep it silent for many more seconds (issue
 * #10 item 3: 14 s of "Deadline exceeded" after a 40 s cut while Raft was
 * back in 1.6 s). With keepalive the channel pings every `timeMs`; a ping
 * unanswered within `timeoutMs` closes the connection, the calls on it fail
 * at once (UNAVAILABLE, retriable) and the channel reconnects — so a dead
 * connection is noticed within timeMs + timeoutMs instead of never.
 *
 * Costs: one 17-byte PING frame and its ACK per connection per `timeMs`.
 * The ACK comes from the peer's event loop, so a peer stalled for longer
 * than `timeoutMs` (a GC pause, an overloaded machine) looks dead too and
 * its in-flight calls are retried on a new connection — hence a timeout
 * well above the stalls we see under load, not the shortest possible one.
 *
 * Plain values (no grpc-js import): they fit grpc.ChannelOptions and
 * grpc.ServerOptions.
 */

export interface GrpcKeepalive {
  /** Ping after this long (ms): grpc.keepalive_time_ms. */
  readonly timeMs: number;
  /** The connection is dead when the ping is not answered within this (ms): grpc.keepalive_timeout_ms. */
  readonly timeoutMs: number;
}

/**
 * Between nodes (Raft, broker → controller, follower → leader): few
 * connections, and a dead one costs availability, so it is found within
 * 5 s. Raft's own heartbeats flow every tick anyway; the ping adds nothing
 * measurable.
 */
export const INTER_NODE_KEEPALIVE: GrpcKeepalive = { timeMs: 2000, timeoutMs: 3000 };

/**
 * SDK clients to brokers: many connections per broker, so pings are rarer
 * (a broker with 10 000 client connections answers 2 000 pings a second);
 * a dead connection is found within 10 s, well inside the SDK's 30 s
 * request timeout.
 */
export const CLIENT_KEEPALIVE: GrpcKeepalive = { timeMs: 5000, timeoutMs: 5000 };

/**
 * Options for a client channel: keepalive (also while no call is active, so
 * an idle channel is found dead before the next call needs it) and a short
 * reconnect backoff (a restarted peer is found again within about a second),
 * then `extra` (message size limits, user agent, …), which may override.
 */
export function grpcChannelOptions(keepalive: GrpcKeepalive, extra: Readonly<Record<string, string | number>> = {}): Record<string, string | number> {
  return {
    'grpc.keepalive_time_ms': keepalive.timeMs,
    'grpc.keepalive_timeout_ms': keepalive.timeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    // C-core clients stop pinging after 2 pings without data unless told otherwise.
    'grpc.http2.max_pings_without_data': 0,
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.min_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 1000,
    ...extra,
  };
}

/**
 * HTTP/2 receive window of an SDK channel, per stream and per connection
 * (grpc-js's `grpc-node.flow_control_window`). Node's default is 64 KiB and
 * grpc-js does no BDP probing (C-core and Go clients do), so a stream could
 * bring at most 64 KiB per round trip: a Subscribe stream, or a large Fetch
 * response, then moved in lockstep with the reader's event loop — on a
 * loaded machine ~2 MB/s (~15k records/s of 100 bytes) per stream. The
 * window adds no memory of its own: fetch responses are bounded by the
 * consumer's maxBytes and Subscribe pushes by the stream's
 * max_outstanding_bytes, whatever the window.
 */
export const CLIENT_FLOW_CONTROL_WINDOW_BYTES = 4 * 1024 * 1024;

/** The server side of keepalive: how often the server pings idle clients (dead client connections are dropped). */
export const SERVER_KEEPALIVE: GrpcKeepalive = { timeMs: 10_000, timeoutMs: 5000 };

/**
 * Options for a server: it pings its clients (SERVER_KEEPALIVE) to drop
 * connections of clients that vanished (their long-poll fetches and
 * watches would otherwise be held until their deadline), and it accepts
 * our clients' pings — also without calls, as often as every second — so
 * that a gRPC implementation that enforces a ping policy (C-core, Java;
 * grpc-js 1.14 does not) never answers them with GOAWAY ENHANCE_YOUR_CALM.
 */
export function grpcServerOptions(extra: Readonly<Record<string, string | number>> = {}): Record<string, string | number> {
  return {
    'grpc.keepalive_time_ms': SERVER_KEEPALIVE.timeMs,
    'grpc.keepalive_timeout_ms': SERVER_KEEPALIVE.timeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': Math.min(1000, INTER_NODE_KEEPALIVE.timeMs, CLIENT_KEEPALIVE.timeMs),
    'grpc.http2.max_ping_strikes': 0,
    ...extra,
  };
}

/**
 * Unanswered requests one ProduceStream may hold (client.proto): the
 * broker ends a stream that goes over it (RESOURCE_EXHAUSTED) and the SDK
 * sends requests beyond it as unary Produce calls instead. A producer keeps
 * a handful in flight per broker, so this is only reached by many
 * producers sharing one client.
 */
export const PRODUCE_STREAM_MAX_OUTSTANDING = 1000;
