@testable import APICensusCore

/// What a parser made of one line, copied out of the parser's byte views (which only live until
/// the parser's next line), for the cloud and WAF JSON format tests.
struct EdgeParsed {
    var outcome: LineOutcome
    var method = "", target = "", version = "", requestLine = "", host = "", client = "", user = "", referrer = ""
    var userAgent = "", scheme = "", tlsProtocol = "", tlsCipher = "", upstream = "", route = "", service = ""
    var consumer = "", wafAction = "", wafRule = "", requestId = "", forwardedFor = "", authorization = ""
    var cookie = "", apiKey = "", contentType = "", requestHeaders = ""
    var status: Int32 = -1
    var bytes: Int64 = -1
    var millis: Int64 = RawCall.unknownTime
    var micros: Int64 = -1
    var valid = true
    var certificate = ClientCertificateEvidence.notLogged
    var headersForm = HeaderBlockForm.none

    /// The timestamp as ISO 8601 (`2026-10-10T13:55:36.123Z`), or empty.
    var time: String { millis == RawCall.unknownTime ? "" : ReportBuilder.isoTime(millis) }
}

/// Parses `line` with `parser` and copies every field out.
func edgeParse<P: LineParser>(_ parser: inout P, _ line: String) -> EdgeParsed {
    var bytes = Array(line.utf8)
    return bytes.withUnsafeMutableBufferPointer { buffer -> EdgeParsed in
        var call = RawCall()
        let outcome = parser.parse(Bytes(buffer), into: &call)
        var p = EdgeParsed(outcome: outcome)
        p.method = call.method.text; p.target = call.target.text; p.version = call.httpVersion.text
        p.requestLine = call.requestLine.text; p.host = call.host.text; p.client = call.client.text
        p.user = call.user.text; p.referrer = call.referrer.text; p.userAgent = call.userAgent.text
        p.scheme = call.scheme.text; p.tlsProtocol = call.tlsProtocol.text; p.tlsCipher = call.tlsCipher.text
        p.upstream = call.upstream.text; p.route = call.route.text; p.service = call.service.text
        p.consumer = call.consumer.text; p.wafAction = call.wafAction.text; p.wafRule = call.wafRule.text
        p.requestId = call.requestId.text; p.forwardedFor = call.forwardedFor.text
        p.authorization = call.authorization.text; p.cookie = call.cookie.text; p.apiKey = call.apiKey.text
        p.contentType = call.contentType.text; p.requestHeaders = call.requestHeaders.text
        p.status = call.status; p.bytes = call.responseBytes; p.millis = call.timestampMillis
        p.micros = call.durationMicros; p.valid = call.requestIsValid; p.certificate = call.clientCertificate
        p.headersForm = call.requestHeadersForm
        return p
    }
}

/// A line of each neighbouring JSON format, for near-miss tests: every format here must reject
/// the lines of the others.
enum EdgeNearMiss {
    static let nginxJSON = #"{"time_iso8601":"2026-10-10T13:55:36+00:00","remote_addr":"203.0.113.7","request_id":"7f3a","request":"GET /users/42 HTTP/1.1","status":200,"body_bytes_sent":512,"request_time":0.004,"http_user_agent":"curl/8.5.0","host":"api.example.com"}"#
    static let caddyAccess = #"{"level":"info","ts":1791640536.123,"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"203.0.113.7","proto":"HTTP/2.0","method":"GET","host":"api.example.com","uri":"/users/42","headers":{"User-Agent":["curl/8.5.0"]}},"duration":0.004,"size":512,"status":200}"#
    static let kong = #"{"request":{"method":"GET","uri":"/users/42","url":"https://api.example.com/users/42","headers":{"host":"api.example.com"},"size":120},"response":{"status":200,"size":512},"client_ip":"203.0.113.7","started_at":1791640536123,"latencies":{"request":4,"kong":1,"proxy":3},"route":{"name":"users"},"service":{"name":"users-svc"}}"#
    static let cloudflare = #"{"ClientIP":"203.0.113.7","ClientRequestHost":"api.example.com","ClientRequestMethod":"GET","ClientRequestURI":"/users/42","EdgeResponseStatus":200,"EdgeStartTimestamp":"2026-10-10T13:55:36Z","RayID":"7f3a2b1c0d9e8f7a","SecurityAction":"allow"}"#
    static let cloudLoggingText = #"{"insertId":"abc","textPayload":"Container started","resource":{"type":"cloud_run_revision","labels":{"service_name":"api"}},"timestamp":"2026-10-10T13:55:36.123456Z","severity":"INFO","logName":"projects/p/logs/run.googleapis.com%2Fstdout"}"#

    static let all = [nginxJSON, caddyAccess, kong, cloudflare, cloudLoggingText]
}
