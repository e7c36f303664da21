#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import APICensusCore
import APICensusKafka

/// How the messages of one topic are read.
public struct TopicSettings: Sendable, Equatable {
    public enum Envelope: String, Sendable, Equatable, CaseIterable {
        /// Unwrap shipper envelopes (`message` / `log` / `event.original`) when a message is one.
        case auto
        /// Never unwrap: the value is the log text itself (a JSON access log with a `message` field).
        case none
    }

    public var name: String
    /// A fixed format; nil detects it from the messages (cached per topic, detected again when the
    /// cached format fails on a whole message or the message's shape changes).
    public var format: LogFormat?
    public var fieldMap: FieldMap
    public var envelope: Envelope
    /// The user's own format (`--log-format`, a topic's `log_format`): detected with the catalogued
    /// formats (and preferred when it reads a message as well), or forced with format `custom`.
    public var customFormat: CustomFormat?
    /// The role of the topic's records (gateway, waf, lb, service, egress); nil: the format's role.
    /// A gateway or WAF topic makes the endpoints it sees mediated, as a gateway source does in batch.
    public var role: SourceRole?
    /// The host every call of the topic is filed under (it replaces a host the log names).
    public var host: String?

    public init(name: String, format: LogFormat? = nil, fieldMap: FieldMap = .default, envelope: Envelope = .auto,
                customFormat: CustomFormat? = nil, role: SourceRole? = nil, host: String? = nil) {
        self.name = name
        self.format = format
        self.fieldMap = fieldMap
        self.envelope = envelope
        self.customFormat = customFormat
        self.role = role
        self.host = host
    }

    /// The formats the topic is read with: the catalog, and its custom format if it has one.
    public var formats: FormatSet { FormatSet(fieldMap: fieldMap, custom: customFormat) }

    /// What the aggregation is told about the topic's records once `plan` reads them: the role
    /// (the topic's, else the format's), what the format logs, and the host override.
    public func inputContext(for plan: FormatPlan?, formats: FormatSet) -> InputContext {
        let descriptor = plan.flatMap { formats.descriptor(for: $0.format) }
        return InputContext(role: role ?? descriptor?.defaultRole ?? InputContext.unspecified.role,
                            yields: CallFieldSet(descriptor?.yields ?? []), hostOverride: host)
    }
}

/// Which report a snapshot's sections describe.
public enum SnapshotWindow: Sendable, Equatable {
    /// Everything this process consumed since it started.
    case cumulative
    /// Tumbling windows of this many milliseconds, aligned to multiples of the length since the
    /// Unix epoch (consumption time): each snapshot reports the current window so far, a snapshot
    /// is written at each window's end, and the next window starts empty.
    case tumbling(milliseconds: Int64)

    /// `cumulative`, or a duration (`30s`, `5m`, `1h`, `1d`).
    public init(parsing text: String) throws {
        if text == "cumulative" {
            self = .cumulative
            return
        }
        let ms = try DurationText.milliseconds(parsing: text, what: "--window")
        guard ms >= 1000 else { throw KafkaConfigurationError("--window must be at least 1s") }
        self = .tumbling(milliseconds: ms)
    }
}

public enum DurationText {
    /// `250ms`, `30s`, `5m`, `2h`, `1d`; a bare number is seconds.
    public static func milliseconds(parsing text: String, what: String) throws -> Int64 {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            if let n = Int64(number), n >= 0 { return n * factor }
        }
        if let n = Int64(text), n >= 0 { return n * 1000 }
        throw KafkaConfigurationError("\(what): '\(text)' is not a duration (for example 500ms, 30s, 5m, 1h)")
    }
}

/// Everything `apicensus consume` was told.
public struct ConsumeSettings: Sendable {
    /// librdkafka properties (`bootstrap.servers`, `group.id`, SASL/SSL, …), secrets resolved.
    public var properties = KafkaProperties()
    public var topics: [TopicSettings] = []
    public var snapshotIntervalMillis: Int64 = 60_000
    public var window: SnapshotWindow = .cumulative
    /// Stop once every assigned partition has reached its end (like `kcat -e`).
    public var exitAtEnd = false
    /// Messages longer than this are counted as `oversized_message` and not read.
    public var maxMessageBytes = 8 << 20
    public var aggregation = AggregationOptions()
    public var report = ReportOptions()
    /// Names this consumer in snapshots (`host/pid` by default).
    public var instance = ""
    /// How long a shutdown may take (final snapshot, commit, leaving the group) before the process
    /// exits anyway; the final snapshot is written first, so only the commit can be lost, and a
    /// restart then replays what `merge` removes again.
    public var shutdownTimeoutMillis: Int64 = 30_000
    /// Payload bytes queued between the polling thread and the parsing thread.
    public var maxQueuedBytes = 32 << 20
    /// `/healthz` fails once no snapshot was written for this long (a parsing or snapshot thread
    /// stuck, a commit that never returns); nil: three snapshot intervals plus a minute.
    public var stallAfterMillis: Int64?
    /// Threads that parse messages (each partition is parsed by one of them). Parsing is most of a
    /// consumer's CPU: with fewer threads than cores to spare, it is what bounds the drain rate.
    public var parseThreads = ConsumeSettings.defaultParseThreads
    /// One per core, at least 2, at most 8 (more threads than assigned partitions stay idle).
    public static var defaultParseThreads: Int {
        min(8, max(2, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    public init() {}
}
