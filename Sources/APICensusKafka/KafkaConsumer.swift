import CRdKafka
import Synchronization

/// A high-level (consumer group) Kafka consumer.
///
/// Threading: `pollBatch` and `completeRebalance` belong to ONE polling thread (the thread that
/// owns the consumer); `commit`, `committedOffsets`, `watermarks` and `position` are thread-safe and
/// may be called from any thread. Offsets are never committed automatically: the application
/// commits explicit offsets, synchronously, once what they cover is safely written.
///
/// Rebalances are handed to the application instead of being carried out inside librdkafka's
/// callback: `pollBatch` returns early with the rebalance, the application flushes what it holds of
/// the partitions it is about to lose (and commits), then calls `completeRebalance`. Until then the
/// partitions stay assigned and nothing new is fetched for the assigned ones.
public final class KafkaConsumer: @unchecked Sendable {
    public let topics: [String]
    public let properties: KafkaProperties
    private let handle: OpaquePointer
    private let context: KafkaCallbackContext
    /// rkt pointer → index in `topics`; polling thread only.
    private var topicIndexCache: [(UnsafeMutableRawPointer, Int)] = []
    /// The consumer queue (messages, events, callbacks) and the array `pollBatch` fills from it.
    private let consumerQueue: OpaquePointer
    private var pollBuffer: [UnsafeMutablePointer<rd_kafka_message_t>?] = []
    /// Value bytes of the last batch; polling thread only.
    private var lastBatchBytes = 0
    /// The batches' buffers, back from the thread that read them.
    private let batchBuffers = KafkaBatchBufferPool()
    private let closed = Atomic<Bool>(false)

    /// Properties the consumer needs and sets unless given: explicit commits only, partition EOF
    /// events (for "drain and exit"), cooperative-sticky assignment. `auto.offset.reset` is the
    /// caller's (`--from`).
    public static let requiredDefaults: [(String, String)] = [
        ("enable.auto.commit", "false"),
        ("enable.auto.offset.store", "false"),
        ("enable.partition.eof", "true"),
        ("partition.assignment.strategy", "cooperative-sticky"),
    ]

