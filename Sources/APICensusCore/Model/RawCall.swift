/// Bytes a parser found in a line. They point into the line being parsed or into the parser's own
/// scratch space (after JSON unescaping, say), and stay valid only until that parser parses the next line.
public typealias Bytes = UnsafeBufferPointer<UInt8>

extension UnsafeBufferPointer where Element == UInt8 {
    /// The empty view used for "field absent".
    @inlinable public static var none: Bytes { Bytes(start: nil, count: 0) }

    /// A `String` copy, for tests, error messages and the report; never used per line in the hot path.
    public var text: String { String(decoding: self, as: UTF8.self) }
}

/// One access-log record as a parser saw it: fields as byte views, numbers already decoded.
/// Parsers fill it in place so that the hot path allocates nothing per line.
public struct RawCall {
    /// Request method as logged (`GET`), empty when the log has none.
    public var method: Bytes = .none
    /// Request target as logged: origin form `/path?query`, absolute form `http://host/path`,
    /// authority form (`CONNECT host:443`) or `*`.
    public var target: Bytes = .none
    /// Protocol token as logged (`HTTP/1.1`), empty when absent (HTTP/0.9 style request lines).
    public var httpVersion: Bytes = .none
    /// The request line as logged (`GET /x HTTP/1.1`, or junk), when the format logs it whole.
    /// Only read to classify requests that are not valid; never written to the output.
    public var requestLine: Bytes = .none
    /// Virtual host / Host header / server name, when the format logs one.
    public var host: Bytes = .none
    /// Client address as logged (IPv4, IPv6, or a name).
    public var client: Bytes = .none
    /// Authenticated user name as logged. Counted as evidence, never written to the output.
    public var user: Bytes = .none
    public var referrer: Bytes = .none
    public var userAgent: Bytes = .none
    /// HTTP status, or -1 when unknown.
    public var status: Int32 = -1
    /// Response body bytes, or -1 when unknown (`-` in CLF).
    public var responseBytes: Int64 = -1
    /// Milliseconds since the Unix epoch, or `RawCall.unknownTime`.
    public var timestampMillis: Int64 = RawCall.unknownTime
    /// Request duration in microseconds, or -1 when the log has none.
    public var durationMicros: Int64 = -1
    /// False when the record is a faithful log line but the request inside it is not a request
    /// (TLS handshake bytes, scanner junk, an empty request): counted, kept out of the inventory.
    public var requestIsValid: Bool = true

    public static let unknownTime = Int64.min

    public init() {}

    @inlinable public mutating func reset() { self = RawCall() }
}

/// What parsing one line produced.
public enum LineOutcome: Equatable, Sendable {
    /// A record was parsed into the `RawCall`.
    case call
    /// A line that carries no record by design: blank, a `#` header/comment of formats that have them.
    case ignored
    /// The line is not a valid record of the format.
    case rejected(RejectReason)
}

/// Why a line was rejected. The raw values are part of the report contract (`rejected_by_reason`).
public enum RejectReason: String, CaseIterable, Sendable, Comparable {
    /// Longer than the line limit (1 MiB by default).
    case tooLong = "too_long"
    /// Does not have the shape of the format at all.
    case malformed
    /// The timestamp field is present but cannot be read.
    case badTimestamp = "bad_timestamp"
    /// The status field is not a 3-digit code.
    case badStatus = "bad_status"
    /// A JSON line that is not a well-formed JSON object.
    case invalidJSON = "invalid_json"
    /// A required field (as the field map names it) is missing.
    case missingField = "missing_field"
    /// No known format matches the line (auto-detection found nothing).
    case unknownFormat = "unknown_format"

    public static func < (a: RejectReason, b: RejectReason) -> Bool { a.rawValue < b.rawValue }
}
