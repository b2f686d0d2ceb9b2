"""A few lines every Python example shares: channels to several nodes and the
retry policy that records.proto documents for generated clients.

Needs only the stubs generated from proto/gregor/v1/records.proto (see
gen-stubs.sh) on PYTHONPATH, and Debian's python3-grpcio.
"""
import random
import time

import grpc

from gregor.v1 import records_pb2_grpc

# Retried with backoff on the next node: the node cannot serve right now.
RETRY_ON_NEXT_NODE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED}


def error_name(err):
    """Kafka's error name from a failed call's trailing metadata (gregor-error-name)."""
    for key, value in err.trailing_metadata() or ():
        if key == "gregor-error-name":
            return value
    return None


class Nodes:
    """One channel per node; `call` runs an RPC with records.proto's retry policy."""

    def __init__(self, bootstrap, attempts=30, initial_backoff_s=0.1, max_backoff_s=2.0):
        self.addresses = [a.strip() for a in bootstrap.split(",") if a.strip()]
        self.channels = [grpc.insecure_channel(a) for a in self.addresses]
        self.stubs = [records_pb2_grpc.RecordsStub(c) for c in self.channels]
        self.current = 0
        self.attempts = attempts
        self.initial_backoff_s = initial_backoff_s
        self.max_backoff_s = max_backoff_s

    def call(self, method, request, timeout_s=30):
        """stub.<method>(request) on the current node; UNAVAILABLE, DEADLINE_EXCEEDED and
        RESOURCE_EXHAUSTED/THROTTLING_QUOTA_EXCEEDED are retried with backoff (the first two
        on the next node); anything else is raised: the request needs fixing."""
        for attempt in range(self.attempts):
            try:
                return getattr(self.stubs[self.current], method)(request, timeout=timeout_s)
            except grpc.RpcError as err:
                throttled = err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED and error_name(err) == "THROTTLING_QUOTA_EXCEEDED"
                if err.code() not in RETRY_ON_NEXT_NODE and not throttled:
                    raise
                if attempt == self.attempts - 1:
                    raise
                if not throttled:
                    self.current = (self.current + 1) % len(self.stubs)
                self.backoff(attempt)
        raise AssertionError("unreachable")

    def backoff(self, attempt):
        ceiling = min(self.max_backoff_s, self.initial_backoff_s * 2 ** attempt)
        time.sleep(ceiling * (0.5 + random.random() / 2))

    def close(self):
        for c in self.channels:
            c.close()