    /// - Parameters:
    ///   - properties: librdkafka properties; `bootstrap.servers` and `group.id` are required.
    ///   - topics: topic names to subscribe to.
    public init(properties: KafkaProperties, topics: [String], logHandler: @escaping KafkaLogHandler) throws {
        var properties = properties
        for (name, value) in KafkaConsumer.requiredDefaults { properties.setDefault(name, value) }
        guard properties["group.id"] != nil else { throw KafkaConfigurationError("a consumer group (group.id) is required") }
        guard !topics.isEmpty else { throw KafkaConfigurationError("at least one topic is required") }
        if let pattern = topics.first(where: { $0.hasPrefix("^") }) {
            throw KafkaConfigurationError("topic \(pattern): regular-expression subscriptions are not supported; name each topic")
        }
        if properties["enable.auto.commit"] == "true" {
            throw KafkaConfigurationError("enable.auto.commit=true is not allowed: offsets are committed only after the snapshot holding them is written")
        }
        self.properties = properties
        self.topics = topics
        let context = KafkaCallbackContext(properties: properties, logHandler: logHandler)
        self.context = context
        let conf = try KafkaClientConfiguration.make(properties, context: context)
        rd_kafka_conf_set_rebalance_cb(conf) { rk, err, partitions, opaque in
            guard let rk, let context = KafkaCallbackContext.from(opaque) else { return }
            let incremental = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
            let kind: KafkaRebalance.Kind
            switch err {
            case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS: kind = .assign
            case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS: kind = .revoke(lost: rd_kafka_assignment_lost(rk) != 0)
            default:
                context.log(level: 3, facility: "REBALANCE", "rebalance failed: \(KafkaError(err))")
                // librdkafka's documented recovery: drop the whole assignment and rejoin.
                if incremental {
                    if let error = rd_kafka_incremental_unassign(rk, partitions) { rd_kafka_error_destroy(error) }
                } else {
                    _ = rd_kafka_assign(rk, nil)
                }
                return
            }
            let rebalance = KafkaRebalance(kind: kind, partitions: topicPartitions(partitions), incremental: incremental)
            if context.closing.load(ordering: .acquiring) {
                KafkaConsumer.apply(rebalance, handle: rk, list: partitions, context: context)
            } else {
                // Handed to the application; `pollBatch` returns at once.
                context.pendingRebalance = rebalance
                rd_kafka_yield(rk)
            }
        }
        var errstr = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaConfigurationError("cannot create the Kafka consumer: \(properties.scrub(errorText(errstr)))")
        }
        self.handle = handle
        // Keep the context alive as long as the handle (the callbacks reach it through the opaque).
        _ = Unmanaged.passRetained(context)
        rd_kafka_poll_set_consumer(handle)
        consumerQueue = rd_kafka_queue_get_consumer(handle)
    }

    deinit {
        if !closed.load(ordering: .acquiring) { close() }
        rd_kafka_queue_destroy(consumerQueue)
        rd_kafka_destroy(handle)
        Unmanaged.passUnretained(context).release()
    }

    /// Joins the group for `topics`.
    public func subscribe() throws {
        try withPartitionList(topics.map { (TopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA), nil) }) { list in
            let err = rd_kafka_subscribe(handle, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
        }
    }

    /// What one `pollBatch` call gathered.
    public struct PollResult: @unchecked Sendable {
        /// The messages, in the order librdkafka delivered them; nil when none arrived.
        public var messages: KafkaMessageBatch?
        /// Partitions whose end was reached, with the offset of that end.
        public var endsOfPartition: [TopicPartitionOffset] = []
        /// Consumer errors (a topic that does not exist, a fetch that failed, …).
        public var errors: [(error: KafkaError, partition: TopicPartition?, offset: Int64?)] = []
        /// A rebalance to handle: flush what is held of revoked partitions, then `completeRebalance`.
        public var rebalance: KafkaRebalance?
    }

    /// Takes up to `maxMessages` messages (and events) from the consumer queue in one call, waiting
    /// at most `timeoutMilliseconds` to fill the batch, and stops early at `maxBytes` of payload or
    /// when a rebalance needs the application (the rebalance callback yields). Polling thread only.
    public func pollBatch(maxMessages: Int, maxBytes: Int, timeoutMilliseconds: Int32) -> PollResult {
        var result = PollResult()
        // Room for as many value bytes as the last batch held: a busy stream fills its batches alike.
        var batch = KafkaMessageBatch.Builder(capacity: min(maxMessages, 1024), byteCapacity: min(lastBatchBytes + lastBatchBytes / 8, maxBytes + (1 << 20)),
                                                pool: batchBuffers)
        if pollBuffer.count < maxMessages {
            pollBuffer = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: maxMessages)
        }
        var timeout = timeoutMilliseconds
        while batch.count < maxMessages, batch.payloadByteCount < maxBytes, result.rebalance == nil {
            let wanted = maxMessages - batch.count
            // One access to the buffer and a local topic cache per call: per message, the class's
            // stored properties would each cost a dynamic exclusivity check.
            var lastTopic: (rkt: OpaquePointer?, index: Int) = (nil, -1)
            let n = pollBuffer.withUnsafeMutableBufferPointer { buffer in
                let n = rd_kafka_consume_batch_queue(consumerQueue, timeout, buffer.baseAddress, wanted)
                for i in 0..<max(n, 0) {
                    let message = buffer[i]!
                    buffer[i] = nil
                    let m = message.pointee
                    if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                        if m.rkt != lastTopic.rkt { lastTopic = (m.rkt, topicIndex(m.rkt)) }
                        batch.append(message, topicIndex: lastTopic.index)
                    } else if KafkaConsumer.skipsMessage(m.err), m.rkt != nil, m.offset >= 0 {
                        // The message at this offset is lost to the client: counted, not only logged.
                        batch.appendUnreadable(topicIndex: topicIndex(m.rkt), partition: m.partition, offset: m.offset)
                        report(message, result: &result)
                    } else {
                        report(message, result: &result)
                    }
                }
                return n
            }
            if let rebalance = context.pendingRebalance {
                context.pendingRebalance = nil
                result.rebalance = rebalance
            }
            // Whatever was ready is taken; do not wait again for the rest of the batch.
            if n < wanted { break }
            timeout = 0
        }
        lastBatchBytes = batch.payloadByteCount
        if batch.count > 0 { result.messages = batch.build() }
        return result
    }

    /// Errors librdkafka delivers in place of messages it then skips (a bad record batch, one it
    /// cannot decompress or whose codec it lacks, one it had no memory for: the whole batch from that
    /// offset). A corrupt message the broker reports
    /// (`INVALID_MSG`) is not among them: librdkafka fetches it again.
    static func skipsMessage(_ err: rd_kafka_resp_err_t) -> Bool {
        err == RD_KAFKA_RESP_ERR__BAD_MSG || err == RD_KAFKA_RESP_ERR__BAD_COMPRESSION
            || err == RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED || err == RD_KAFKA_RESP_ERR__CRIT_SYS_RESOURCE
    }

    /// An event in the message stream: a partition's end or an error.
    private func report(_ message: UnsafeMutablePointer<rd_kafka_message_t>, result: inout PollResult) {
        let m = message.pointee
        defer { rd_kafka_message_destroy(message) }
        let partition = m.rkt.map { TopicPartition(topic: String(cString: rd_kafka_topic_name($0)), partition: m.partition) }
        if m.err == RD_KAFKA_RESP_ERR__PARTITION_EOF, let partition {
            result.endsOfPartition.append(TopicPartitionOffset(partition, offset: m.offset))
            return
        }
        var reason = String(cString: rd_kafka_err2str(m.err))
        if m.len > 0, let payload = m.payload {
            // For errors librdkafka puts the reason in the payload.
            reason = String(decoding: UnsafeRawBufferPointer(start: payload, count: m.len), as: UTF8.self)
        }
        result.errors.append((KafkaError(m.err, reason: properties.scrub(reason)), partition, m.offset >= 0 ? m.offset : nil))
    }

    private func topicIndex(_ rkt: OpaquePointer?) -> Int {
        guard let rkt else { return -1 }
        let key = UnsafeMutableRawPointer(rkt)
        for (pointer, index) in topicIndexCache where pointer == key { return index }
        let name = String(cString: rd_kafka_topic_name(rkt))
        let index = topics.firstIndex(of: name) ?? -1
        topicIndexCache.append((key, index))
        return index
    }

    /// Carries out a rebalance `pollBatch` returned: assigns the new partitions, or gives up the
    /// revoked ones. An assigned partition with an offset in `startingAt` is read from there instead
    /// of from the group's committed offset. Polling thread only.
    public func completeRebalance(_ rebalance: KafkaRebalance, startingAt offsets: [TopicPartition: Int64] = [:]) {
        withPartitionList(rebalance.partitions.map { ($0, offsets[$0]) }) { list in
            KafkaConsumer.apply(rebalance, handle: handle, list: list, context: context)
        }
    }

    private static func apply(_ rebalance: KafkaRebalance, handle: OpaquePointer,
                              list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, context: KafkaCallbackContext) {
        switch (rebalance.kind, rebalance.incremental) {
        case (.assign, true):
            if let error = rd_kafka_incremental_assign(handle, list) {
                context.log(level: 3, facility: "ASSIGN", "incremental assign failed: \(String(cString: rd_kafka_error_string(error)))")
                rd_kafka_error_destroy(error)
            }
        case (.assign, false):
            let err = rd_kafka_assign(handle, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { context.log(level: 3, facility: "ASSIGN", "assign failed: \(KafkaError(err))") }
        case (.revoke, true):
            if let error = rd_kafka_incremental_unassign(handle, list) {
                context.log(level: 3, facility: "ASSIGN", "incremental unassign failed: \(String(cString: rd_kafka_error_string(error)))")
                rd_kafka_error_destroy(error)
            }
        case (.revoke, false):
            let err = rd_kafka_assign(handle, nil)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { context.log(level: 3, facility: "ASSIGN", "unassign failed: \(KafkaError(err))") }
        }
    }

    /// Commits `offsets` (each the next offset to read) and waits for the coordinator's answer.
    /// Thread-safe. Throws the first error, naming the partition when the error is a partition's.
    public func commit(_ offsets: [TopicPartitionOffset]) throws {
        guard !offsets.isEmpty else { return }
        try withPartitionList(offsets.map { ($0.topicPartition, $0.offset) }) { list in
            let err = rd_kafka_commit(handle, list, 0)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
            let elems = list.pointee.elems!
            for i in 0..<Int(list.pointee.cnt) where elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR {
                let tp = TopicPartition(topic: String(cString: elems[i].topic), partition: elems[i].partition)
                throw KafkaError(elems[i].err, reason: "\(tp): \(String(cString: rd_kafka_err2str(elems[i].err)))")
            }
        }
    }

    /// The group's committed offsets (nil: nothing committed yet). Blocks up to the timeout.
    public func committedOffsets(_ partitions: [TopicPartition], timeoutMilliseconds: Int32) throws -> [TopicPartition: Int64?] {
        guard !partitions.isEmpty else { return [:] }
        return try withPartitionList(partitions.map { ($0, nil) }) { list in
            let err = rd_kafka_committed(handle, list, timeoutMilliseconds)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
            var result: [TopicPartition: Int64?] = [:]
            let elems = list.pointee.elems!
            for i in 0..<Int(list.pointee.cnt) {
                let tp = TopicPartition(topic: String(cString: elems[i].topic), partition: elems[i].partition)
                result[tp] = elems[i].offset >= 0 ? elems[i].offset : nil
            }
            return result
        }
    }

    /// The low and high watermarks librdkafka last saw in fetch responses (no request). Thread-safe.
    public func cachedWatermarks(_ partition: TopicPartition) -> (low: Int64, high: Int64)? {
        var low: Int64 = -1, high: Int64 = -1
        let err = rd_kafka_get_watermark_offsets(handle, partition.topic, partition.partition, &low, &high)
        return err == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? (low, high) : nil
    }

    /// Asks the partition leader for the watermarks. Blocks up to the timeout.
    public func queryWatermarks(_ partition: TopicPartition, timeoutMilliseconds: Int32) throws -> (low: Int64, high: Int64) {
        var low: Int64 = -1, high: Int64 = -1
        let err = rd_kafka_query_watermark_offsets(handle, partition.topic, partition.partition, &low, &high, timeoutMilliseconds)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
        return (low, high)
    }

    /// The partitions currently assigned to this member.
    public func assignment() -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return topicPartitions(list)
    }

    /// The fatal error that stopped the client, if any.
    public func fatalError() -> KafkaError? {
        var errstr = [CChar](repeating: 0, count: 512)
        let err = rd_kafka_fatal_error(handle, &errstr, errstr.count)
        return err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(err, reason: properties.scrub(errorText(errstr)))
    }

    /// Leaves the group (revoked partitions are given up at once: flush and commit before) and
    /// stops the client. Blocks until librdkafka is done; idempotent.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        context.closing.store(true, ordering: .releasing)
        let err = rd_kafka_consumer_close(handle)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            context.log(level: 4, facility: "CLOSE", "closing the consumer: \(KafkaError(err))")
        }
    }

    /// librdkafka's version string (the library actually loaded, not the headers built against).
    public static var libraryVersion: String { String(cString: rd_kafka_version_str()) }
}
