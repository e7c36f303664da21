/// One synthetic call, before a format writes it. Writers of every format read the same record, so
/// a seed gives the same traffic in every format.
public struct SyntheticRecord: Sendable {
    public var method: String
    public var host: String
    /// Path with values filled in, without the query.
    public var path: String
    /// `?a=b…` or empty.
    public var query: String
    /// `1.1` or `2.0`.
    public var httpVersion: String
    public var client: String
    /// `-` or a user name.
    public var user: String
    /// `-` or a URL.
    public var referrer: String
    public var userAgent: String
    public var status: Int
    public var bytes: Int
    public var durationMicros: Int
    public var timeMillis: Int64
    /// Which synthetic client this is (stable per client: writers derive per-client traits from it).
    public var clientIndex: Int
    /// Random bits for format-specific choices, so a writer needs no generator of its own.
    public var variant: UInt64

    /// `GET /path?query HTTP/1.1`.
    public var requestLine: String { "\(method) \(path)\(query) HTTP/\(httpVersion)" }
    /// Path with the query.
    public var target: String { path + query }
    /// `0.004`: the duration in seconds with milliseconds.
    public var durationSeconds: String { "\(durationMicros / 1_000_000).\(LogGenerator.pad(durationMicros / 1000 % 1000, 3))" }
    /// `10/Oct/2026:13:55:36 +0000`.
    public var clfTime: String { LogGenerator.clfTime(timeMillis) }
    /// `2026-10-10T13:55:36.000Z`.
    public var isoTime: String { ReportBuilder.isoTime(timeMillis) }
    /// Most clients on TLS 1.3, some on 1.2, a few legacy ones on 1.0/1.1, a few in plaintext.
    public var tlsProtocol: String? {
        switch clientIndex % 50 {
        case 0: nil
        case 1: "TLSv1"
        case 2: "TLSv1.1"
        case 3..<15: "TLSv1.2"
        default: "TLSv1.3"
        }
    }
    public var tlsCipher: String? {
        guard let tls = tlsProtocol else { return nil }
        return tls == "TLSv1.3" ? "TLS_AES_128_GCM_SHA256" : "ECDHE-RSA-AES128-GCM-SHA256"
    }
    /// A request id derived from the record (32 hex digits).
    public var requestId: String {
        let a = String(variant, radix: 16), b = String(variant &* 0x9E37_79B9_7F4A_7C15, radix: 16)
        return String(repeating: "0", count: 16 - a.count) + a + String(repeating: "0", count: 16 - b.count) + b
    }
    /// The kind of credential the call carries: decided per client, as real clients keep theirs.
    public var credential: SyntheticCredential {
        switch clientIndex % 10 {
        case 0, 1, 2, 3: .bearerJWT
        case 4, 5: .apiKey
        case 6: .basic
        case 7: .bearerOpaque
        default: .none
        }
    }
}

public enum SyntheticCredential: String, Sendable {
    case none, basic, apiKey = "api_key", bearerJWT = "bearer_jwt", bearerOpaque = "bearer_opaque"
}

/// Writes synthetic records as one log format.
public protocol SyntheticLogWriter: Sendable {
    /// The name `apicensus generate --format` takes (a `LogFormat` raw value for parsed formats).
    var name: String { get }
    /// Whether records carry the host, so the truth templates include it.
    var logsHost: Bool { get }
    /// Lines written once before the first record (a W3C `#Fields` header), each ending in `\n`.
    var header: String { get }
    /// Appends one record, without the final `\n`.
    func append(_ record: SyntheticRecord, to out: inout [UInt8])
}

extension SyntheticLogWriter {
    public var header: String { "" }
}

/// The writers `apicensus generate` knows.
public enum SyntheticLogWriters {
    public static let all: [any SyntheticLogWriter] = [
        CLFWriter(name: "combined", vhost: false, combined: true),
        CLFWriter(name: "common", vhost: false, combined: false),
        JSONLinesWriter(),
        CLFWriter(name: "vhost_combined", vhost: true, combined: true),
        KongWriter(), EnvoyJSONWriter(), CaddyWriter(), TraefikJSONWriter(), CloudflareWriter(), FastlyWriter(),
        AWSAPIGatewayWriter(), AWSWAFWriter(), GCPLoadBalancerWriter(), AzureAppGatewayWriter(), AzureFrontDoorWriter(),
        ModSecurityJSONWriter(),
        AWSALBWriter(),
        AWSELBWriter(),
        AWSCloudFrontWriter(),
        W3CWriter(),
        HAProxyWriter(),
        EnvoyWriter(),
        IstioWriter(),
        TraefikCLFWriter(),
        CustomFormatWriter(),
        EnvelopedCLFWriter(.syslog),
        EnvelopedCLFWriter(.dockerJSON),
        ModSecurityNativeWriter(),
    ]

    public static func writer(named name: String) -> (any SyntheticLogWriter)? {
        all.first { $0.name == name }
    }
}

/// NGINX/Apache `combined` / `common`, optionally with the virtual host first, and
/// `$request_time` after the user agent (as many NGINX configurations add).
struct CLFWriter: SyntheticLogWriter {
    let name: String
    let vhost: Bool
    let combined: Bool
    var logsHost: Bool { vhost }

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        var line = vhost ? "\(r.host) " : ""
        line += "\(r.client) - \(r.user) [\(r.clfTime)] \"\(r.requestLine)\" \(r.status) \(r.bytes)"
        if combined {
            line += " \"\(r.referrer)\" \"\(r.userAgent)\" \(r.durationSeconds)"
        }
        out.append(contentsOf: line.utf8)
    }
}

/// NGINX JSON (`escape=json`) with the usual variable names.
struct JSONLinesWriter: SyntheticLogWriter {
    let name = "json"
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let line = "{\"time_iso8601\":\"\(r.isoTime)\",\"remote_addr\":\"\(r.client)\","
            + "\"remote_user\":\"\(r.user)\",\"host\":\"\(r.host)\",\"request\":\"\(r.requestLine)\","
            + "\"status\":\(r.status),\"body_bytes_sent\":\(r.bytes),\"request_time\":\(r.durationSeconds),"
            + "\"http_referer\":\"-\",\"http_user_agent\":\"\(r.userAgent)\"}"
        out.append(contentsOf: line.utf8)
    }
}
