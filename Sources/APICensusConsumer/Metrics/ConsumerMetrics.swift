import CoreMetrics
import Synchronization

/// The consumer's metrics, through swift-metrics (the CLI bootstraps a Prometheus registry when
/// `--metrics-port` is given; otherwise they are no-ops). Per-partition series are created once per
/// partition and updated once per batch, not per message.
final class ConsumerMetrics: @unchecked Sendable {
    private struct PartitionSeries {
        let messages: Counter
        let bytes: Counter
        let lag: Gauge
    }

    private var series: [PartitionKeyLabel: PartitionSeries] = [:]
    private var rejected: [String: Counter] = [:]
    let snapshots = Counter(label: "apicensus_snapshots_total")
    let commitFailures = Counter(label: "apicensus_kafka_commit_failures_total")
    let lastSnapshot = Gauge(label: "apicensus_last_snapshot_timestamp_seconds")
    let lastCommit = Gauge(label: "apicensus_last_commit_timestamp_seconds")
    let assignedPartitions = Gauge(label: "apicensus_kafka_assigned_partitions")
    let linesParsed = Counter(label: "apicensus_lines_parsed_total")
    let linesRejected = Counter(label: "apicensus_lines_rejected_total")

    struct PartitionKeyLabel: Hashable {
        var topic: String
        var partition: Int32
    }

    /// Called by the parsing thread only.
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
            let counter = rejected[topic] ?? Counter(label: "apicensus_parse_errors_total", dimensions: [("topic", topic)])
            rejected[topic] = counter
            counter.increment(by: Int(count))
            linesRejected.increment(by: Int(count))
        }
    }

    private func partitionSeries(topic: String, partition: Int32) -> PartitionSeries {
        let key = PartitionKeyLabel(topic: topic, partition: partition)
        if let s = series[key] { return s }
        let dimensions = [("topic", topic), ("partition", String(partition))]
        let s = PartitionSeries(
            messages: Counter(label: "apicensus_kafka_messages_total", dimensions: dimensions),
            bytes: Counter(label: "apicensus_kafka_bytes_total", dimensions: dimensions),
            lag: Gauge(label: "apicensus_kafka_consumer_lag", dimensions: dimensions))
        series[key] = s
        return s
    }
}
