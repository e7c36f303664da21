import CRdKafka

/// One partition of one topic.
public struct TopicPartition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (a: TopicPartition, b: TopicPartition) -> Bool {
        (a.topic, a.partition) < (b.topic, b.partition)
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A partition and an offset: the next offset to read when committing, a position, a watermark.
public struct TopicPartitionOffset: Sendable, Hashable, CustomStringConvertible {
    public var topicPartition: TopicPartition
    public var offset: Int64

    public init(_ topicPartition: TopicPartition, offset: Int64) {
        self.topicPartition = topicPartition
        self.offset = offset
    }

    public var description: String { "\(topicPartition)@\(offset)" }
}

/// An error librdkafka reported: its code, its symbolic name and a readable reason. Reasons are
/// scrubbed of secret property values before they reach this type.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: Int32
    public var name: String
    public var reason: String

    public init(code: Int32, reason: String) {
        self.code = code
        self.name = String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
        self.reason = reason
    }

    init(_ err: rd_kafka_resp_err_t, reason: String? = nil) {
        self.init(code: err.rawValue, reason: reason ?? String(cString: rd_kafka_err2str(err)))
    }

    public var description: String { "\(reason) (\(name))" }

    /// The partition's end was reached (only with `enable.partition.eof`).
    public var isPartitionEOF: Bool { code == RD_KAFKA_RESP_ERR__PARTITION_EOF.rawValue }
    /// A topic or partition the consumer subscribed to does not exist.
    public var isUnknownTopic: Bool {
        code == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC.rawValue || code == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue
            || code == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION.rawValue
    }
    /// The client cannot go on (librdkafka's fatal errors, e.g. a fenced static member).
    public var isFatal: Bool { code == RD_KAFKA_RESP_ERR__FATAL.rawValue }
    /// Connection-level trouble that librdkafka retries by itself.
    public var isTransport: Bool {
        code == RD_KAFKA_RESP_ERR__TRANSPORT.rawValue || code == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue
            || code == RD_KAFKA_RESP_ERR__RESOLVE.rawValue || code == RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue
    }
}

/// One librdkafka log line (syslog levels: 0 emergency … 3 error, 4 warning, 6 info, 7 debug).
public struct KafkaLogRecord: Sendable {
    public var level: Int32
    public var facility: String
    public var message: String
}

/// Receives librdkafka's log lines and client-level errors, scrubbed of secret values. Called from
/// librdkafka's own threads: implementations must be thread-safe and must not block.
public typealias KafkaLogHandler = @Sendable (KafkaLogRecord) -> Void

/// A rebalance the group coordinator decided, handed to the application before librdkafka acts on
/// it, so that the application can flush and commit what it has of the partitions it is about to
/// lose. `KafkaConsumer.completeRebalance` carries it out.
public struct KafkaRebalance: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case assign
        /// `lost`: the partitions were lost (session timeout, fencing) rather than handed over:
        /// committing their offsets would fail, another member may already own them.
        case revoke(lost: Bool)
    }

    public var kind: Kind
    public var partitions: [TopicPartition]
    /// The cooperative (incremental) protocol: only these partitions move; the others stay assigned.
    public var incremental: Bool
}
