/// The log formats APICensus reads. The raw value is the name used by `--format` and in the report.
public enum LogFormat: String, CaseIterable, Sendable, Comparable {
    /// NGINX/Apache `combined` (CLF + referrer + user agent), optional leading vhost, optional trailing fields.
    case combined
    /// NGINX/Apache `common` (CLF), optional leading vhost.
    case common
    /// One JSON object per line, fields named by a `FieldMap`.
    case jsonLines = "json"
    /// Kong Gateway log serializer JSON (file-log, http-log, kafka-log…).
    case kong
    /// Envoy access log with a `json_format` (Envoy, Envoy Gateway, Contour, Istio JSON).
    case envoyJSON = "envoy_json"
    /// Caddy JSON access log.
    case caddy
    /// Traefik JSON access log.
    case traefikJSON = "traefik_json"
    /// Cloudflare Logpush HTTP requests (NDJSON).
    case cloudflare
    /// Fastly real-time log streaming, JSON.
    case fastly
    // Cloud and WAF JSON formats (Parsing/Formats, one file each).
    /// AWS API Gateway access logs (REST, HTTP and WebSocket APIs), JSON `$context` templates.
    case awsAPIGateway = "aws_apigateway"
    /// AWS WAF (v2) web ACL logs.
    case awsWAF = "aws_waf"
    /// Google Cloud HTTP(S) load balancer request logs (Cloud Logging `LogEntry`, Cloud Armor).
    case gcpLoadBalancer = "gcp_lb"
    /// Azure Application Gateway access and firewall (WAF) resource logs.
    case azureAppGateway = "azure_appgw"
    /// Azure Front Door access and WAF resource logs.
    case azureFrontDoor = "azure_frontdoor"
    /// ModSecurity v2/v3 and Coraza JSON audit logs, and Coraza rule messages in Caddy's JSON log.
    case modSecurityJSON = "modsecurity_json"
    // Text formats of load balancers, CDNs and proxies (Parsing/Formats/).
    case awsALB = "aws_alb"
    case awsELB = "aws_elb"
    case awsCloudFront = "aws_cloudfront"
    case w3c
    case haproxy
    case envoy
    case istio
    case traefikCLF = "traefik_clf"
    /// A user's own NGINX `log_format` / Apache `LogFormat`, compiled at run time (`CustomFormat`).
    case custom
    /// ModSecurity / Coraza native serial audit log: multi-part records over many lines.
    case modsecurityNative = "modsecurity_native"
    /// ModSecurity messages in the Apache / NGINX error log, one record per transaction.
    case modsecurityErrorLog = "modsecurity_error"

    public static func < (a: LogFormat, b: LogFormat) -> Bool { a.rawValue < b.rawValue }
}

/// Parses one line of one format into a `RawCall`. Instances are per worker thread (they may own
/// scratch buffers), so they are not shared between threads.
public protocol LineParser {
    /// `line` excludes the line terminator (`\n` and a preceding `\r` are already stripped).
    mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome

    /// Called after the last line of an input (or of the part of it this parser read), again and
    /// again until it returns nil: each call hands out one record still open — a multi-line record,
    /// a transaction being gathered (`.call`), or one cut short, such as a partial container-log
    /// line never completed (`.rejected`). The record's lines were counted as ignored; one of them
    /// is counted as the record instead. Nil (the default) when nothing is open.
    mutating func finish(into call: inout RawCall) -> LineOutcome?
}

extension LineParser {
    public mutating func finish(into call: inout RawCall) -> LineOutcome? { nil }
}

/// The parser for inputs whose format could not be recognised: every non-blank line is rejected as
/// `unknown_format`, so the lines are counted rather than silently dropped.
public struct UnrecognisedFormatParser: LineParser {
    public init() {}

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        for b in line where b != 0x20 && b != 0x09 && b != 0x0D { return .rejected(.unknownFormat) }
        return .ignored
    }
}
