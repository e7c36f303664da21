/// The JSON documents log shippers write when they forward a log line untouched: Filebeat and
/// Logstash (`{"@timestamp":…,"message":"<line>",…}`), Vector (`{"message":…,"timestamp":…,
/// "source_type":"file",…}`), Fluent Bit (`{"date":…,"log":"<line>"}`), and the same documents read
/// back from Kafka topics or files those tools write to.
///
/// The inner line is the `message` string, else the `log` string (Filebeat's `log` is an object
/// describing the file, so a string is required). The time is the first of `@timestamp`,
/// `timestamp`, `time` and `date` (ISO 8601 or epoch); it is used only when the inner line has none.
struct ShipperJSONEnvelope {
    private var scanner = JSONScanner(keyPaths: ["message", "log", "@timestamp", "timestamp", "time", "date"])
    private(set) var time: Bytes = .none

    mutating func unwrap(_ line: Bytes) -> Unwrapped {
        time = .none
        guard let first = firstNonBlank(line), first == UInt8(ascii: "{"), scanner.scan(line) else { return .notEnveloped }
        var inner = scanner.value(0)
        if inner.kind != .string { inner = scanner.value(1) }
        guard inner.kind == .string else { return .notEnveloped }
        for slot in 2...5 {
            let t = scanner.value(slot)
            if t.isScalar { time = t.bytes; break }
        }
        return .line(withoutLineEnd(inner.bytes))
    }
}
