import Testing
@testable import APICensusConsumer
@testable import APICensusCore
@testable import APICensusKafka

/// Builds `KafkaMessageBatch`es from values (the same copy the polling thread makes of librdkafka's
/// messages) and reads them with the parsing thread's `MessageReader`.
enum MessageBatchTesting {
    static func batch(_ values: [[UInt8]?], partition: Int32 = 0, firstOffset: Int64 = 0) -> KafkaMessageBatch {
        var builder = KafkaMessageBatch.Builder(capacity: values.count)
        for (i, value) in values.enumerated() {
            if let value {
                value.withUnsafeBytes { builder.append(topicIndex: 0, partition: partition, offset: firstOffset + Int64(i), value: $0) }
            } else {
                builder.append(topicIndex: 0, partition: partition, offset: firstOffset + Int64(i), value: nil)
            }
        }
        return builder.build()
    }

    /// Reads values as messages of partition 0 (offsets from 0), `perBatch` messages per batch (all
    /// in one batch by default), and returns the state.
    static func read(_ values: [[UInt8]?], settings: TopicSettings = TopicSettings(name: "t"), maxBytes: Int = 1 << 20,
                     perBatch: Int = Int.max, log: LogCollector = LogCollector()) -> AggregateState {
        var reader = MessageReader(topics: [settings], maxMessageBytes: maxBytes, log: log.handler)
        var topic = reader.makeTopicReader(topicIndex: 0)
        var aggregator = CallAggregator()
        var start = 0
        while start < values.count {
            let end = min(values.count, start + min(perBatch, values.count))
            let batch = batch(Array(values[start..<end]), firstOffset: Int64(start))
            reader.read(batch, 0 ..< batch.count, partition: PartitionKey(topic: settings.name, partition: 0), with: &topic,
                        into: &aggregator)
            start = end
        }
        return aggregator.snapshot()
    }
}

