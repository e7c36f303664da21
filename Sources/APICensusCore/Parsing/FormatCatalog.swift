/// The fields of a `RawCall` a format can fill. A format's descriptor lists the ones it logs, so
/// that indicators can say "not observable with these logs" instead of reading an empty field as
/// "absent".
public enum CallField: String, CaseIterable, Sendable, Comparable {
    case method, target, httpVersion = "http_version", host, client, user, referrer
    case userAgent = "user_agent", status, responseBytes = "response_bytes", timestamp, duration
    case scheme, tlsProtocol = "tls_protocol", tlsCipher = "tls_cipher"
    case clientCertificate = "client_certificate", upstream, route, service, consumer
    case wafAction = "waf_action", wafRule = "waf_rule", requestId = "request_id"
    case forwardedFor = "forwarded_for", authorization, cookie, apiKey = "api_key"
    case contentType = "content_type", requestHeaders = "request_headers"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// What NGINX/Apache `combined` logs.
    public static let combinedFields: Set<CallField> = [.method, .target, .httpVersion, .client, .user, .referrer,
                                                         .userAgent, .status, .responseBytes, .timestamp]
}

/// Everything APICensus knows about one log format: how to parse it, what it logs, the role its
/// sources usually play, and an example for `apicensus formats`.
public struct FormatDescriptor: Sendable {
    public let format: LogFormat
    /// Human name (`NGINX/Apache combined`).
    public let title: String
    public let defaultRole: SourceRole
    /// The fields a record of this format can carry (a given record may still leave some empty).
    public let yields: Set<CallField>
    /// One real-looking record (secrets left out), shown by `apicensus formats` and parsed by a test.
    public let example: String
    /// A line's meaning depends on earlier lines: records span several lines (ModSecurity's serial
    /// audit log) or a header names the fields (W3C `#Fields:`). An input of this format is read by
    /// one worker from start to end with one parser, never split into ranges or shared chunks.
    public let readsSequentially: Bool
    /// When several formats parse the same share of a sample, the most specific one wins: a strict
    /// format (Traefik's CLF with its extra fields) over the generic one it resembles (combined).
    public let specificity: Int
    /// A new parser for one worker thread.
    public let makeParser: @Sendable (FieldMap) -> any LineParser

    public init(format: LogFormat, title: String, defaultRole: SourceRole, yields: Set<CallField>, example: String,
                readsSequentially: Bool = false, specificity: Int, makeParser: @escaping @Sendable (FieldMap) -> any LineParser) {
        self.format = format
        self.title = title
        self.defaultRole = defaultRole
        self.yields = yields
        self.example = example
        self.readsSequentially = readsSequentially
        self.specificity = specificity
        self.makeParser = makeParser
    }
}

/// The formats APICensus reads, in the order `apicensus formats` lists them.
public enum FormatCatalog {
    public static let all: [FormatDescriptor] = [
        .combined, .common, .jsonLines,
        .kong, .envoyJSON, .caddy, .traefikJSON, .cloudflare, .fastly,
        .awsAPIGateway, .awsWAF, .gcpLoadBalancer, .azureAppGateway, .azureFrontDoor, .modSecurityJSON,
        .awsALB,
        .awsClassicELB,
        .awsCloudFront,
        .w3c,
        .haproxy,
        .envoy,
        .istio,
        .traefikCLF,
        .modsecurityNative, .modsecurityErrorLog,
    ]

    public static func readsSequentially(_ format: LogFormat?) -> Bool {
        format.map { descriptor(for: $0).readsSequentially } ?? false
    }

    public static func descriptor(for format: LogFormat) -> FormatDescriptor {
        guard let d = all.first(where: { $0.format == format }) else {
            preconditionFailure("format \(format.rawValue) has no descriptor in FormatCatalog.all")
        }
        return d
    }
}

extension FormatDescriptor {
    public static let combined = FormatDescriptor(
        format: .combined, title: "NGINX/Apache combined", defaultRole: .lb,
        yields: CallField.combinedFields.union([.host, .duration]),
        example: #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/42?expand=orders HTTP/1.1" 200 512 "-" "curl/8.5.0""#,
        specificity: 0, makeParser: { _ in CombinedLogParser(format: .combined) })

    public static let common = FormatDescriptor(
        format: .common, title: "NGINX/Apache common (CLF)", defaultRole: .lb,
        yields: CallField.combinedFields.subtracting([.referrer, .userAgent]).union([.host]),
        example: #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET /api/v1/users/42 HTTP/1.1" 200 512"#,
        specificity: 0, makeParser: { _ in CombinedLogParser(format: .common) })

    public static let jsonLines = FormatDescriptor(
        format: .jsonLines, title: "JSON lines (NGINX JSON or any JSON, with a field map)", defaultRole: .lb,
        yields: Set(FieldMap.Field.allCases.compactMap(\.callField)),
        example: #"{"time":"2026-10-10T13:55:36+00:00","remote_addr":"203.0.113.7","request":"GET /api/v1/users/42 HTTP/1.1","status":200,"body_bytes_sent":512,"request_time":0.004,"http_user_agent":"curl/8.5.0"}"#,
        specificity: 0, makeParser: { JSONLinesParser(fieldMap: $0) })
}

extension FieldMap.Field {
    /// The `RawCall` field this JSON field fills.
    var callField: CallField? {
        switch self {
        case .time: .timestamp
        case .client: .client
        case .user: .user
        case .method: .method
        case .path, .query, .target, .request: .target
        case .protocol: .httpVersion
        case .status: .status
        case .bytes: .responseBytes
        case .duration, .durationMillis, .durationMicros: .duration
        case .host: .host
        case .referrer: .referrer
        case .userAgent: .userAgent
        }
    }
}

/// A parser chosen at run time (any format of the catalog). The per-line call goes through the
/// existential; the formats that dominate the benchmark keep their own specialised paths.
public struct AnyLineParser: LineParser {
    public var base: any LineParser

    public init(_ base: any LineParser) { self.base = base }

    public init(format: LogFormat, fieldMap: FieldMap) {
        self.base = FormatCatalog.descriptor(for: format).makeParser(fieldMap)
    }

    @inline(__always)
    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        base.parse(line, into: &call)
    }

    public mutating func finish(into call: inout RawCall) -> LineOutcome? {
        base.finish(into: &call)
    }
}
