/// One partition of one topic: the unit Kafka orders messages in, and the unit offsets count in.
public struct PartitionKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (a: PartitionKey, b: PartitionKey) -> Bool { (a.topic, a.partition) < (b.topic, b.partition) }

    /// `topic/partition`, as logs and errors name it (a topic name cannot contain `/`).
    public var description: String { "\(topic)/\(partition)" }

    /// How the report's `input.files` lists this partition.
    public var inputDescription: InputDescription {
        InputDescription(path: "kafka:\(topic)/\(partition)", encoding: "kafka", format: nil, formatConfidence: nil, sizeOnDisk: nil)
    }
}

/// Offsets `start ..< end` of one partition: the messages from `start` up to, not including, `end`
/// (`end` is the offset a consumer commits after processing them).
public struct OffsetRange: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var start: Int64
    public var end: Int64

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    public var isEmpty: Bool { end <= start }
    public var count: Int64 { max(0, end - start) }

    public static func < (a: OffsetRange, b: OffsetRange) -> Bool { (a.start, a.end) < (b.start, b.end) }

    public var description: String { "[\(start), \(end))" }
}

/// What one consumer learned from one partition between two snapshots: the state built from the
/// messages at offsets `range`. Its state describes that partition only, so its input indexes are
/// all read as "this partition" (by convention the consumer uses input 0).
public struct PartitionDelta: Sendable, Equatable {
    public var key: PartitionKey
    public var range: OffsetRange
    public var state: AggregateState

    public init(key: PartitionKey, range: OffsetRange, state: AggregateState) {
        self.key = key
        self.range = range
        self.state = state
    }
}
