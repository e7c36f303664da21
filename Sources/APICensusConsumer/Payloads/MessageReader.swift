#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import APICensusCore
import APICensusKafka

/// Turns Kafka message values into parsed log lines, on the parsing thread.
///
/// A value is raw log text (one or several newline-separated lines) or a shipper's JSON envelope
/// around it (Filebeat, Fluent Bit, Vector, Logstash: unwrapped first, with Core's shipper-JSON
/// unwrapper). The format is fixed per topic or detected (with the envelope detection finds inside,
/// syslog for example): the detection is cached per topic and redone when a message's shape stops
/// matching it (a JSON object for a text format or the reverse) and after a message whose every
/// line the cached format rejected (that message stays counted as rejected: nothing is parsed twice).
///
/// Consecutive messages of a partition whose values are log text in the topic's current format
/// lie one after the other in the batch (`KafkaMessageBatch`): they are parsed as ONE chunk, with a
/// table of where each message starts (`JoinedRecords`) so that a rejected line is still named by
/// its message's offset and its line within the message. That makes the per-message cost a few
/// array appends instead of a parser call and an update of the input's counters. The result is the
/// same as reading the messages one by one: a message whose every line is rejected ends the chunk
/// when the format is detected, and the next message is detected again.
///
/// Messages that hold no log text — null values (tombstones), empty values, values over
/// `maxMessageBytes` — are counted as rejected with their own reasons and logged with topic,
/// partition and offset. Nothing here grows with the number of messages.
struct MessageReader {
    /// A fresh reader per topic: each partition reads with its own copy (`makeTopicReader`).
    private let topics: [TopicReader]
    /// Filebeat / Logstash / Vector / Fluent Bit JSON documents (`message`, `log`, `event.original`).
    private var unwrapper = EnvelopeUnwrapper(.shipperJSON)
    let maxMessageBytes: Int
    private var logged: [RejectReason: Int] = [:]
    private let log: @Sendable (String) -> Void
    /// The messages being joined into one chunk (reused from run to run).
    private var run = JoinedRecords()

    /// Bad messages logged one by one per reason before the log goes quiet (they stay counted).
    static let loggedPerReason = 20

    init(topics: [TopicSettings], maxMessageBytes: Int, log: @escaping @Sendable (String) -> Void) {
        self.topics = topics.map(TopicReader.init)
        self.maxMessageBytes = maxMessageBytes
        self.log = log
    }

    /// The parsers and format plan for one partition of topic `topicIndex`. Each partition has its
    /// own: a partition is one ordered stream, and multi-line records (ModSecurity audit records,
    /// transactions gathered from error-log lines), a W3C `#Fields` header and container-log
    /// fragments only make sense within it — two partitions' lines must never meet in one parser.
    func makeTopicReader(topicIndex: Int) -> TopicReader {
        topics[topicIndex >= 0 && topicIndex < topics.count ? topicIndex : 0]
    }

    /// Reads messages `range` of `batch`, all of one partition, into that partition's aggregator
    /// (input 0 of it), in order.
    mutating func read(_ batch: KafkaMessageBatch, _ range: Range<Int>, partition key: PartitionKey,
                       with topic: inout TopicReader, into aggregator: inout CallAggregator) {
        guard !range.isEmpty else { return }
        var runStart = range.lowerBound
        run.removeAll()
        var i = range.lowerBound
        while true {
            guard i < range.upperBound else {
                // The run's last records may have to be read again (see `flush`).
                if let resume = flush(batch, runStart, with: &topic, into: &aggregator) { i = resume; continue }
                return
            }
            let offset = batch.offset(at: i)
            let location = LineLocation(input: 0, chunk: 0, lineInChunk: 0, byteOffset: offset)
            let length = batch.valueLength(at: i)
            if length <= 0 || length > maxMessageBytes {
                if let resume = flush(batch, runStart, with: &topic, into: &aggregator) { i = resume; continue }
                if length == KafkaMessageBatch.unreadableLength {
                    reject(.unreadableMessage, key, offset, bytes: 0,
                           "message the Kafka client could not read (a bad or undecompressable record batch from this offset on; its error is logged); skipped", &aggregator, at: location)
                } else if length < 0 {
                    reject(.nullMessage, key, offset, bytes: 0, "null value: a tombstone", &aggregator, at: location)
                } else if length == 0 {
                    reject(.emptyMessage, key, offset, bytes: 0, "empty value", &aggregator, at: location)
                } else {
                    reject(.oversizedMessage, key, offset, bytes: Int64(length),
                           "value of \(length) bytes is over --max-message-bytes \(maxMessageBytes); not read", &aggregator, at: location)
                }
                i += 1
                continue
            }
            let value = batch.value(at: i)!
            // Only a JSON object can be a shipper document: raw lines skip the unwrapper altogether.
            // An enveloped message is read alone (its inner line is not in the batch's buffer).
            let first = TopicReader.firstNonBlank(value)
            if topic.envelopes, first == UInt8(ascii: "{"),
               case .line(let inner) = unwrapper.unwrap(value) {
                // The unwrapper keeps no state between documents: a message read again after a
                // resume is unwrapped again, to the same line.
                if let resume = flush(batch, runStart, with: &topic, into: &aggregator) { i = resume; continue }
                if inner.count == 0 {
                    reject(.emptyMessage, key, offset, bytes: Int64(length),
                           "envelope whose log field is empty", &aggregator, at: location)
                } else {
                    topic.read(inner, offset: offset, into: &aggregator)
                }
                i += 1
                continue
            }
            if topic.needsDetection(firstByte: first) {
                // The run so far was read with the plan it was joined under.
                if let resume = flush(batch, runStart, with: &topic, into: &aggregator) { i = resume; continue }
                topic.detect(value)
            }
            if run.isEmpty { runStart = i }
            run.append(offset: offset, length: batch.spanLength(at: i), addedSeparator: batch.separatorAdded(at: i))
            i += 1
        }
    }

