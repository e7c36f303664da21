#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CRdKafka
import Synchronization

/// Messages taken by one `pollBatch`, their values copied one after the other into one buffer the
/// batch owns. May be handed to another thread; read by one thread at a time.
///
/// Why a copy: the polling thread releases librdkafka's messages right after copying them, so the
/// fetch buffers and per-message structures librdkafka's broker thread allocated go back to it at
/// once, from the thread that took them, instead of when the batch is parsed behind a full queue
/// (which kept tens of megabytes of them alive and made the broker thread's heap grow and shrink:
/// page faults and `mprotect` in its profile). And the parsing thread reads one contiguous run of
/// values per partition, which it parses as one chunk: every value that is not empty and does not
/// end with a newline is followed by an added `\n` (not part of the value; `spanEnd` includes it).
public final class KafkaMessageBatch: @unchecked Sendable {
    /// One message: where its value lies in `bytes`, and where it comes from.
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var start: Int
        /// The value's length; -1 for a null value.
        @usableFromInline var length: Int
        @usableFromInline var offset: Int64
        @usableFromInline var partition: Int32
        @usableFromInline var topicIndex: Int32
    }

    /// Fills a batch. A struct, owned by the polling thread while it copies: appending to a class's
    /// stored properties would pay a dynamic exclusivity check per property and message.
    public struct Builder {
        fileprivate var bytes: UnsafeMutablePointer<UInt8>?
        fileprivate var capacity = 0
        fileprivate var used = 0
        fileprivate var entries: [Entry] = []
        fileprivate var payloadBytes = 0
        fileprivate var partitions: [(topicIndex: Int, partition: Int32, lastOffset: Int64)] = []
        private let byteCapacity: Int
        private let entryCapacity: Int
        fileprivate let pool: KafkaBatchBufferPool?

        /// - Parameters:
        ///   - capacity: messages to make room for.
        ///   - byteCapacity: value bytes to make room for at the first value (the previous batch's
        ///     size is a good guess). Nothing is allocated before a value is appended; once one is,
        ///     `build` must be called (the batch frees the bytes).
        ///   - pool: where the bytes are taken from and go back to once the batch is released.
        public init(capacity: Int, byteCapacity: Int = 0, pool: KafkaBatchBufferPool? = nil) {
            self.entryCapacity = capacity
            self.byteCapacity = byteCapacity
            self.pool = pool
        }

        /// Room for the messages, at the first one (an empty poll takes nothing from the pool).
        private mutating func reserveEntries() {
            if let reused = pool?.takeEntries() {
                entries = reused
                entries.removeAll(keepingCapacity: true)
            }
            entries.reserveCapacity(entryCapacity)
        }

        public var count: Int { entries.count }
        public var payloadByteCount: Int { payloadBytes }

        private mutating func reserve(_ needed: Int) {
            guard needed > capacity else { return }
            if bytes == nil, let (p, size) = pool?.take() {
                bytes = p
                capacity = size
                if size >= needed { return }
            }
            let grown = max(needed, capacity * 2, byteCapacity, 64 << 10)
            guard let p = realloc(bytes, grown) else { fatalError("out of memory for a batch of \(grown) bytes") }
            bytes = p.assumingMemoryBound(to: UInt8.self)
            capacity = grown
        }

        /// Marks a message librdkafka delivered as an error instead of a value (corrupt, failed CRC,
        /// could not be decompressed): the client skips it, the reader counts it.
        public mutating func appendUnreadable(topicIndex: Int, partition: Int32, offset: Int64) {
            append(topicIndex: topicIndex, partition: partition, offset: offset, value: nil, unreadable: true)
        }

        /// Copies a message's value into the batch (nil: a null value).
        public mutating func append(topicIndex: Int, partition: Int32, offset: Int64, value: UnsafeRawBufferPointer?) {
            append(topicIndex: topicIndex, partition: partition, offset: offset, value: value, unreadable: false)
        }

        private mutating func append(topicIndex: Int, partition: Int32, offset: Int64, value: UnsafeRawBufferPointer?, unreadable: Bool) {
            if entries.isEmpty, entries.capacity < entryCapacity { reserveEntries() }
            let start = used
            var length = unreadable ? KafkaMessageBatch.unreadableLength : -1
            if let value {
                length = value.count
                let separator = length > 0 && value[length - 1] != 0x0A ? 1 : 0
                reserve(used + length + separator)
                if length > 0, let source = value.baseAddress {
                    (bytes! + used).update(from: source.assumingMemoryBound(to: UInt8.self), count: length)
                }
                used += length
                if separator == 1 {
                    bytes![used] = 0x0A
                    used += 1
                }
                payloadBytes += length
            }
            entries.append(Entry(start: start, length: length, offset: offset, partition: partition,
                                 topicIndex: Int32(truncatingIfNeeded: topicIndex)))
            if let last = partitions.indices.last, partitions[last].partition == partition, partitions[last].topicIndex == topicIndex {
                partitions[last].lastOffset = offset
            } else if let i = partitions.lastIndex(where: { $0.topicIndex == topicIndex && $0.partition == partition }) {
                partitions[i].lastOffset = offset
            } else {
                partitions.append((topicIndex, partition, offset))
            }
        }

        /// Copies a librdkafka message and releases it.
        mutating func append(_ message: UnsafeMutablePointer<rd_kafka_message_t>, topicIndex: Int) {
            let m = message.pointee
            let value = m.payload.map { UnsafeRawBufferPointer(start: $0, count: m.len) }
            append(topicIndex: topicIndex, partition: m.partition, offset: m.offset, value: value)
            rd_kafka_message_destroy(message)
        }

        /// The batch; the builder must not be used afterwards (the batch owns the bytes).
        public consuming func build() -> KafkaMessageBatch {
            KafkaMessageBatch(self)
        }
    }

    @usableFromInline let bytes: UnsafeMutablePointer<UInt8>?
    private let capacity: Int
    private let pool: KafkaBatchBufferPool?
    /// Bytes used in `bytes`: values and added separators.
    @usableFromInline let used: Int
    @usableFromInline let entries: [Entry]
    /// Value bytes (without added separators).
    public let payloadBytes: Int
    /// Each partition present in the batch with its last offset, in order of first appearance.
    public let partitions: [(topicIndex: Int, partition: Int32, lastOffset: Int64)]

    private init(_ builder: Builder) {
        bytes = builder.bytes
        capacity = builder.capacity
        pool = builder.pool
        used = builder.used
        entries = builder.entries
        payloadBytes = builder.payloadBytes
        partitions = builder.partitions
    }

    deinit {
        if let pool { pool.give(entries) }
        guard let bytes else { return }
        if let pool { pool.give(bytes, capacity: capacity) } else { free(bytes) }
    }

    public var count: Int { entries.count }

    /// `valueLength` of a message librdkafka could not read (see `Builder.appendUnreadable`).
    public static let unreadableLength = -2

    /// Index of message `i`'s topic in `KafkaConsumer.topics` (-1 for a topic not subscribed by name).
    @inlinable public func topicIndex(at i: Int) -> Int { Int(entries[i].topicIndex) }
    @inlinable public func partition(at i: Int) -> Int32 { entries[i].partition }
    @inlinable public func offset(at i: Int) -> Int64 { entries[i].offset }
    /// The value's length in bytes; -1 for a null value, `unreadableLength` for a message librdkafka
    /// could not read.
    @inlinable public func valueLength(at i: Int) -> Int { entries[i].length }

    /// Message `i`'s value (nil for a null value), valid while the batch is.
    @inlinable
    public func value(at i: Int) -> UnsafeBufferPointer<UInt8>? {
        let e = entries[i]
        guard e.length >= 0 else { return nil }
        return UnsafeBufferPointer(start: bytes.map { $0 + e.start }, count: e.length)
    }

    /// Where message `i`'s bytes end in the batch: after its value and its added separator.
    @inlinable
    public func spanEnd(at i: Int) -> Int {
        i + 1 < entries.count ? entries[i + 1].start : used
    }

    /// The bytes message `i` takes in the batch: its value and its added separator.
    @inlinable
    public func spanLength(at i: Int) -> Int {
        spanEnd(at: i) - entries[i].start
    }

    /// Whether a `\n` was added after message `i`'s value.
    @inlinable
    public func separatorAdded(at i: Int) -> Bool {
        spanLength(at: i) > max(entries[i].length, 0)
    }

    /// The bytes of messages `range` as they lie in the batch, each value followed by its added
    /// separator if it has one: lines of consecutive messages, ready to be parsed as one chunk.
    @inlinable
    public func joinedValues(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        guard !range.isEmpty, let bytes else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = entries[range.lowerBound].start
        return UnsafeBufferPointer(start: bytes + start, count: spanEnd(at: range.upperBound - 1) - start)
    }

    /// Calls `body` for every message in order. The payload view is valid while the batch is.
    @inlinable
    public func forEach(_ body: (KafkaMessage) throws -> Void) rethrows {
        for i in 0..<count { try body(message(at: i)) }
    }

    @inlinable
    public func message(at i: Int) -> KafkaMessage {
        KafkaMessage(topicIndex: topicIndex(at: i), partition: partition(at: i), offset: offset(at: i), payload: value(at: i))
    }
}

