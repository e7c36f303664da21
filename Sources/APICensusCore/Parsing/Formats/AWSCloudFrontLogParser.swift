/// Amazon CloudFront standard (access) logs: W3C extended, tab-separated, under a `#Version` /
/// `#Fields` header (read by the W3C engine, see `W3CExtendedLogParser`).
///
/// CloudFront-specific behaviour:
/// - Until a `#Fields:` line says otherwise, the columns are CloudFront's documented default order
///   (`date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status …`), so a file
///   split from its header, or lines delivered one by one (Kafka), still parse. A shorter line (older
///   logs had 24 or 26 fields) is read as far as it goes.
/// - A `#Fields:` header without CloudFront's own `x-edge-…` fields is not CloudFront's: the lines
///   under it are rejected, and the generic `w3c` format reads such files.
/// - `host` is `x-host-header`, the Host the viewer asked for (`api.example.com`), rather than
///   `cs(Host)`, the distribution's `d111111abcdef8.cloudfront.net` name.
/// - CloudFront percent-encodes the user agent and referrer (some logs twice: `%2520`); they are
///   decoded. Paths and queries stay as logged (the inventory normalises them).
/// - `cs-protocol` (`http`, `https`, `ws`, `wss`) → `scheme`; `ssl-protocol`/`ssl-cipher` → TLS;
///   `x-edge-request-id` → `requestId`; `x-forwarded-for` → `forwardedFor`; `cs(Cookie)` (only logged
///   when cookie logging is on) → `cookie`, classified and never written out. `sc-status` `000`
///   (the viewer closed the connection first) → no status.
public struct AWSCloudFrontLogParser: LineParser {
    var engine: W3CExtendedEngine

    public init() { engine = W3CExtendedEngine(flavor: .cloudFront) }

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        engine.parse(line, into: &call)
    }
}

extension FormatDescriptor {
    public static let awsCloudFront = FormatDescriptor(
        format: .awsCloudFront, title: "Amazon CloudFront standard log (W3C, tab-separated)", defaultRole: .lb,
        yields: [.method, .target, .httpVersion, .host, .client, .referrer, .userAgent, .status, .responseBytes,
                 .timestamp, .duration, .scheme, .tlsProtocol, .tlsCipher, .requestId, .forwardedFor, .cookie],
        example: "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version\n"
            + "2026-10-10\t13:55:36\tFRA56-P1\t512\t203.0.113.7\tGET\td111111abcdef8.cloudfront.net\t/api/v1/users/42\t200\t-\tcurl/8.5.0\texpand=orders\t-\tMiss\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\tapi.example.com\thttps\t210\t0.004\t-\tTLSv1.3\tTLS_AES_128_GCM_SHA256\tMiss\tHTTP/2.0",
        readsSequentially: true, specificity: 20, makeParser: { _ in AWSCloudFrontLogParser() })
}
