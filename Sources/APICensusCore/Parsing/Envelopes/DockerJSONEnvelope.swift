/// Docker's `json-file` logging driver (and Kubernetes nodes running Docker), one JSON object per
/// line: `{"log":"<the line>\n","stream":"stdout","time":"2026-01-01T00:00:00.000000000Z"}`, with an
/// optional `attrs` object. Log collectors that keep this shape (Fluent Bit's `docker` parser,
/// adding a `kubernetes` object) read the same.
///
/// Both `log` and `stream` must be strings: that is what tells this envelope from a JSON access log
/// and from the looser shipper envelope (`ShipperJSONEnvelope`). The inner line is the unescaped
/// `log` string without its trailing newline; it lives in the scanner's scratch buffer until the next
/// line is unwrapped.
struct DockerJSONEnvelope {
    private var scanner = JSONScanner(keyPaths: ["log", "stream", "time"])
    private(set) var time: Bytes = .none

    mutating func unwrap(_ line: Bytes) -> Unwrapped {
        time = .none
        guard let first = firstNonBlank(line), first == UInt8(ascii: "{"), scanner.scan(line) else { return .notEnveloped }
        let log = scanner.value(0), stream = scanner.value(1)
        guard log.kind == .string, stream.kind == .string else { return .notEnveloped }
        let t = scanner.value(2)
        if t.kind == .string { time = t.bytes }
        return .line(withoutLineEnd(log.bytes))
    }
}

/// The first byte that is not a space or tab, if any.
@inline(__always) func firstNonBlank(_ line: Bytes) -> UInt8? {
    for b in line where b != 0x20 && b != 0x09 { return b }
    return nil
}

/// `bytes` without a trailing `\n` / `\r\n` (container runtimes keep the line's newline).
@inline(__always) func withoutLineEnd(_ bytes: Bytes) -> Bytes {
    guard let p = bytes.baseAddress else { return bytes }
    var n = bytes.count
    while n > 0, p[n - 1] == 0x0A || p[n - 1] == 0x0D { n -= 1 }
    return Bytes(start: p, count: n)
}