/// Batch buffers the parsing thread is done with, for the polling thread's next batches: reused
/// memory instead of fresh pages to fault in (and to unmap again) for every batch.
public final class KafkaBatchBufferPool: Sendable {
    private struct Buffer: @unchecked Sendable {
        var pointer: UnsafeMutablePointer<UInt8>
        var capacity: Int
    }

    private let buffers = Mutex<[Buffer]>([])
    /// The batches' tables of messages, kept with their capacity (10,000 entries are 320 KB:
    /// allocated anew, each would be mapped and faulted in again).
    private let entryTables = Mutex<[[KafkaMessageBatch.Entry]]>([])
    private let limit: Int

    /// - Parameter limit: buffers kept; more are freed (the queue between the threads bounds how
    ///   many batches are alive at once).
    public init(limit: Int = 16) {
        self.limit = limit
    }

    deinit {
        buffers.withLock { for b in $0 { free(b.pointer) } }
    }

    /// A buffer and its capacity, the largest kept; nil when none is.
    func take() -> (UnsafeMutablePointer<UInt8>, Int)? {
        buffers.withLock { list -> (UnsafeMutablePointer<UInt8>, Int)? in
            guard let i = list.indices.max(by: { list[$0].capacity < list[$1].capacity }) else { return nil }
            let b = list.remove(at: i)
            return (b.pointer, b.capacity)
        }
    }

