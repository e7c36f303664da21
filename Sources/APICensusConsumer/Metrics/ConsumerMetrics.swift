import CoreMetrics
import Synchronization

/// The consumer's metrics, through swift-metrics (the CLI bootstraps a Prometheus registry when
/// `--metrics-port` is given; otherwise they are no-ops). Per-partition series are created once per
/// partition and updated once per batch, not per message. Every parsing thread records here: the
/// series caches are behind a lock (the series themselves are thread-safe).
///
/// Created after the metrics system is bootstrapped (swift-metrics binds a series to the factory in
/// place when it is created: one made before `MetricsSystem.bootstrap` stays a no-op).
final class ConsumerMetrics: Sendable {
    private struct PartitionSeries: Sendable {
        let messages: Counter
        let bytes: Counter
        let lag: Gauge
    }

    private let series = Mutex<[PartitionKeyLabel: PartitionSeries]>([:])
    private let rejected = Mutex<[String: Counter]>([:])
    let snapshots = Counter(label: "apicensus_snapshots_total")
    let commitFailures = Counter(label: "apicensus_kafka_commit_failures_total")
    let lastSnapshot = Gauge(label: "apicensus_last_snapshot_timestamp_seconds")
    let lastCommit = Gauge(label: "apicensus_last_commit_timestamp_seconds")
    let assignedPartitions = Gauge(label: "apicensus_kafka_assigned_partitions")
    let linesParsed = Counter(label: "apicensus_lines_parsed_total")
    let linesRejected = Counter(label: "apicensus_lines_rejected_total")

    struct PartitionKeyLabel: Hashable, Sendable {
        var topic: String
        var partition: Int32
    }

    func recordBatch(topic: String, partition: Int32, messages: Int, bytes: Int) {
        let s = partitionSeries(topic: topic, partition: partition)
        s.messages.increment(by: messages)
        s.bytes.increment(by: bytes)
    }

    func recordLag(topic: String, partition: Int32, lag: Int64) {
        partitionSeries(topic: topic, partition: partition).lag.record(lag)
    }

    /// Lines parsed and rejected since the last call, by topic.
    func recordLines(topic: String, parsed: UInt64, rejected count: UInt64) {
        if parsed > 0 { linesParsed.increment(by: Int(parsed)) }
        if count > 0 {
            let counter = rejected.withLock { cache in
                if let known = cache[topic] { return known }
                let made = Counter(label: "apicensus_parse_errors_total", dimensions: [("topic", topic)])
                cache[topic] = made
                return made
            }
            counter.increment(by: Int(count))
            linesRejected.increment(by: Int(count))
        }
    }

    private func partitionSeries(topic: String, partition: Int32) -> PartitionSeries {
        let key = PartitionKeyLabel(topic: topic, partition: partition)
        return series.withLock { cache in
            if let s = cache[key] { return s }
            let dimensions = [("topic", topic), ("partition", String(partition))]
            let s = PartitionSeries(
                messages: Counter(label: "apicensus_kafka_messages_total", dimensions: dimensions),
                bytes: Counter(label: "apicensus_kafka_bytes_total", dimensions: dimensions),
                lag: Gauge(label: "apicensus_kafka_consumer_lag", dimensions: dimensions))
            cache[key] = s
            return s
        }
    }
}
