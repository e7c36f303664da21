import CRdKafka
import Synchronization

/// What every librdkafka callback needs, reached through the handle's opaque pointer: the log
/// handler, the secrets to scrub, and (for consumers) the rebalance handed to the application.
final class KafkaCallbackContext: @unchecked Sendable {
    let properties: KafkaProperties
    let logHandler: KafkaLogHandler
    /// Set by the rebalance callback on the polling thread, taken by `pollBatch` on the same thread.
    var pendingRebalance: KafkaRebalance?
    /// While closing, rebalances are carried out inside the callback (nothing is left to flush).
    let closing = Atomic<Bool>(false)

    init(properties: KafkaProperties, logHandler: @escaping KafkaLogHandler) {
        self.properties = properties
        self.logHandler = logHandler
    }

    func log(level: Int32, facility: String, _ message: String) {
        logHandler(KafkaLogRecord(level: level, facility: facility, message: properties.scrub(message)))
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> KafkaCallbackContext? {
        opaque.map { Unmanaged<KafkaCallbackContext>.fromOpaque($0).takeUnretainedValue() }
    }
}

enum KafkaClientConfiguration {
    /// A librdkafka configuration object holding `properties`, with the log and error callbacks
    /// wired to `context`. Errors name the property but never a secret value.
    static func make(_ properties: KafkaProperties, context: KafkaCallbackContext) throws -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.entries {
            let result = rd_kafka_conf_set(conf, name, value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let detail = errorText(errstr)
                if KafkaProperties.isSecret(name) {
                    throw KafkaConfigurationError(result == RD_KAFKA_CONF_UNKNOWN
                        ? "unknown Kafka property \(name)" : "invalid value for Kafka property \(name) (value not shown)")
                }
                throw KafkaConfigurationError("Kafka property \(name): \(properties.scrub(detail))")
            }
        }
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, buffer in
            guard let rk, let context = KafkaCallbackContext.from(rd_kafka_opaque(rk)) else { return }
            context.log(level: level, facility: facility.map { String(cString: $0) } ?? "",
                        buffer.map { String(cString: $0) } ?? "")
        }
        rd_kafka_conf_set_error_cb(conf) { _, err, reason, opaque in
            guard let context = KafkaCallbackContext.from(opaque) else { return }
            let error = KafkaError(code: err, reason: reason.map { String(cString: $0) } ?? "")
            // A broker connection failure was already logged (facility FAIL) by librdkafka itself.
            if error.code == RD_KAFKA_RESP_ERR__TRANSPORT.rawValue { return }
            context.log(level: error.isFatal ? 2 : (error.isTransport ? 4 : 3), facility: "ERROR", error.description)
        }
        return conf
    }
}

/// Turns a partition list into Swift values.
func topicPartitions(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
    guard let list, let elems = list.pointee.elems else { return [] }
    return (0..<Int(list.pointee.cnt)).map {
        TopicPartition(topic: String(cString: elems[$0].topic), partition: elems[$0].partition)
    }
}

/// A librdkafka partition list for the duration of `body`.
func withPartitionList<R>(_ entries: [(TopicPartition, Int64?)],
                          _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) throws -> R) rethrows -> R {
    let list = rd_kafka_topic_partition_list_new(Int32(max(entries.count, 1)))!
    defer { rd_kafka_topic_partition_list_destroy(list) }
    for (tp, offset) in entries {
        let element = rd_kafka_topic_partition_list_add(list, tp.topic, tp.partition)!
        if let offset { element.pointee.offset = offset }
    }
    return try body(list)
}

/// The NUL-terminated text librdkafka wrote into an error buffer.
func errorText(_ buffer: [CChar]) -> String {
    buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