    /// Parses the joined run, if any. When the topic's format is detected and a message of the run
    /// had every line rejected, parsing stops after it (the plan is dropped): returns the index of
    /// the next message, to be read again from there (joined anew, after a new detection).
    private mutating func flush(_ batch: KafkaMessageBatch, _ runStart: Int, with topic: inout TopicReader,
                                into aggregator: inout CallAggregator) -> Int? {
        guard !run.isEmpty else { return nil }
        let count = run.count
        let result = topic.read(joined: batch.joinedValues(runStart ..< runStart + count), records: run, into: &aggregator)
        run.removeAll()
        if let stopped = result.stoppedAfterRejectedRecord, stopped + 1 < count { return runStart + stopped + 1 }
        return nil
    }

    private mutating func reject(_ reason: RejectReason, _ key: PartitionKey, _ offset: Int64, bytes: Int64, _ what: String,
                                 _ aggregator: inout CallAggregator, at location: LineLocation) {
        aggregator.recordRejectedMessage(reason, at: location, bytes: bytes, note: what)
        let count = logged[reason, default: 0] + 1
        logged[reason] = count
        if count <= MessageReader.loggedPerReason {
            log("apicensus: kafka: \(key.topic) partition \(key.partition) offset \(offset): \(what); counted as \(reason.rawValue)")
        } else if count == MessageReader.loggedPerReason + 1 {
            log("apicensus: kafka: more \(reason.rawValue) messages; no longer logged one by one (counted in input.rejected_by_reason)")
        }
    }
}

/// One topic's parsers and its cached format plan.
struct TopicReader {
    let settings: TopicSettings
    let envelopes: Bool
    private let formats: FormatSet
    /// The plan in use: the fixed format, or the last detected plan (format, and an envelope such as
    /// syslog around each line); nil: detect on the next message.
    private(set) var plan: FormatPlan? {
        didSet {
            if plan != oldValue { context = settings.inputContext(for: plan, formats: formats) }
            if plan != nil { lastPlan = plan }
        }
    }
    /// The plan the partition was last read with (kept when a wholly rejected message drops `plan`).
    private(set) var lastPlan: FormatPlan?
    /// Role, fields and host of the records `plan` reads, told to each partition's aggregator (the
    /// aggregator only stores it when it changed, so this is one comparison per message).
    private(set) var context: InputContext
    private var combined = CombinedLogParser(format: .combined)
    private var common = CombinedLogParser(format: .common)
    private var json: JSONLinesParser
    private var others: [FormatPlan: AnyLineParser] = [:]
    private var unrecognised = UnrecognisedFormatParser()
    /// The table of a message read alone.
    private var single = JoinedRecords()

    init(_ settings: TopicSettings) {
        self.settings = settings
        envelopes = settings.envelope == .auto
        formats = settings.formats
        plan = settings.format.map { FormatPlan(format: $0) }
        lastPlan = plan
        context = settings.inputContext(for: plan, formats: formats)
        json = JSONLinesParser(fieldMap: settings.fieldMap)
    }

