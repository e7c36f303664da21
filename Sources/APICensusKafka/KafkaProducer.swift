import CRdKafka
import Synchronization

/// A small producer: tests and tools put messages (tombstones included) into a topic with it.
public final class KafkaProducer: @unchecked Sendable {
    private let handle: OpaquePointer
    private let context: KafkaCallbackContext
    private var topics: [String: OpaquePointer] = [:]
    private let failures = Mutex<[KafkaError]>([])

    public init(properties: KafkaProperties, logHandler: @escaping KafkaLogHandler) throws {
        let context = KafkaCallbackContext(properties: properties, logHandler: logHandler)
        self.context = context
        let conf = try KafkaClientConfiguration.make(properties, context: context)
        rd_kafka_conf_set_dr_msg_cb(conf) { _, message, opaque in
            guard let message, message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR,
                  let context = KafkaCallbackContext.from(opaque) else { return }
            context.log(level: 3, facility: "DELIVERY", "delivery failed: \(KafkaError(message.pointee.err))")
        }
        var errstr = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaConfigurationError("cannot create the Kafka producer: \(properties.scrub(errorText(errstr)))")
        }
        self.handle = handle
        _ = Unmanaged.passRetained(context)
    }

    deinit {
        for (_, rkt) in topics { rd_kafka_topic_destroy(rkt) }
        rd_kafka_destroy(handle)
        Unmanaged.passUnretained(context).release()
    }

    /// Queues one message (copied). `value` nil produces a tombstone. `partition` nil lets the
    /// partitioner choose.
    public func produce(topic: String, partition: Int32? = nil, value: [UInt8]?, key: [UInt8]? = nil) throws {
        let rkt: OpaquePointer
        if let known = topics[topic] {
            rkt = known
        } else {
            guard let created = rd_kafka_topic_new(handle, topic, nil) else { throw KafkaError(rd_kafka_last_error()) }
            topics[topic] = created
            rkt = created
        }
        while true {
            let status: Int32 = withOptionalBytes(value) { v, vlen in
                withOptionalBytes(key) { k, klen in
                    rd_kafka_produce(rkt, partition ?? RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, v, vlen, k, klen, nil)
                }
            }
            if status == 0 { break }
            let err = rd_kafka_last_error()
            // A full local queue: serve delivery reports and try again.
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                rd_kafka_poll(handle, 50)
                continue
            }
            throw KafkaError(err)
        }
        rd_kafka_poll(handle, 0)
    }

    /// Waits until every queued message is delivered (or the timeout passes).
    public func flush(timeoutMilliseconds: Int32) throws {
        let err = rd_kafka_flush(handle, timeoutMilliseconds)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    private func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeMutableRawPointer?, Int) -> R) -> R {
        guard var bytes else { return body(nil, 0) }
        if bytes.isEmpty { return emptyValue(body) }
        return bytes.withUnsafeMutableBytes { body($0.baseAddress, $0.count) }
    }

    /// An empty (not null) value: a valid pointer with length 0.
    private func emptyValue<R>(_ body: (UnsafeMutableRawPointer?, Int) -> R) -> R {
        var one: UInt8 = 0
        return withUnsafeMutablePointer(to: &one) { body(UnsafeMutableRawPointer($0), 0) }
    }
}
