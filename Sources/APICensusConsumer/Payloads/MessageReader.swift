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
/// Messages that hold no log text — null values (tombstones), empty values, values over
/// `maxMessageBytes` — are counted as rejected with their own reasons and logged with topic,
/// partition and offset. Nothing here grows with the number of messages.
struct MessageReader {
    private var topics: [TopicReader]
    /// Filebeat / Logstash / Vector / Fluent Bit JSON documents (`message`, `log`, `event.original`).
    private var unwrapper = EnvelopeUnwrapper(.shipperJSON)
    let maxMessageBytes: Int
    private var logged: [RejectReason: Int] = [:]
    private let log: @Sendable (String) -> Void

    /// Bad messages logged one by one per reason before the log goes quiet (they stay counted).
    static let loggedPerReason = 20

    init(topics: [TopicSettings], maxMessageBytes: Int, log: @escaping @Sendable (String) -> Void) {
        self.topics = topics.map(TopicReader.init)
        self.maxMessageBytes = maxMessageBytes
        self.log = log
    }

    /// Reads one message into the aggregator of its partition (input 0 of that aggregator).
    /// Returns the number of lines it held.
    @discardableResult
    mutating func read(_ message: KafkaMessage, partition key: PartitionKey, into aggregator: inout CallAggregator) -> Int {
        let location = LineLocation(input: 0, chunk: 0, lineInChunk: 0, byteOffset: message.offset)
        guard let payload = message.payload else {
            reject(.nullMessage, key, message.offset, bytes: 0, "null value: a tombstone", &aggregator, at: location)
            return 1
        }
        if payload.count == 0 {
            reject(.emptyMessage, key, message.offset, bytes: 0, "empty value", &aggregator, at: location)
            return 1
        }
        if payload.count > maxMessageBytes {
            reject(.oversizedMessage, key, message.offset, bytes: Int64(payload.count),
                   "value of \(payload.count) bytes is over --max-message-bytes \(maxMessageBytes); not read", &aggregator, at: location)
            return 1
        }
        let t = message.topicIndex >= 0 && message.topicIndex < topics.count ? message.topicIndex : 0
        var content = payload
        // Only a JSON object can be a shipper document: raw lines skip the unwrapper altogether.
        if topics[t].envelopes, TopicReader.firstNonBlank(payload) == UInt8(ascii: "{"),
           case .line(let inner) = unwrapper.unwrap(payload) {
            content = inner
            if content.count == 0 {
                reject(.emptyMessage, key, message.offset, bytes: Int64(payload.count),
                       "envelope whose log field is empty", &aggregator, at: location)
                return 1
            }
        }
        return topics[t].read(content, offset: message.offset, into: &aggregator)
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
        didSet { if plan != oldValue { context = settings.inputContext(for: plan, formats: formats) } }
    }
    /// Role, fields and host of the records `plan` reads, told to each partition's aggregator (the
    /// aggregator only stores it when it changed, so this is one comparison per message).
    private(set) var context: InputContext
    private var combined = CombinedLogParser(format: .combined)
    private var common = CombinedLogParser(format: .common)
    private var json: JSONLinesParser
    private var others: [FormatPlan: AnyLineParser] = [:]
    private var unrecognised = UnrecognisedFormatParser()

    init(_ settings: TopicSettings) {
        self.settings = settings
        envelopes = settings.envelope == .auto
        formats = settings.formats
        plan = settings.format.map { FormatPlan(format: $0) }
        context = settings.inputContext(for: plan, formats: formats)
        json = JSONLinesParser(fieldMap: settings.fieldMap)
    }

    mutating func read(_ content: Bytes, offset: Int64, into aggregator: inout CallAggregator) -> Int {
        let detecting = settings.format == nil
        if detecting, plan == nil || !TopicReader.shapeMatches(plan!, content) {
            plan = FormatDetector.detect(sample: content, formats: formats)?.plan
        }
        aggregator.setContext(context, for: 0)
        let rejectedBefore = aggregator.rejectedLineCount
        let lines: Int
        switch plan {
        case let p? where p.envelope == nil && !p.perLine && p.format == .combined:
            lines = TopicReader.consume(content, offset, &aggregator, &combined)
        case let p? where p.envelope == nil && !p.perLine && p.format == .common:
            lines = TopicReader.consume(content, offset, &aggregator, &common)
        case let p? where p.envelope == nil && !p.perLine && p.format == .jsonLines:
            lines = TopicReader.consume(content, offset, &aggregator, &json)
        case let p?:
            var parser = others[p] ?? AnyLineParser(formats.makeParser(p))
            lines = TopicReader.consume(content, offset, &aggregator, &parser)
            others[p] = parser
        case nil:
            lines = TopicReader.consume(content, offset, &aggregator, &unrecognised)
        }
        if detecting, lines > 0, aggregator.rejectedLineCount &- rejectedBefore == UInt64(lines) {
            plan = nil
        }
        return lines
    }

    /// JSON formats read objects, text formats do not: a message of the other kind means the
    /// producer changed and the format must be detected again.
    static func shapeMatches(_ plan: FormatPlan, _ content: Bytes) -> Bool {
        guard plan.envelope == nil, !plan.perLine else { return true }
        let isObject = firstNonBlank(content) == UInt8(ascii: "{")
        if plan.format == .jsonLines { return isObject }
        if plan.format == .combined || plan.format == .common { return !isObject }
        return true  // other catalogued formats: only a wholly rejected message re-detects
    }

    static func firstNonBlank(_ bytes: Bytes) -> UInt8 {
        for b in bytes where b != 0x20 && b != 0x09 && b != 0x0A && b != 0x0D { return b }
        return 0
    }

    /// Parses every line of `content`. Each line's location is (line in the message, Kafka offset):
    /// a one-line message (the usual case) is one call; a message of several lines is parsed line
    /// by line so that every line is located at the message's offset.
    static func consume<P: LineParser>(_ content: Bytes, _ offset: Int64, _ aggregator: inout CallAggregator, _ parser: inout P) -> Int {
        guard let base = content.baseAddress, content.count > 0 else { return 0 }
        let count = content.count
        // A newline before the last byte means several lines.
        if count < 2 || memchr(base, 0x0A, count - 1) == nil {
            return aggregator.consume(chunk: content, input: 0, chunkIndex: 0, firstLine: 0, startOffset: offset, parser: &parser)
        }
        var line = 0
        var start = 0
        while start < count {
            let rest = count - start
            let end: Int
            if let nl = memchr(base + start, 0x0A, rest) {
                end = UnsafePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - base + 1
            } else {
                end = count
            }
            line += aggregator.consume(chunk: Bytes(start: base + start, count: end - start), input: 0, chunkIndex: 0,
                                       firstLine: line, startOffset: offset, parser: &parser)
            start = end
        }
        return line
    }
}