    /// Hands out the records still open in this partition's parsers (a multi-line record, error-log
    /// transactions being gathered, a partial container-log line) into `aggregator`, as at the end
    /// of a file: called before each snapshot takes the partition's delta, so that a delta holds
    /// every record whose lines it covers and nothing is held outside the committed state.
    mutating func finishOpenRecords(into aggregator: inout CallAggregator, at location: LineLocation) {
        for plan in Array(others.keys) {
            aggregator.finish(&others[plan]!, input: 0, at: location)
        }
    }

    /// How the report's `input.files` lists a partition read with this reader.
    func inputDescription(_ key: PartitionKey) -> InputDescription {
        var description = key.inputDescription
        description.format = lastPlan?.format
        description.envelope = lastPlan?.envelope
        description.perLine = lastPlan?.perLine ?? false
        description.explicitRole = settings.role
        return description
    }

    /// Whether the plan must be detected (again) before `content` is read with it.
    func needsDetection(_ content: Bytes) -> Bool {
        needsDetection(firstByte: TopicReader.firstNonBlank(content))
    }

    /// The same, from the content's first non-blank byte.
    @inline(__always)
    func needsDetection(firstByte: UInt8) -> Bool {
        guard settings.format == nil else { return false }
        guard let plan else { return true }
        return !TopicReader.shapeMatches(plan, firstByte: firstByte)
    }

    mutating func detect(_ content: Bytes) {
        plan = FormatDetector.detect(sample: content, formats: formats)?.plan
    }

    /// Reads one message's log text (an envelope's inner line), detecting the format first if
    /// needed. Returns the number of lines it held.
    @discardableResult
    mutating func read(_ content: Bytes, offset: Int64, into aggregator: inout CallAggregator) -> Int {
        if needsDetection(content) { detect(content) }
        single.removeAll()
        single.append(offset: offset, length: content.count, addedSeparator: false)
        return read(joined: content, records: single, into: &aggregator).lines
    }

    /// Reads messages joined into one chunk with the current plan (the caller detected it on the
    /// first of them and checked the others' shape). When the format is detected, parsing stops
    /// after a message whose every line was rejected and the plan is dropped: the next message is
    /// detected again.
    mutating func read(joined chunk: Bytes, records: JoinedRecords, into aggregator: inout CallAggregator) -> JoinedConsumeResult {
        let stop = settings.format == nil
        // The role, fields and host of the plan's records (stored only when they changed).
        aggregator.setContext(context, for: 0)
        let result: JoinedConsumeResult
        switch plan {
        case let p? where p.envelope == nil && !p.perLine && p.format == .combined:
            result = aggregator.consume(joined: chunk, records: records, input: 0, chunkIndex: 0, stopAfterRejectedRecord: stop, parser: &combined)
        case let p? where p.envelope == nil && !p.perLine && p.format == .common:
            result = aggregator.consume(joined: chunk, records: records, input: 0, chunkIndex: 0, stopAfterRejectedRecord: stop, parser: &common)
        case let p? where p.envelope == nil && !p.perLine && p.format == .jsonLines:
            result = aggregator.consume(joined: chunk, records: records, input: 0, chunkIndex: 0, stopAfterRejectedRecord: stop, parser: &json)
        case let p?:
            var parser = others[p] ?? AnyLineParser(formats.makeParser(p))
            result = aggregator.consume(joined: chunk, records: records, input: 0, chunkIndex: 0, stopAfterRejectedRecord: stop, parser: &parser)
            others[p] = parser
        case nil:
            result = aggregator.consume(joined: chunk, records: records, input: 0, chunkIndex: 0, stopAfterRejectedRecord: stop, parser: &unrecognised)
        }
        if result.stoppedAfterRejectedRecord != nil { plan = nil }
        return result
    }

    /// JSON formats read objects, text formats do not: a message of the other kind means the
    /// producer changed and the format must be detected again.
    static func shapeMatches(_ plan: FormatPlan, firstByte: UInt8) -> Bool {
        guard plan.envelope == nil, !plan.perLine else { return true }
        let isObject = firstByte == UInt8(ascii: "{")
        if plan.format == .jsonLines { return isObject }
        if plan.format == .combined || plan.format == .common { return !isObject }
        return true  // other catalogued formats: only a wholly rejected message re-detects
    }

    static func firstNonBlank(_ bytes: Bytes) -> UInt8 {
        for b in bytes where b != 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return b }
        return 0
    }
}
