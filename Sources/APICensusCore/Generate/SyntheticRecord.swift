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

// MARK: - Synthetic credentials

/// Which made-up credential texts a writer puts in its records. Every style has the same shapes (a
/// JWT-shaped bearer token, an opaque bearer token, Basic credentials, an API key, all derived from
/// the record, none a real secret); the texts differ per family of writers only so that a seed keeps
/// giving the same bytes it always gave (generated logs and their truth are compared byte for byte).
enum SyntheticCredentialStyle: Sendable {
    /// The gateway and proxy JSON writers (Kong, Envoy JSON, Caddy, Traefik JSON, Cloudflare, Fastly):
    /// tokens made from the request id, a JWT with an audience and a kid.
    case gateway
    /// The cloud and WAF JSON writers (AWS WAF, ModSecurity JSON): tokens drawn from the record's bits.
    case edge
    /// The custom log format and ModSecurity native audit records.
    case custom
}

extension SyntheticRecord {
    /// The `Authorization` header value the record's client sends, nil for API-key and anonymous
    /// clients. JWTs are well-formed (`header.payload.signature`, base64url) but signed by nobody.
    func authorization(_ style: SyntheticCredentialStyle) -> String? {
        switch credential {
        case .bearerJWT:
            let header: String, claims: String, signature: [UInt8]
            switch style {
            case .gateway:
                header = #"{"alg":"RS256","typ":"JWT","kid":"synthetic"}"#
                claims = #"{"sub":"client-\#(clientIndex)","iss":"https://auth.example","aud":"\#(host)","exp":\#(timeMillis / 1000 + 3600)}"#
                signature = Array(requestId.utf8)
            case .edge:
                header = #"{"alg":"RS256","typ":"JWT"}"#
                claims = #"{"sub":"client-\#(clientIndex)","iss":"https://id.shop.example","exp":1893456000}"#
                signature = SyntheticBits.bytes(variant, 32)
            case .custom:
                header = #"{"alg":"RS256","typ":"JWT"}"#
                claims = #"{"sub":"client-\#(clientIndex)","iss":"https://id.example","exp":1893456000}"#
                signature = (0..<32).map { UInt8(truncatingIfNeeded: variant >> (($0 % 8) * 8) &+ UInt64($0)) }
            }
            let segments = [Array(header.utf8), Array(claims.utf8), signature].map(SyntheticBits.base64URL)
            return "Bearer " + segments.joined(separator: ".")
        case .bearerOpaque:
            return "Bearer " + (style == .edge ? SyntheticBits.hex(variant, 40) : requestId)
        case .basic:
            let password: String
            switch style {
            case .gateway: password = "synthetic"
            case .edge: password = SyntheticBits.hex(variant, 12)
            case .custom: password = "synthetic-password"
            }
            return "Basic " + Base64.encode(Array("client\(clientIndex):\(password)".utf8))
        case .apiKey, .none:
            return nil
        }
    }

    /// The API key header value (`X-API-Key`, Kong's `apikey`) of an API-key client, nil otherwise.
    func apiKey(_ style: SyntheticCredentialStyle) -> String? {
        guard credential == .apiKey else { return nil }
        switch style {
        case .gateway: return "synthetic_key_\(String(clientIndex, radix: 16))"
        case .edge: return "k_" + SyntheticBits.hex(UInt64(clientIndex) &* 0x9E37_79B9_7F4A_7C15, 32)
        case .custom: return "ak_test_\(String(variant, radix: 36))"
        }
    }

    /// The scheme of the `Authorization` value (`Bearer`, `Basic`), nil when the client sends none:
    /// what logs that capture the scheme and never the credential show (HAProxy, Fastly, `$auth_scheme`).
    var authorizationScheme: String? {
        switch credential {
        case .bearerJWT, .bearerOpaque: "Bearer"
        case .basic: "Basic"
        case .apiKey, .none: nil
        }
    }
}

/// Made-up bytes and their text forms, for the tokens and ids of generated logs: the same seed
/// always gives the same text.
enum SyntheticBits {
    /// `count` bytes drawn from `seed` (SplitMix64 steps).
    static func bytes(_ seed: UInt64, _ count: Int) -> [UInt8] {
        var state = seed
        var out: [UInt8] = []
        while out.count < count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for k in 0..<8 where out.count < count { out.append(UInt8(truncatingIfNeeded: z >> (8 * UInt64(k)))) }
        }
        return out
    }

    /// `length` lower-case hex digits of `bytes(seed, …)`.
    static func hex(_ seed: UInt64, _ length: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes(seed, (length + 1) / 2).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }.prefix(length))
    }

    /// base64url without padding (RFC 4648 §5), as JWT segments are written.
    static func base64URL(_ bytes: [UInt8]) -> String {
        String(Base64.encode(bytes).compactMap { c -> Character? in
            switch c {
            case "+": "-"
            case "/": "_"
            case "=": nil
            default: c
            }
        })
    }
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
