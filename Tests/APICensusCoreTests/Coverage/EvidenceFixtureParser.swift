@testable import APICensusCore

/// Reads the coverage fixtures: one call per line, `key=value` fields separated by ` | `, so a
/// test states exactly what a gateway, WAF or service log would have carried (Kong, ALB, AWS WAF
/// and Envoy formats fill the same `RawCall` fields). Keys: method, target, version, host, client,
/// user, status, time (epoch seconds), auth, cookie, apikey, consumer, tls, cipher, scheme, cert
/// (none/presented/verified/failed), waf, xff, ctype, headers (a JSON object). Lines starting
/// with `#` are ignored.
struct EvidenceFixtureParser: LineParser {
    mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard line.count > 0, line[0] != UInt8(ascii: "#") else { return .ignored }
        var start = 0
        var sawMethod = false
        while start < line.count {
            var end = start
            while end < line.count, !(line[end] == UInt8(ascii: "|") && end > 0 && line[end - 1] == 0x20) { end += 1 }
            var a = start, b = end
            while a < b, line[a] == 0x20 { a += 1 }
            while b > a, line[b - 1] == 0x20 { b -= 1 }
            let field = Bytes(rebasing: line[a..<b])
            guard let eq = field.firstIndex(of: UInt8(ascii: "=")) else { return .rejected(.malformed) }
            let key = String(decoding: field[field.startIndex..<eq], as: UTF8.self)
            let value = Bytes(rebasing: field[(eq + 1)...])
            switch key {
            case "method": call.method = value; sawMethod = true
            case "target": call.target = value
            case "version": call.httpVersion = value
            case "host": call.host = value
            case "client": call.client = value
            case "user": call.user = value
            case "status": call.status = Int32(value.text) ?? -1
            case "time": call.timestampMillis = (Int64(value.text) ?? 0) * 1000
            case "auth": call.authorization = value
            case "cookie": call.cookie = value
            case "apikey": call.apiKey = value
            case "consumer": call.consumer = value
            case "tls": call.tlsProtocol = value
            case "cipher": call.tlsCipher = value
            case "scheme": call.scheme = value
            case "cert":
                switch value.text {
                case "none": call.clientCertificate = .none
                case "presented": call.clientCertificate = .presented
                case "verified": call.clientCertificate = .verified
                case "failed": call.clientCertificate = .failed
                default: return .rejected(.malformed)
                }
            case "waf": call.wafAction = value
            case "xff": call.forwardedFor = value
            case "ctype": call.contentType = value
            case "headers":
                call.requestHeaders = value
                call.requestHeadersForm = .jsonObject
            default: return .rejected(.malformed)
            }
            start = end + 1
        }
        return sawMethod ? .call : .rejected(.missingField)
    }

    /// Everything a gateway log like Kong's carries.
    static let gatewayFields: Set<CallField> = [.method, .target, .httpVersion, .host, .client, .status, .timestamp, .authorization,
                                               .consumer, .tlsProtocol, .tlsCipher, .scheme, .clientCertificate, .forwardedFor,
                                               .requestHeaders, .contentType]
    /// A service's plain access log: no credentials, no TLS.
    static let serviceFields: Set<CallField> = CallField.combinedFields.union([.host])
    /// A WAF log.
    static let wafFields: Set<CallField> = [.method, .target, .host, .client, .status, .timestamp, .wafAction, .wafRule,
                                           .requestHeaders, .forwardedFor]
    /// A mesh sidecar (Envoy) on the service: headers and client certificates.
    static let sidecarFields: Set<CallField> = [.method, .target, .httpVersion, .host, .client, .status, .timestamp,
                                               .requestHeaders, .clientCertificate, .tlsProtocol, .forwardedFor]
}

/// Runs fixture text through the real aggregator as input `input` with the given role and fields.
struct EvidenceRun {
    var aggregator: CallAggregator

    init(settings: CoverageSettings = CoverageSettings()) {
        var options = AggregationOptions()
        options.coverage = settings
        aggregator = CallAggregator(options: options)
    }

    mutating func add(_ text: String, input: Int, role: SourceRole, fields: Set<CallField>, host: String? = nil) {
        aggregator.setContext(InputContext(role: role, yields: CallFieldSet(fields), hostOverride: host), for: input)
        var parser = EvidenceFixtureParser()
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer {
            _ = aggregator.consume(chunk: $0, input: input, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser)
        }
    }

    var state: AggregateState { aggregator.snapshot() }

    func analysis(options: ReportOptions = ReportOptions()) -> CoverageAnalysis {
        let s = state
        return CoverageAnalysis(state: s, endpoints: ReportBuilder.endpoints(from: s, options: options), options: options)
    }
}

extension CoverageAnalysis {
    func coverage(_ method: String, _ template: String) -> EndpointCoverage? {
        endpoints.firstIndex { $0.method == method && $0.template == template }.map { coverage[$0] }
    }

    func endpoint(_ method: String, _ template: String) -> Endpoint? {
        endpoints.first { $0.method == method && $0.template == template }
    }
}

/// Bytes that stay valid for a test's duration.
final class TestBytes {
    private var storage: [UnsafeMutableBufferPointer<UInt8>] = []

    func callAsFunction(_ s: String) -> Bytes {
        let bytes = Array(s.utf8)
        let p = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = p.initialize(from: bytes)
        storage.append(p)
        return Bytes(start: p.baseAddress, count: bytes.count)
    }

    deinit { for p in storage { p.deallocate() } }
}
