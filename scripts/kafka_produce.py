#!/usr/bin/env python3
"""Produces test messages into a Kafka topic (integration tests, scripts/bench-kafka).

usage: kafka_produce.py --brokers HOST:PORT --topic T [--partitions N] [--start K] FILE [FILE...]

Each line of each FILE (without its newline) becomes one message, sent to partition (K + i) % N when
--partitions is given (K defaults to 0), or left to the partitioner. Special lines:
  @tombstone   a message with a null value
  @empty       a message with an empty value
Prints the number of messages delivered; exits non-zero if any delivery failed.
"""
import argparse
import sys

from confluent_kafka import Producer

parser = argparse.ArgumentParser()
parser.add_argument("--brokers", required=True)
parser.add_argument("--topic", required=True)
parser.add_argument("--partitions", type=int)
parser.add_argument("--start", type=int, default=0)
parser.add_argument("files", nargs="+")
args = parser.parse_args()

failures = []
delivered = 0


def report(err, _msg):
    global delivered
    if err is not None:
        failures.append(str(err))
    else:
        delivered += 1


producer = Producer({"bootstrap.servers": args.brokers, "linger.ms": 20, "batch.num.messages": 10000,
                     "queue.buffering.max.messages": 1000000, "message.timeout.ms": 120000})
index = args.start
for path in args.files:
    with open(path, "rb") as f:
        for raw in f:
            line = raw[:-1] if raw.endswith(b"\n") else raw
            value = None if line == b"@tombstone" else (b"" if line == b"@empty" else line)
            kwargs = {"partition": index % args.partitions} if args.partitions else {}
            while True:
                try:
                    producer.produce(args.topic, value=value, on_delivery=report, **kwargs)
                    break
                except BufferError:
                    producer.poll(0.1)
            index += 1
            if index % 10000 == 0:
                producer.poll(0)
remaining = producer.flush(120)
if failures or remaining:
    sys.exit(f"kafka_produce: {len(failures)} failed, {remaining} undelivered: {failures[:3]}")
print(delivered)