    func give(_ pointer: UnsafeMutablePointer<UInt8>, capacity: Int) {
        let kept = buffers.withLock { list -> Bool in
            guard list.count < limit else { return false }
            list.append(Buffer(pointer: pointer, capacity: capacity))
            return true
        }
        if !kept { free(pointer) }
    }

    func takeEntries() -> [KafkaMessageBatch.Entry]? {
        entryTables.withLock { $0.popLast() }
    }

    func give(_ entries: [KafkaMessageBatch.Entry]) {
        entryTables.withLock { if $0.count < limit { $0.append(entries) } }
    }

    /// Buffers kept now.
    public var count: Int { buffers.withLock { $0.count } }
}

/// One message of a `KafkaMessageBatch`.
public struct KafkaMessage {
    /// Index of the topic in `KafkaConsumer.topics` (-1 for a topic not subscribed by name).
    public let topicIndex: Int
    public let partition: Int32
    public let offset: Int64
    /// The value; nil for a null value (a tombstone), empty for an empty one.
    public let payload: UnsafeBufferPointer<UInt8>?

    public init(topicIndex: Int, partition: Int32, offset: Int64, payload: UnsafeBufferPointer<UInt8>?) {
        self.topicIndex = topicIndex
        self.partition = partition
        self.offset = offset
        self.payload = payload
    }
}
