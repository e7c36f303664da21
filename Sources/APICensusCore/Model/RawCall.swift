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
    /// How the server authenticated `user`: HTTP Basic (CLF's `%u`, NGINX `$remote_user`, Traefik's
    /// `ClientUsername`; the default), or a scheme the log does not name (IIS `cs-username`: Windows,
    /// Basic or forms authentication; Caddy `user_id`: any auth module). A principal a gateway
    /// authenticated goes to `consumer` instead.
    public var userIsBasicAuth = true
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

    // MARK: Evidence for coverage and maturity
    // Filled by the formats that log them (gateways, load balancers, WAFs); empty when not logged.
    // Which of these a format can yield is declared in its `FormatDescriptor.yields`, so that an
    // indicator can tell "not logged by this format" from "logged, and absent". Values that are
    // credentials (`authorization`, `cookie`, `apiKey`) are only ever classified, never written out.

    /// Scheme or connection type as logged: `http`, `https`, `ws`, `wss`, `h2`, `grpcs` (ALB `type`,
    /// CloudFront `cs-protocol`, Envoy `%REQ(:SCHEME)%`).
    public var scheme: Bytes = .none
    /// TLS protocol as logged (`TLSv1.2`, `tls1.3`, `TLSv1`); `-` or empty-by-format means plaintext
    /// when the format's descriptor says it logs TLS.
    public var tlsProtocol: Bytes = .none
    public var tlsCipher: Bytes = .none
    /// Client certificate evidence (mutual TLS).
    public var clientCertificate: ClientCertificateEvidence = .notLogged
    /// Upstream / backend / target address the proxy forwarded to.
    public var upstream: Bytes = .none
    /// Gateway or proxy route / rule / listener rule that matched.
    public var route: Bytes = .none
    /// Gateway service, backend pool, target group or cluster name.
    public var service: Bytes = .none
    /// The gateway-authenticated consumer or principal (Kong consumer, API Gateway authorizer
    /// principal). Evidence of authentication; never written out.
    public var consumer: Bytes = .none
    /// WAF decision as logged (`BLOCK`, `ALLOW`, `COUNT`, `challenge`, `Blocked`, `Detected`…).
    public var wafAction: Bytes = .none
    /// WAF rule that decided (terminating rule id or name).
    public var wafRule: Bytes = .none
    public var requestId: Bytes = .none
    /// `X-Forwarded-For` chain as logged (`a, b, c`).
    public var forwardedFor: Bytes = .none
    /// `Authorization` header value, when logged. Classified (scheme, JWT header), never written out.
    public var authorization: Bytes = .none
    /// `Cookie` header value, when logged. Classified, never written out.
    public var cookie: Bytes = .none
    /// An API-key header value (`X-API-Key`, `apikey`), when logged. Classified, never written out.
    public var apiKey: Bytes = .none
    /// Request `Content-Type`, when logged.
    public var contentType: Bytes = .none
    /// Request headers as the format logs them, when it logs a set of them (Kong, AWS WAF, Azure
    /// WAF…): raw bytes in the shape `requestHeadersForm` says, looked up lazily by name.
    public var requestHeaders: Bytes = .none
    public var requestHeadersForm: HeaderBlockForm = .none
    /// Evidence this record leaves out although its format can log it. Keyed formats (JSON whose keys
    /// the deployment chooses: Envoy's `json_format`, Fastly, Cloudflare, Traefik, Kong without its
    /// header block) set it for keys absent from the record, so that "not logged" is never read as
    /// "logged, and empty": a present key with an empty, `-` or null value is logged and empty.
    public var unlogged: UnloggedEvidence = []
    /// API-style signals among the request headers, for header-block formats whose parser reads
    /// them by name (`.read` says it did: the classifier then need not search the block).
    public var styleHeaders: StyleHeaders = []

    public static let unknownTime = Int64.min

    public init() {}

    @inlinable public mutating func reset() { self = RawCall() }
}

/// What a log says about the client's certificate (mutual TLS).
public enum ClientCertificateEvidence: UInt8, Sendable, Comparable {
    /// The format does not log it.
    case notLogged
    /// Logged: no certificate was presented.
    case none
    /// A certificate was presented; verification not logged.
    case presented
    /// Presented and verified (`$ssl_client_verify` SUCCESS, Envoy peer subject set by a validating
    /// listener, ALB mTLS verify mode success).
    case verified
    /// Presented and rejected.
    case failed

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Evidence a record of a keyed format leaves out (`RawCall.unlogged`).
public struct UnloggedEvidence: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Neither the `Authorization` header nor a header block: whether a credential was sent is unknown.
    public static let credentials = UnloggedEvidence(rawValue: 1)
    /// The TLS protocol: whether the connection was encrypted is unknown (unless the scheme says).
    public static let tls = UnloggedEvidence(rawValue: 2)
}

/// API-style signals a parser found among the request headers (`RawCall.styleHeaders`).
public struct StyleHeaders: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// The parser looked for the three headers below.
    public static let read = StyleHeaders(rawValue: 1)
    /// `Upgrade: websocket`.
    public static let websocketUpgrade = StyleHeaders(rawValue: 2)
    /// A `SOAPAction` header.
    public static let soapAction = StyleHeaders(rawValue: 4)
    /// `Accept: text/event-stream`.
    public static let acceptsEventStream = StyleHeaders(rawValue: 8)

    /// From the three headers' values (nil when absent).
    static func from(upgrade: Bytes?, soapAction: Bool, accept: Bytes?) -> StyleHeaders {
        var s: StyleHeaders = .read
        if let upgrade, CallClassifier.containsLower(upgrade, "websocket") { s.insert(.websocketUpgrade) }
        if soapAction { s.insert(.soapAction) }
        if let accept, CallClassifier.containsLower(accept, "text/event-stream") { s.insert(.acceptsEventStream) }
        return s
    }
}

/// The shape of `RawCall.requestHeaders`.
public enum HeaderBlockForm: UInt8, Sendable {
    case none
    /// A JSON object `{"name": "value", "name2": ["v1", "v2"]}` (Kong, Caddy, GCP).
    case jsonObject
    /// A JSON array of `{"name": …, "value": …}` objects (AWS WAF `httpRequest.headers`).
    case jsonNameValueArray
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
    /// A server's error-log or diagnostic line (NGINX, Apache, a proxy plugin's `DEBUG: …`) among
    /// access records: not an access record.
    case errorLog = "error_log"
    /// No known format matches the line (auto-detection found nothing).
    case unknownFormat = "unknown_format"
    /// A Kafka message with a null value (a tombstone): no log text at all.
    case nullMessage = "null_message"
    /// A Kafka message whose value is empty.
    case emptyMessage = "empty_message"
    /// A Kafka message larger than the consumer's limit (`--max-message-bytes`); not read.
    case oversizedMessage = "oversized_message"
    /// Kafka messages the client could not read (a bad record batch, or one it cannot decompress):
    /// skipped by librdkafka, counted here once, at the batch's first offset.
    case unreadableMessage = "unreadable_message"

    public static func < (a: RejectReason, b: RejectReason) -> Bool { a.rawValue < b.rawValue }
}
