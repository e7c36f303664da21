/// Writes synthetic records in APICensus's recommended NGINX `log_format` (`CustomFormat.recommendedNGINX`),
/// read back with `apicensus batch --log-format nginx:<that format>`: the benchmark's measure of the
/// compiled custom-format parser.
struct CustomFormatWriter: SyntheticLogWriter {
    let name = "custom"
    let logsHost = true
    private let format: CustomFormat

    init() {
        // The recommended format is a constant that a test compiles; failing here is a programming error.
        format = try! CustomFormat.compile(nginx: CustomFormat.recommendedNGINX)
    }

    func append(_ record: SyntheticRecord, to out: inout [UInt8]) {
        out.append(contentsOf: format.render(record).utf8)
    }
}

extension CustomFormat {
    /// The NGINX `log_format` the documentation recommends: everything APICensus uses, no secret
    /// (`$auth_scheme` is the Authorization header's first word, from a `map`; see docs/formats/custom.md).
    public static let recommendedNGINX = #"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "#
        + #""$http_referer" "$http_user_agent" $host $scheme $ssl_protocol $ssl_cipher $ssl_client_verify "#
        + #"$request_time $upstream_addr $request_id "$http_x_forwarded_for" $auth_scheme"#

    /// The Apache `LogFormat` the documentation recommends (mod_ssl variables; `auth_scheme` set by
    /// `SetEnvIf Authorization "^(\S+)" auth_scheme=$1`).
    public static let recommendedApache = #"%a %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %{Host}i "#
        + #"%{SSL_PROTOCOL}x %{SSL_CIPHER}x %{SSL_CLIENT_VERIFY}x %D %{UNIQUE_ID}e \"%{X-Forwarded-For}i\" %{auth_scheme}e"#

    /// The sample call behind `exampleLine`.
    static let exampleRecord = SyntheticRecord(
        method: "GET", host: "api.example.com", path: "/api/v1/users/42", query: "?expand=orders", httpVersion: "1.1",
        client: "203.0.113.7", user: "-", referrer: "-", userAgent: "curl/8.5.0", status: 200, bytes: 512,
        durationMicros: 4000, timeMillis: 1_791_640_536_000, clientIndex: 28, variant: 0x5EED)

    /// One line of this format for `record`, written the way NGINX / Apache would write it (absent
    /// values as `-`).
    func render(_ r: SyntheticRecord) -> String {
        var line = ""
        for step in steps {
            if step.isLiteral {
                line += String(decoding: literalBytes[step.literal], as: UTF8.self)
                continue
            }
            let value = CustomFormat.renderValue(step, r)
            line += value.isEmpty && step.kind != .isArgs ? "-" : value
        }
        return line
    }

    private static func renderValue(_ step: CustomStep, _ r: SyntheticRecord) -> String {
        let tls = r.tlsProtocol != nil
        let mutualTLS = r.clientIndex % 25 == 5
        switch step.kind {
        case .opaque, .opaqueList: return "-"
        case .client: return r.client
        case .user: return r.user
        case .timeCLF: return r.clfTime
        case .timeCLFBracketed: return "[\(r.clfTime)]"
        case .timeISO: return r.isoTime
        case .timeEpoch: return "\(r.timeMillis / 1000).\(LogGenerator.pad(Int(r.timeMillis % 1000), 3))"
        case .timeAny: return strftime(step.timePattern ?? "", r.timeMillis)
        case .request: return r.requestLine
        case .method: return r.method
        case .requestURI: return r.target
        case .path: return r.path
        case .queryWithMark: return r.query
        case .queryArgs: return r.query.isEmpty ? "" : String(r.query.dropFirst())
        case .isArgs: return r.query.isEmpty ? "" : "?"
        case .httpVersion: return "HTTP/\(r.httpVersion)"
        case .status: return String(r.status)
        case .bytes: return String(r.bytes)
        case .referrer: return r.referrer
        case .userAgent: return r.userAgent
        case .host: return r.host
        case .durationSeconds: return r.durationSeconds
        case .durationMillis: return String(r.durationMicros / 1000)
        case .durationMicros: return String(r.durationMicros)
        case .durationWholeSeconds: return String(r.durationMicros / 1_000_000)
        case .scheme: return tls ? "https" : "http"
        case .tlsProtocol: return r.tlsProtocol ?? ""
        case .tlsCipher: return r.tlsCipher ?? ""
        case .clientVerify: return !tls ? "" : (mutualTLS ? "SUCCESS" : "NONE")
        case .clientSubject: return tls && mutualTLS ? "CN=client-\(r.clientIndex),O=Example" : ""
        case .upstream: return "10.2.\(r.clientIndex % 4).\(r.clientIndex % 200 + 1):8080"
        case .forwardedFor: return r.client
        case .authorization: return r.authorization(.custom) ?? ""
        case .authScheme: return r.authorizationScheme ?? ""
        case .cookie: return ""
        case .apiKey: return r.apiKey(.custom) ?? ""
        case .contentType: return ["POST", "PUT", "PATCH"].contains(r.method) ? "application/json" : ""
        case .requestId: return r.requestId
        }
    }

    /// The strftime conversions access logs use (`%d/%b/%Y:%H:%M:%S %z`, `%F %T`, …), in UTC.
    private static func strftime(_ pattern: String, _ millis: Int64) -> String {
        let iso = Array(ReportBuilder.isoTime(millis))  // 2026-01-01T00:00:00.000Z
        func part(_ r: ClosedRange<Int>) -> String { String(iso[r]) }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard !pattern.isEmpty else { return part(0...18) }
        var out = ""
        var chars = pattern.makeIterator()
        while let c = chars.next() {
            guard c == "%", let d = chars.next() else { out.append(c); continue }
            switch d {
            case "Y": out += part(0...3)
            case "m": out += part(5...6)
            case "d": out += part(8...9)
            case "H": out += part(11...12)
            case "M": out += part(14...15)
            case "S": out += part(17...18)
            case "b", "h": out += months[Int(part(5...6))! - 1]
            case "z": out += "+0000"
            case "T": out += part(11...18)
            case "F": out += part(0...9)
            case "%": out += "%"
            default: out += "%\(d)"
            }
        }
        return out
    }
}

/// The custom-format writer's credentials, `SyntheticRecord.authorization(.custom)`, by the name the
/// custom-format tests compare parsed values with.
enum SyntheticCredentialText {
    static func authorization(_ r: SyntheticRecord) -> String? { r.authorization(.custom) }
}
