import Testing
@testable import APICensusCore

/// Everything a gateway/edge JSON parser can fill, copied into strings so it outlives the parser's
/// buffers. Shared by the Kong, Envoy JSON, Caddy, Traefik JSON, Cloudflare and Fastly tests.
struct GatewayCall: Equatable, CustomStringConvertible {
    var method = "", target = "", version = "", host = "", client = "", user = "", referrer = "", userAgent = ""
    var status: Int32 = -1
    var bytes: Int64 = -1
    var millis: Int64 = RawCall.unknownTime
    var micros: Int64 = -1
    var valid = true
    var scheme = "", tlsProtocol = "", tlsCipher = ""
    var clientCertificate = ClientCertificateEvidence.notLogged
    var upstream = "", route = "", service = "", consumer = "", wafAction = "", wafRule = "", requestId = ""
    var forwardedFor = "", authorization = "", cookie = "", apiKey = "", contentType = "", requestHeaders = ""
    var headersForm = HeaderBlockForm.none

    init() {}

    init(_ c: RawCall) {
        method = c.method.text; target = c.target.text; version = c.httpVersion.text
        host = c.host.text; client = c.client.text; user = c.user.text
        referrer = c.referrer.text; userAgent = c.userAgent.text
        status = c.status; bytes = c.responseBytes; millis = c.timestampMillis
        micros = c.durationMicros; valid = c.requestIsValid
        scheme = c.scheme.text; tlsProtocol = c.tlsProtocol.text; tlsCipher = c.tlsCipher.text
        clientCertificate = c.clientCertificate
        upstream = c.upstream.text; route = c.route.text; service = c.service.text; consumer = c.consumer.text
        wafAction = c.wafAction.text; wafRule = c.wafRule.text; requestId = c.requestId.text
        forwardedFor = c.forwardedFor.text; authorization = c.authorization.text; cookie = c.cookie.text
        apiKey = c.apiKey.text; contentType = c.contentType.text; requestHeaders = c.requestHeaders.text
        headersForm = c.requestHeadersForm
    }

    var description: String {
        "\(method) \(host) \(target) \(version) status=\(status) bytes=\(bytes) client=\(client) t=\(millis) us=\(micros) ua=\(userAgent)"
    }
}

enum GatewayJSON {
    /// Parses one line with a fresh parser of `format`.
    static func parse(_ format: LogFormat, _ line: String) -> (LineOutcome, GatewayCall) {
        var parser = FormatCatalog.descriptor(for: format).makeParser(.default)
        return parse(&parser, line)
    }

    static func parse(_ parser: inout any LineParser, _ line: String) -> (LineOutcome, GatewayCall) {
        var call = RawCall()
        let bytes = Array(line.utf8)
        let outcome = bytes.withUnsafeBufferPointer { parser.parse($0, into: &call) }
        return (outcome, GatewayCall(call))
    }

    /// The formats of this family, for cross-format near-miss checks.
    static let formats: [LogFormat] = [.kong, .envoyJSON, .caddy, .traefikJSON, .cloudflare, .fastly]

    /// A typical NGINX `escape=json` line: none of the gateway formats may take it.
    static let nginxJSON = #"{"time_local":"10/Oct/2023:08:32:31 +0000","remote_addr":"203.0.113.9","remote_user":"-","request":"GET /api/v1/users/42?expand=true HTTP/1.1","request_method":"GET","request_uri":"/api/v1/users/42?expand=true","uri":"/api/v1/users/42","status":200,"body_bytes_sent":512,"request_time":0.004,"http_referer":"-","http_user_agent":"curl/8.4.0","http_x_forwarded_for":"198.51.100.1","upstream_response_time":"0.003","host":"api.example.com","server_protocol":"HTTP/1.1","msec":"1696926751.000"}"#

    /// `format` rejects every other format's catalog example, the generic NGINX JSON line, and text.
    static func expectRejectsOthers(_ format: LogFormat, sourceLocation: SourceLocation = #_sourceLocation) {
        var others = formats.filter { $0 != format }.map { FormatCatalog.descriptor(for: $0).example }
        others.append(nginxJSON)
        others.append(FormatDescriptor.jsonLines.example)
        others.append(FormatDescriptor.combined.example)
        for line in others {
            let outcome = parse(format, line).0
            #expect(outcome != .call && outcome != .ignored, "\(format.rawValue) took: \(line.prefix(80))", sourceLocation: sourceLocation)
        }
    }

    /// The catalog example of `format` is detected as `format` (it beats the generic `json`).
    static func expectDetected(_ format: LogFormat, sourceLocation: SourceLocation = #_sourceLocation) {
        let sample = Array((FormatCatalog.descriptor(for: format).example + "\n").utf8)
        let detection = sample.withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }
        #expect(detection == .init(format: format, confidence: 1), sourceLocation: sourceLocation)
    }
}
