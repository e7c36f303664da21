/// The JSON documents log shippers write when they forward a log line untouched: Filebeat and
/// Logstash (`{"@timestamp":…,"message":"<line>",…}`, ECS `event.original`), Vector (`{"message":…,
/// "timestamp":…,"source_type":"file",…}`), Fluent Bit (`{"date":…,"log":"<line>"}`), and the same
/// documents read back from Kafka topics or files those tools write to.
///
/// The inner line is the `message` string, else the `log` string (Filebeat's `log` is an object
/// describing the file, so a string is required), else `event.original`. When that text is itself
/// such a document (a Docker json-file line shipped by Filebeat), it is unwrapped too, up to
/// `maxDepth` levels. The time is the outermost document's first of `@timestamp`, `timestamp`, `time`
/// and `date` (ISO 8601 or epoch); it is used only when the inner line has none.
struct ShipperJSONEnvelope {
    static let maxDepth = 3

    private var scanner = JSONScanner(keyPaths: ["message", "log", "event.original", "@timestamp", "timestamp", "time", "date"])
    /// Nested documents are copied here before the next level is scanned (the scanner reuses its
    /// scratch space); two, used in turn, so the copy never overwrites its own source.
    private let holds = (OwnedBytes(capacity: 1024), OwnedBytes(capacity: 1024))
    private var time: Bytes = .none
    /// The outer time, decoded before a nested scan could overwrite its bytes.
    private var nestedTime: Int64?

    mutating func unwrap(_ line: Bytes) -> Unwrapped {
        time = .none
        nestedTime = nil
        guard var current = once(line, takeTime: true) else { return .notEnveloped }
        var depth = 1
        while depth < ShipperJSONEnvelope.maxDepth, firstNonBlank(current) == UInt8(ascii: "{") {
            if depth == 1 { nestedTime = time.count > 0 ? Timestamps.anyMillis(time) : nil }
            let hold = depth % 2 == 1 ? holds.0 : holds.1
            hold.removeAll()
            hold.append(current)
            guard let inner = once(hold.all, takeTime: false) else { break }
            current = inner
            depth += 1
        }
        return .line(withoutLineEnd(current))
    }

    func timestampMillis() -> Int64? {
        if let nestedTime { return nestedTime }
        return time.count > 0 ? Timestamps.anyMillis(time) : nil
    }

    /// One level: the inner text of a shipper document, or nil when `bytes` is not one.
    private mutating func once(_ bytes: Bytes, takeTime: Bool) -> Bytes? {
        guard firstNonBlank(bytes) == UInt8(ascii: "{"), scanner.scan(withoutLineEnd(bytes)) else { return nil }
        var inner = JSONValue.absent
        for slot in 0...2 where scanner.value(slot).kind == .string {
            inner = scanner.value(slot)
            break
        }
        guard inner.kind == .string else { return nil }
        if takeTime {
            for slot in 3...6 {
                let t = scanner.value(slot)
                if t.isScalar { time = t.bytes; break }
            }
        }
        return inner.bytes
    }
}
