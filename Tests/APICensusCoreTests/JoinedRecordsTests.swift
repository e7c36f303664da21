import Testing
@testable import APICensusCore

/// A chunk joined from records (consecutive Kafka messages) must aggregate exactly like the records
/// consumed one by one, each line located at (record offset, line within the record).
@Suite struct JoinedRecordsTests {
    static let clf = #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/42?token=s3cr3t HTTP/1.1" 200 512 "-" "curl/8.5.0""#
    static let post = #"198.51.100.9 - - [10/Oct/2026:13:55:37 +0000] "POST /api/v1/orders HTTP/1.1" 201 12 "-" "app/2""#

    /// Joins `values` the way a Kafka batch does: a `\n` added after each value that does not end with one.
    static func join(_ values: [String], firstOffset: Int64 = 100) -> (bytes: [UInt8], records: JoinedRecords) {
        var bytes: [UInt8] = []
        var records = JoinedRecords()
        for (i, value) in values.enumerated() {
            let v = Array(value.utf8)
            let separator = v.last != 0x0A
            bytes += v
            if separator { bytes.append(0x0A) }
            records.append(offset: firstOffset + Int64(i), length: v.count + (separator ? 1 : 0), addedSeparator: separator)
        }
        return (bytes, records)
    }

    /// The reference: each record consumed alone, line by line, at its own offset (how the consumer
    /// read messages before they were joined).
    static func oneByOne(_ values: [String], firstOffset: Int64 = 100, options: AggregationOptions = AggregationOptions()) -> AggregateState {
        var aggregator = CallAggregator(options: options)
        var parser = CombinedLogParser(format: .combined)
        for (i, value) in values.enumerated() {
            var lines = value.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if value.hasSuffix("\n") { lines.removeLast() }
            for (n, line) in lines.enumerated() {
                var bytes = Array(line.utf8)
                if n < lines.count - 1 || value.hasSuffix("\n") { bytes.append(0x0A) }
                bytes.withUnsafeBufferPointer {
                    _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: n, startOffset: firstOffset + Int64(i), parser: &parser)
                }
            }
        }
        return aggregator.snapshot()
    }

    static func joined(_ values: [String], stop: Bool = false, options: AggregationOptions = AggregationOptions())
        -> (state: AggregateState, result: JoinedConsumeResult) {
        let (bytes, records) = join(values)
        var aggregator = CallAggregator(options: options)
        var parser = CombinedLogParser(format: .combined)
        let result = bytes.withUnsafeBufferPointer {
            aggregator.consume(joined: $0, records: records, input: 0, chunkIndex: 0, stopAfterRejectedRecord: stop, parser: &parser)
        }
        return (aggregator.snapshot(), result)
    }

    @Test func joinedChunkAggregatesLikeRecordsOneByOne() {
        let values = [
            Self.clf,
            Self.post + "\n",                                   // ends with its own newline: nothing added
            Self.clf + "\n" + "garbage password=hunter2" + "\n" + Self.post,  // three lines, the second rejected
            "not a log line either",
            Self.clf + "\r\n",
            Self.post + "\n\n",                                  // a line and an empty line
        ]
        let (state, result) = Self.joined(values)
        #expect(result == JoinedConsumeResult(lines: 9, records: 6, stoppedAfterRejectedRecord: nil))
        #expect(state == Self.oneByOne(values))
        #expect(state.files[0]?.lines == 9)
        #expect(state.files[0]?.parsed == 6)
        // Bytes are the values' bytes: the separators added between them are not input.
        #expect(state.files[0]?.bytes == Int64(values.reduce(0) { $0 + $1.utf8.count }))
        // Rejected lines are named by their record's offset and their line within the record.
        let located = state.samples.map { ($0.location.byteOffset, state.lineNumber(of: $0.location)) }
        #expect(located.contains { $0 == (102, 2) })    // "garbage …": record 2, line 2
        #expect(located.contains { $0 == (103, 1) })    // "not a log line either": record 3, line 1
        #expect(state.samples.allSatisfy { !$0.text.contains("hunter2") })
        #expect(state.chunkLines.count == 1)
    }

    @Test func tooLongLinesAreLocatedInTheirRecord() {
        var options = AggregationOptions()
        options.maxLineLength = 150
        let long = Self.clf + String(repeating: "x", count: 200)
        let values = [Self.clf, Self.post + "\n" + long, Self.clf]
        let (state, _) = Self.joined(values, options: options)
        #expect(state == Self.oneByOne(values, options: options))
        #expect(state.rejectedByReason[.tooLong] == 1)
        let sample = state.samples.first { $0.reason == .tooLong }
        #expect(sample?.location.byteOffset == 101 && sample.map { state.lineNumber(of: $0.location) } == 2)
    }

    @Test func stopsAfterAWhollyRejectedRecordOnlyWhenAsked() {
        let values = [Self.clf, "garbage one\ngarbage two", Self.clf, Self.post]
        let (stopped, result) = Self.joined(values, stop: true)
        #expect(result == JoinedConsumeResult(lines: 3, records: 2, stoppedAfterRejectedRecord: 1))
        #expect(stopped == Self.oneByOne(Array(values.prefix(2))))
        #expect(stopped.files[0]?.bytes == Int64(values[0].utf8.count + values[1].utf8.count))
        // Without the request everything is read.
        let (all, whole) = Self.joined(values)
        #expect(whole.records == 4 && whole.stoppedAfterRejectedRecord == nil)
        #expect(all == Self.oneByOne(values))
        // A record with one good line is not wholly rejected; a wholly rejected last record stops
        // nothing that follows.
        let (_, partial) = Self.joined([Self.clf, "garbage\n" + Self.post, Self.clf, "garbage"], stop: true)
        #expect(partial == JoinedConsumeResult(lines: 5, records: 4, stoppedAfterRejectedRecord: 3))
        let (_, first) = Self.joined(["garbage", Self.clf], stop: true)
        #expect(first == JoinedConsumeResult(lines: 1, records: 1, stoppedAfterRejectedRecord: 0))
    }

    @Test func recordLookup() {
        let (bytes, records) = Self.join(["a", "bb\n", "", "ccc"])
        #expect(records.count == 4 && records.joinedBytes == bytes.count && records.addedSeparators == 3)
        #expect(records.records.map(\.start) == [0, 2, 5, 6])
        #expect([0, 1, 2, 4, 5, 6, 9].map { records.record(containing: $0) } == [0, 0, 1, 1, 2, 3, 3])
        #expect(records.contentBytes(ofFirst: 2, chunkCount: bytes.count) == 4)
        #expect(records.contentBytes(ofFirst: 4, chunkCount: bytes.count) == 7)
    }
}
