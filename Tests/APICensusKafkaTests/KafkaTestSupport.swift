import Foundation
import Synchronization
import Testing
@testable import APICensusConsumer
@testable import APICensusCore
import APICensusKafka

/// Collects log lines from the engine and librdkafka.
final class LogCollector: Sendable {
    private let lines = Mutex<[String]>([])
    let echo: Bool

    init(echo: Bool = ProcessInfo.processInfo.environment["APICENSUS_TEST_KAFKA_LOG"] != nil) { self.echo = echo }

    var handler: @Sendable (String) -> Void {
        { [self] line in
            lines.withLock { $0.append(line) }
            if echo { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
    }

    var all: [String] { lines.withLock { $0 } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}

/// Snapshot lines kept in memory; `onWrite` runs before the line counts as written (tests observe
/// what is committed at that moment).
final class CapturingOutput: SnapshotOutput, Sendable {
    private let lines = Mutex<[[UInt8]]>([])
    private let onWrite: @Sendable ([UInt8]) -> Void

    init(onWrite: @escaping @Sendable ([UInt8]) -> Void = { _ in }) { self.onWrite = onWrite }

    func write(_ line: [UInt8]) throws {
        onWrite(line)
        lines.withLock { $0.append(line) }
    }

    var all: [[UInt8]] { lines.withLock { $0 } }
}

/// One snapshot line, read back.
struct DecodedSnapshot {
    var sequence: Int
    var isFinal: Bool
    var deltas: [PartitionDelta]
    var document: [String: Any]
    var parsedLines: Int { (document["input"] as? [String: Any])?["parsed"] as? Int ?? -1 }
}

enum KafkaTestSupport {
    static func decode(_ line: [UInt8]) throws -> DecodedSnapshot {
        let object = try JSONSerialization.jsonObject(with: Data(line)) as! [String: Any]
        let snapshot = object["snapshot"] as! [String: Any]
        let state = object["state"] as! [String: Any]
        var deltas: [PartitionDelta] = []
        for d in state["deltas"] as! [[String: Any]] {
            let bytes = try Base64.decode(Array((d["data"] as! String).utf8))
            deltas.append(PartitionDelta(
                key: PartitionKey(topic: d["topic"] as! String, partition: Int32(d["partition"] as! Int)),
                range: OffsetRange(start: Int64(d["start"] as! Int), end: Int64(d["end"] as! Int)),
                state: try AggregateState(encoded: bytes)))
        }
        return DecodedSnapshot(sequence: snapshot["sequence"] as! Int, isFinal: snapshot["final"] as! Bool,
                               deltas: deltas, document: object)
    }

    /// Every delta of every output, deduplicated per partition by `DeltaChain`, merged.
    static func merge(_ outputs: [[[UInt8]]]) throws -> (state: AggregateState, chains: [PartitionKey: DeltaChain.Selection]) {
        var byPartition: [PartitionKey: [PartitionDelta]] = [:]
        for output in outputs {
            for line in output {
                for d in try decode(line).deltas { byPartition[d.key, default: []].append(d) }
            }
        }
        var state = AggregateState()
        var chains: [PartitionKey: DeltaChain.Selection] = [:]
        for (key, deltas) in byPartition {
            let selection = DeltaChain.select(deltas)
            chains[key] = selection
            for d in selection.chosen { state.merge(d.state) }
        }
        return (state, chains)
    }

    /// Combined-format access-log lines (no trailing newline), deterministic.
    static func logLines(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = LogGenerator(style: .combined, seed: seed)
        return (0..<count).map { _ in
            var line: [UInt8] = []
            generator.appendLine(to: &line)
            if line.last == 0x0A { line.removeLast() }
            return line
        }
    }

    /// The endpoints the lines hold, aggregated in one go: what any split must merge back to.
    static func truth(_ lines: [[UInt8]]) -> [RawEndpointKey: EndpointStats] {
        var aggregator = CallAggregator()
        var parser = CombinedLogParser(format: .combined)
        var all: [UInt8] = []
        for line in lines { all += line + [0x0A] }
        all.withUnsafeBufferPointer {
            _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser)
        }
        return aggregator.snapshot().endpoints
    }

    /// Settings for a consumer of `topic` on `bootstrap`, with short group timeouts.
    static func settings(bootstrap: String, group: String, topics: [String], exitAtEnd: Bool,
                         interval: Int64 = 60_000) -> ConsumeSettings {
        var s = ConsumeSettings()
        s.properties = KafkaProperties([
            ("bootstrap.servers", bootstrap), ("group.id", group), ("auto.offset.reset", "earliest"),
            ("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "500"), ("topic.metadata.refresh.interval.ms", "1000"),
            ("reconnect.backoff.max.ms", "500"),
        ])
        s.topics = topics.map { TopicSettings(name: $0) }
        s.exitAtEnd = exitAtEnd
        s.snapshotIntervalMillis = interval
        s.instance = "test/\(group)"
        return s
    }

    /// Waits until `condition` holds, up to `seconds`.
    static func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    static func produce(_ lines: [[UInt8]], to topic: String, partitions: Int32, bootstrap: String, startIndex: Int = 0) throws {
        let producer = try KafkaProducer(properties: KafkaProperties([("bootstrap.servers", bootstrap), ("linger.ms", "5")]),
                                         logHandler: { _ in })
        for (i, line) in lines.enumerated() {
            try producer.produce(topic: topic, partition: Int32((startIndex + i) % Int(partitions)), value: line)
        }
        try producer.flush(timeoutMilliseconds: 30_000)
    }
}
