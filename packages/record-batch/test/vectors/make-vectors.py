#!/usr/bin/python3
"""Regenerates the codec test vectors (run by hand; tests only read the .bin files).

Kafka clients' own encoders write these bytes, so the tests check Gregor
against them, not against itself:
  kafka-python-<codec>.bin  whole RecordBatch v2 batches from kafka-python
                            2.0.2's DefaultRecordBatchBuilder (its producer's
                            encoder): snappy is xerial-framed like Kafka's Java
                            client, lz4 a frame with independent blocks, zstd
                            a frame with its content size.
  records.bin               the uncompressed records section of the same batch.
  records.<tool>.bin        that section compressed by other writers: raw
                            snappy (python-snappy, libsnappy: the form
                            librdkafka produces), and the Debian lz4 and zstd
                            command-line tools (content checksums on).
Needs: python3-kafka python3-snappy python3-lz4 python3-zstandard lz4 zstd.
"""
import subprocess
import snappy
from kafka.record.default_records import DefaultRecordBatchBuilder

CODECS = {'none': 0, 'gzip': 1, 'snappy': 2, 'lz4': 3, 'zstd': 4}
RECORDS = 40
BASE_TIMESTAMP_MS = 1_700_000_000_000


def batch(codec):
    b = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=False,
                                  producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    for i in range(RECORDS):
        key = None if i % 7 == 3 else ('key-%d' % i).encode()
        value = None if i % 11 == 5 else (('record-%d-' % i) + 'abcdefghij' * 100).encode()
        headers = [('h%d' % i, ('v%d' % i).encode())] if i % 3 == 0 else []
        b.append(i, BASE_TIMESTAMP_MS + i, key, value, headers)
    return bytes(b.build())


for name, codec in CODECS.items():
    with open('kafka-python-%s.bin' % name, 'wb') as f:
        f.write(batch(codec))

records = batch(0)[61:]
open('records.bin', 'wb').write(records)
open('records.snappy-raw.bin', 'wb').write(snappy.compress(records))
open('records.lz4-cli.bin', 'wb').write(subprocess.run(['lz4', '-c', '-9'], input=records, capture_output=True, check=True).stdout)
open('records.zstd-cli.bin', 'wb').write(subprocess.run(['zstd', '-c', '-q', '-19'], input=records, capture_output=True, check=True).stdout)