@Suite("Message batches: one chunk per run of messages")
struct MessageBatchingTests {
    let clf = Array(#"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/42?api_key=k3y HTTP/1.1" 200 512 "-" "curl/8.5.0""#.utf8)
    let post = Array(#"198.51.100.9 - - [10/Oct/2026:13:55:37 +0000] "POST /api/v1/orders HTTP/1.1" 201 12 "-" "app/2""#.utf8)
    let json = Array(#"{"time_iso8601":"2026-10-10T13:55:36+00:00","remote_addr":"203.0.113.7","request":"POST /api/v1/orders HTTP/1.1","status":201,"body_bytes_sent":12}"#.utf8)
    let garbage = Array("garbage password=hunter2".utf8)
    let nl: [UInt8] = [0x0A]

    func filebeat(_ line: [UInt8]) -> [UInt8] {
        let escaped = String(decoding: line, as: UTF8.self).replacingOccurrences(of: "\"", with: "\\\"")
        return Array(#"{"@timestamp":"2026-10-10T13:55:36.000Z","message":"\#(escaped)"}"#.utf8)
    }

    @Test func theBatchCopiesValuesAndEndsEachWithANewline() {
        let batch = MessageBatchTesting.batch([Array("a".utf8), Array("b\n".utf8), [], nil, Array("c\r".utf8)], firstOffset: 7)
        #expect(batch.count == 5 && batch.payloadBytes == 5)
        #expect(batch.value(at: 0).map(Array.init) == Array("a".utf8))
        #expect(batch.value(at: 1).map(Array.init) == Array("b\n".utf8))
        #expect(batch.value(at: 2).map(Array.init) == [])
        #expect(batch.value(at: 3) == nil && batch.valueLength(at: 3) == -1)
        #expect((0..<5).map { batch.separatorAdded(at: $0) } == [true, false, false, false, true])
        #expect(Array(batch.joinedValues(0 ..< 2)) == Array("a\nb\n".utf8))
        #expect(Array(batch.joinedValues(4 ..< 5)) == Array("c\r\n".utf8))
        #expect(batch.offset(at: 4) == 11 && batch.message(at: 4).payload.map(Array.init) == Array("c\r".utf8))
    }

    /// The polling thread's next batches reuse the buffers of batches the parsing thread released.
    @Test func releasedBatchesGiveTheirBuffersBack() {
        let pool = KafkaBatchBufferPool(limit: 2)
        func fill(_ text: String, count: Int) -> KafkaMessageBatch {
            var builder = KafkaMessageBatch.Builder(capacity: count, pool: pool)
            for i in 0..<count {
                Array(text.utf8).withUnsafeBytes { builder.append(topicIndex: 0, partition: 0, offset: Int64(i), value: $0) }
            }
            return builder.build()
        }
        var first: KafkaMessageBatch? = fill("one", count: 3)
        #expect(pool.count == 0)
        first = nil
        #expect(first == nil && pool.count == 1)
        let second = fill("two two", count: 50_000)          // grows the reused buffer past its size
        #expect(pool.count == 0)
        #expect(Array(second.joinedValues(49_999 ..< 50_000)) == Array("two two\n".utf8))
        #expect(second.value(at: 0).map(Array.init) == Array("two two".utf8))
        // No more buffers are kept than the limit.
        var batches: [KafkaMessageBatch] = (0..<4).map { _ in fill("x", count: 1) }
        batches.removeAll()
        #expect(pool.count == 2)
    }

    @Test func partitionsInTheBatchKeepTheirLastOffset() {
        var builder = KafkaMessageBatch.Builder(capacity: 4)
        for (partition, offset) in [(0, 5), (0, 6), (1, 40), (0, 7), (1, 41)] as [(Int32, Int64)] {
            [UInt8]("x".utf8).withUnsafeBytes { builder.append(topicIndex: 0, partition: partition, offset: offset, value: $0) }
        }
        let batch = builder.build()
        #expect(batch.partitions.map(\.partition) == [0, 1])
        #expect(batch.partitions.map(\.lastOffset) == [7, 41])
    }

    /// Everything a partition can carry, mixed in one batch: the state must be the one of reading
    /// each message alone, and whole-message rejections keep their exact counts and offsets.
    @Test func oneBatchReadsLikeOneMessageAtATime() {
        let values: [[UInt8]?] = [
            clf, post + nl, nil, clf,                                  // 0-3
            clf + nl + garbage + nl + post, [],                        // 4-5: a rejected second line; empty
            [UInt8](repeating: 0x41, count: 300), clf,                 // 6-7: oversized
            filebeat(post), clf, garbage, post,                        // 8-11: enveloped; a wholly rejected message
            nil, nil, clf + Array("\r\n".utf8),                        // 12-14
        ]
        let log = LogCollector()
        let joined = MessageBatchTesting.read(values, maxBytes: 260, log: log)
        let alone = MessageBatchTesting.read(values, maxBytes: 260, perBatch: 1)
        #expect(joined == alone)
        #expect(joined.rejectedByReason[.nullMessage] == 3)
        #expect(joined.rejectedByReason[.emptyMessage] == 1)
        #expect(joined.rejectedByReason[.oversizedMessage] == 1)
        #expect(joined.files[0]?.parsed == 10)
        #expect(joined.files[0]?.lines == 17)
        let located = Set(joined.samples.map { "\($0.reason.rawValue)@\($0.location.byteOffset):\(joined.lineNumber(of: $0.location))" })
        #expect(located.isSuperset(of: ["null_message@2:1", "null_message@12:1", "empty_message@5:1", "oversized_message@6:1"]))
        // The rejected lines inside joined runs: message 4's second line, message 10.
        #expect(joined.samples.contains { $0.location.byteOffset == 4 && joined.lineNumber(of: $0.location) == 2 })
        #expect(joined.samples.contains { $0.location.byteOffset == 10 && joined.lineNumber(of: $0.location) == 1 })
        #expect(joined.samples.allSatisfy { !$0.text.contains("hunter2") && !$0.text.contains("k3y") })
        #expect(log.contains("t partition 0 offset 12: null value"))
        #expect(log.contains("t partition 0 offset 6: value of 300 bytes"))
        // Bytes: raw values and oversized ones whole, enveloped ones by their inner line (as before joining).
        #expect(joined.files[0]?.bytes == alone.files[0]?.bytes)
    }

    /// A detected format that rejects a whole message is detected again on the next one, in the
    /// middle of a joined run as between messages.
    @Test func aWhollyRejectedMessageInARunMakesTheNextOneDetectedAgain() {
        let haproxy = Array(FormatDescriptor.haproxy.example.utf8)
        let values: [[UInt8]?] = [clf, clf, haproxy, haproxy, haproxy, clf, json, json]
        let joined = MessageBatchTesting.read(values)
        #expect(joined == MessageBatchTesting.read(values, perBatch: 1))
        // The first HAProxy line is rejected under the combined plan (nothing is parsed twice), the
        // next two are read as HAProxy, the CLF line after them is rejected and re-detects, the JSON
        // lines change the shape.
        #expect(joined.files[0]?.parsed == 6, "\(joined.rejectedByReason)")
        #expect(joined.files[0]?.rejected == 2)
        #expect(joined.samples.map(\.location.byteOffset).sorted() == [2, 5])
        // With a fixed format nothing is detected again: every HAProxy line is rejected.
        let fixed = MessageBatchTesting.read(values, settings: TopicSettings(name: "t", format: .combined))
        #expect(fixed.files[0]?.parsed == 3 && fixed.files[0]?.rejected == 5)
    }

    /// A partition assigned at offset 100 whose first message is at 104 (transaction markers before
    /// it, or records compacted away) starts its first interval at 100 when the engine says so: no
    /// gap in merge at every restart. Later intervals start where the previous one ended.
    @Test func theFirstIntervalStartsWhereTheEngineSays() {
        var settings = ConsumeSettings()
        settings.topics = [TopicSettings(name: "t")]
        var work = PartitionWork(settings: settings, log: { _ in }) { key, first in key.partition == 0 ? 100 : first }
        var builder = KafkaMessageBatch.Builder(capacity: 4)
        clf.withUnsafeBytes { builder.append(topicIndex: 0, partition: 0, offset: 104, value: $0) }
        clf.withUnsafeBytes { builder.append(topicIndex: 0, partition: 1, offset: 7, value: $0) }
        work.read(builder.build(), topics: ["t"], metrics: ConsumerMetrics())
        let deltas = work.takeDeltas().sorted { $0.key < $1.key }
        #expect(deltas.map(\.range) == [OffsetRange(start: 100, end: 105), OffsetRange(start: 7, end: 8)])
        // An engine answer past the first message never moves the start beyond it.
        var late = PartitionWork(settings: settings, log: { _ in }) { _, _ in 500 }
        late.read(MessageBatchTesting.batch([clf], partition: 0, firstOffset: 10), topics: ["t"], metrics: ConsumerMetrics())
        #expect(late.takeDeltas().map(\.range) == [OffsetRange(start: 10, end: 11)])
    }

    /// A message librdkafka delivered as an error (corrupt, not decompressable) is counted where it
    /// lies, with its offset, between the messages around it; the delta still covers its offset.
    @Test func unreadableMessagesAreCountedAtTheirOffset() {
        var builder = KafkaMessageBatch.Builder(capacity: 4)
        clf.withUnsafeBytes { builder.append(topicIndex: 0, partition: 0, offset: 7, value: $0) }
        builder.appendUnreadable(topicIndex: 0, partition: 0, offset: 8)
        post.withUnsafeBytes { builder.append(topicIndex: 0, partition: 0, offset: 9, value: $0) }
        let batch = builder.build()
        var settings = ConsumeSettings()
        settings.topics = [TopicSettings(name: "t")]
        let log = LogCollector()
        var work = PartitionWork(settings: settings, log: log.handler)
        work.read(batch, topics: ["t"], metrics: ConsumerMetrics())
        let delta = work.takeDeltas().first
        #expect(delta?.range == OffsetRange(start: 7, end: 10))
        #expect(delta?.state.files[0]?.parsed == 2 && delta?.state.files[0]?.rejected == 1)
        #expect(delta?.state.rejectedByReason[.unreadableMessage] == 1)
        #expect(delta?.state.samples.first?.location.byteOffset == 8)
        #expect(log.contains("t partition 0 offset 8: message the Kafka client could not read"))
    }

    /// Runs of several partitions in one batch go to their own partitions, with their own offsets.
    @Test func partitionsOfOneBatchKeepTheirOffsetRanges() {
        var builder = KafkaMessageBatch.Builder(capacity: 8)
        let messages: [(Int32, Int64, [UInt8]?)] = [(0, 10, clf), (0, 11, post), (1, 500, clf), (1, 501, nil), (0, 12, garbage), (1, 502, post)]
        for (partition, offset, value) in messages {
            if let value {
                value.withUnsafeBytes { builder.append(topicIndex: 0, partition: partition, offset: offset, value: $0) }
            } else {
                builder.append(topicIndex: 0, partition: partition, offset: offset, value: nil)
            }
        }
        let batch = builder.build()
        var settings = ConsumeSettings()
        settings.topics = [TopicSettings(name: "t")]
        var work = PartitionWork(settings: settings, log: { _ in })
        work.read(batch, topics: ["t"], metrics: ConsumerMetrics())
        let deltas = work.takeDeltas().sorted { $0.key < $1.key }
        #expect(deltas.map(\.key.partition) == [0, 1])
        #expect(deltas.map(\.range) == [OffsetRange(start: 10, end: 13), OffsetRange(start: 500, end: 503)])
        #expect(deltas.map { $0.state.files[0]?.parsed } == [2, 2])
        #expect(deltas[0].state.samples.first?.location.byteOffset == 12)
        #expect(deltas[1].state.rejectedByReason[.nullMessage] == 1)
        #expect(deltas[1].state.samples.first?.location.byteOffset == 501)
        // The next interval starts where this one ended.
        let next = MessageBatchTesting.batch([clf], partition: 0, firstOffset: 13)
        work.read(next, topics: ["t"], metrics: ConsumerMetrics())
        #expect(work.takeDeltas().map(\.range) == [OffsetRange(start: 13, end: 14)])
    }
}

/// Formats whose records span lines (or whose lines depend on a header above them) read each
/// partition as its own stream, and a snapshot closes what is open.
@Suite("Multi-line formats on Kafka")
struct SequentialFormatsOnKafkaTests {
    /// The lines of one ModSecurity audit record with boundary `id` and request target `path`, as a
    /// shipper sends them one message each (blank lines are not sent: they would be empty messages).
    func auditRecord(_ id: String, _ path: String) -> [[UInt8]] {
        ModSecurityNativeParser.example
            .replacingOccurrences(of: "c7036611", with: id)
            .replacingOccurrences(of: "/api/v1/users/42?id=1%27%20or%201=1", with: path)
            .split(separator: "\n").map { Array($0.utf8) }
    }

    func batch(_ messages: [(partition: Int32, offset: Int64, value: [UInt8])]) -> KafkaMessageBatch {
        var builder = KafkaMessageBatch.Builder(capacity: messages.count)
        for m in messages {
            m.value.withUnsafeBytes { builder.append(topicIndex: 0, partition: m.partition, offset: m.offset, value: $0) }
        }
        return builder.build()
    }

    func work(format: LogFormat? = nil) -> PartitionWork {
        var settings = ConsumeSettings()
        settings.topics = [TopicSettings(name: "audit", format: format)]
        return PartitionWork(settings: settings, log: { _ in })
    }

    /// One line per message, the two partitions' records fetched in alternating batches: with one
    /// parser per topic, partition 1's `A` boundary would cut partition 0's record short.
    @Test func partitionsKeepTheirOwnRecords() {
        let first = auditRecord("aaaa0001", "/api/v1/users/7")
        let second = auditRecord("bbbb0002", "/api/v1/orders/9")
        var work = work(format: .modsecurityNative)
        let half = first.count / 2
        for (range, offset) in [(0 ..< half, Int64(0)), (half ..< first.count, Int64(half))] {
            var messages: [(partition: Int32, offset: Int64, value: [UInt8])] = []
            for (i, line) in first[range].enumerated() { messages.append((0, offset + Int64(i), line)) }
            for (i, line) in second[range].enumerated() { messages.append((1, offset + Int64(i), line)) }
            work.read(batch(messages), topics: ["audit"], metrics: ConsumerMetrics())
        }
        let deltas = work.takeDeltas().sorted { $0.key < $1.key }
        #expect(deltas.map(\.range) == [OffsetRange(start: 0, end: Int64(first.count)), OffsetRange(start: 0, end: Int64(second.count))])
        #expect(deltas.map { $0.state.files[0]?.parsed } == [1, 1])
        #expect(deltas.map { $0.state.files[0]?.rejected } == [0, 0])
        #expect(deltas[0].state.endpoints.keys.map(\.typedPath).allSatisfy { $0.hasPrefix("/api/v1/users/") })
        #expect(deltas[1].state.endpoints.keys.map(\.typedPath).allSatisfy { $0.hasPrefix("/api/v1/orders/") })
        #expect(deltas.allSatisfy { $0.state.endpoints.values.first?.calls == 1 })
    }

    /// Format detection also works per partition, on multi-line records sent one line per message.
    @Test func detectedPerPartition() {
        let lines = auditRecord("cccc0003", "/api/v1/users/8")
        var work = work()
        work.read(batch(lines.enumerated().map { (0, Int64($0.offset), $0.element) }), topics: ["audit"], metrics: ConsumerMetrics())
        let deltas = work.takeDeltas()
        #expect(deltas.first?.state.files[0]?.parsed == 1, "\(deltas.first?.state.rejectedByReason ?? [:])")
    }

    /// A record whose lines straddle a snapshot is closed into the snapshot's delta, cut short: the
    /// delta never depends on lines it does not cover, so what is committed is final. Every line is
    /// still counted, in the delta of its own offset.
    @Test func aSnapshotClosesOpenRecords() {
        let lines = auditRecord("dddd0004", "/api/v1/users/9")
        let whole = auditRecord("eeee0005", "/api/v1/users/10")
        var work = work(format: .modsecurityNative)
        let cut = 4
        work.read(batch(lines[..<cut].enumerated().map { (0, Int64($0.offset), $0.element) }), topics: ["audit"], metrics: ConsumerMetrics())
        let first = work.takeDeltas()
        #expect(first.map(\.range) == [OffsetRange(start: 0, end: Int64(cut))])
        #expect(first.first?.state.rejectedByReason[.malformed] == 1)
        #expect(first.first?.state.samples.first?.text == CallAggregator.unfinishedNote)
        #expect(first.first?.state.samples.first?.location.byteOffset == Int64(cut - 1))
        let rest = Array(lines[cut...]) + whole
        work.read(batch(rest.enumerated().map { (0, Int64(cut + $0.offset), $0.element) }), topics: ["audit"], metrics: ConsumerMetrics())
        let second = work.takeDeltas()
        #expect(second.map(\.range) == [OffsetRange(start: Int64(cut), end: Int64(lines.count + whole.count))])
        // The next record is read whole; the cut record's remaining lines are counted, not dropped.
        #expect(second.first?.state.files[0]?.parsed == 1)
        let restLines = UInt64(lines.count - cut)
        let counted = (second.first?.state.files[0]).map { $0.rejected + $0.ignored + $0.parsed }
        #expect(counted == restLines + UInt64(whole.count))
        #expect((second.first?.state.files[0]?.rejected ?? 0) > 0)
    }

    /// Transactions gathered from error-log lines are handed out at the snapshot, not kept back.
    @Test func errorLogTransactionsAreHandedOutAtTheSnapshot() {
        let line = #"2026/11/18 08:34:27 [error] 86596#86596: *1083 ModSecurity: Access denied with code 403 (phase 2). [file "/etc/crs/REQUEST-942.conf"] [id "942100"] [msg "SQL Injection"] [hostname "10.0.1.61"] [uri "/api/v1/users/1"] [unique_id "163722446755.059797"], client: 203.0.113.7, server: api.example.com, request: "GET /api/v1/users/1?id=1 HTTP/1.1", host: "api.example.com""#
        var work = work(format: .modsecurityErrorLog)
        work.read(batch([(0, 0, Array(line.utf8))]), topics: ["audit"], metrics: ConsumerMetrics())
        let deltas = work.takeDeltas()
        #expect(deltas.first?.state.files[0]?.parsed == 1, "\(deltas.first?.state.rejectedByReason ?? [:])")
        #expect(deltas.first?.state.endpoints.keys.first?.method == "GET")
    }
}

@Suite("Parsing threads")
struct PartitionRouterTests {
    /// Each partition stays with one thread while assigned; new ones go to the thread with the fewest.
    @Test func partitionsStayWithTheirThreadAndSpreadEvenly() {
        var router = PartitionRouter(threads: 2)
        let p = (0..<4).map { PartitionWork.code(0, Int32($0)) }
        let first = router.route([p[0], p[1], p[2]])
        #expect(first.map(\.0) == [0, 1])
        #expect(first.map { $0.1.count }.sorted() == [1, 2])
        let owner = Dictionary(uniqueKeysWithValues: first.flatMap { thread, codes in codes.map { ($0, thread) } })
        // Later batches: the same owners, whatever the order; a new partition goes to the lighter thread.
        for (thread, codes) in router.route([p[2], p[0], p[3]]) {
            for code in codes where code != p[3] { #expect(owner[code] == thread) }
            if codes.contains(p[3]) { #expect(first.first { $0.0 == thread }?.1.count == 1) }
        }
        // A revoked partition frees its place.
        router.forget([p[0], p[2]])
        let again = router.route([p[0]])
        #expect(again.count == 1)
        router.forget(nil)
        #expect(router.route([p[1], p[3]]).map { $0.1.count } == [1, 1])
    }

    /// The default gives every machine at least two parsing threads.
    @Test func defaultThreads() {
        #expect((2...8).contains(ConsumeSettings.defaultParseThreads))
    }
}
