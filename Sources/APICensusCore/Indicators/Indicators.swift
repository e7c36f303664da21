/// The zero-trust principles the report measures (DZone's zero-trust model for APIs: discover every
/// API, then authenticate, authorise and encrypt every call, mutually between services, and monitor
/// continuously).
public enum ZeroTrustStep: String, Sendable, CaseIterable {
    case assetDiscovery = "asset_discovery"
    case authentication
    case authorisation
    case encryption
    case mutualAuthentication = "mutual_authentication"
    case continuousMonitoring = "continuous_monitoring"
}

public enum IndicatorUnit: String, Sendable {
    /// A share in [0, 1].
    case ratio
    /// A count (endpoints, calls).
    case count
    /// 1 when present, 0 when not.
    case flag
    /// New endpoints per window (hour or day), see `inventory.growth`.
    case endpointsPerHour = "endpoints_per_hour"
    case endpointsPerDay = "endpoints_per_day"
}

/// One indicator of the report's `indicators` list.
public struct Indicator: Sendable, Equatable {
    public var id: String
    public var title: String
    public var value: Double?
    public var unit: IndicatorUnit
    public var observable: Bool
    /// The numbers behind the value (nil when not observable).
    public var evidence: IndicatorEvidence?
    public var dimension: MaturityDimension
    public var zeroTrustStep: ZeroTrustStep?
    /// Why it is not observable (which role or field is missing), or why it has no value.
    public var reason: String?
}

public struct IndicatorEvidence: Sendable, Equatable {
    public var numerator: Double
    public var denominator: Double
    /// Extra named numbers (`window_hours`, `endpoints_in_first_window`).
    public var details: [(String, Double)] = []

    public init(numerator: Double, denominator: Double, details: [(String, Double)] = []) {
        self.numerator = numerator
        self.denominator = denominator
        self.details = details
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.numerator == b.numerator && a.denominator == b.denominator
            && a.details.map(\.0) == b.details.map(\.0) && a.details.map(\.1) == b.details.map(\.1)
    }
}

/// What an indicator is made of.
public struct IndicatorDefinition: Sendable {
    public var id: String
    public var title: String
    public var unit: IndicatorUnit
    public var dimension: MaturityDimension
    public var zeroTrustStep: ZeroTrustStep?
    /// Never observable from access logs: the reason (team education, build pipelines, …).
    public var neverObservable: String?

    init(_ id: String, _ title: String, _ unit: IndicatorUnit, _ dimension: MaturityDimension, _ step: ZeroTrustStep? = nil,
         never: String? = nil) {
        self.id = id
        self.title = title
        self.unit = unit
        self.dimension = dimension
        self.zeroTrustStep = step
        self.neverObservable = never
    }
}

/// The indicators of the maturity model (docs/maturity.md §Indicators, /shared/maturity-model.md
/// §3): every one logs can observe, plus the practices they never can, listed as not observable so
/// that a reader sees the whole model and where the evidence stops.
public enum IndicatorCatalog {
    public static let growthID = "inventory.growth"
    public static let oversizedID = "owasp.oversized_response_endpoints"
    /// Mean response body at or above this many bytes marks an endpoint as oversized (API3).
    public static let oversizedResponseBytes: Double = 1_048_576

    public static let definitions: [IndicatorDefinition] = [
        .init("inventory.endpoints", "API endpoints in the inventory (method, host, path template)", .count, .apiBarometer, .assetDiscovery),
        .init("inventory.hosts", "API hosts", .count, .apiBarometer, .assetDiscovery),
        .init(growthID, "New API endpoints per window after the first one", .endpointsPerHour, .apiBarometer, .assetDiscovery),
        .init("protocol.rest_share", "Share of API endpoints that are REST", .ratio, .apiBarometer),
        .init("protocol.graphql_share", "Share of API endpoints that are GraphQL", .ratio, .apiBarometer),
        .init("protocol.grpc_share", "Share of API endpoints that are gRPC", .ratio, .apiBarometer),
        .init("protocol.soap_share", "Share of API endpoints that are SOAP", .ratio, .apiBarometer),
        .init("protocol.websocket_share", "Share of API endpoints that are WebSocket", .ratio, .apiBarometer),
        .init("protocol.http2plus_share", "Share of API calls over HTTP/2 or HTTP/3", .ratio, .apiBarometer),
        .init("callers.external_share", "Share of API calls from external callers", .ratio, .apiBarometer),
        .init("callers.internal_share", "Share of API calls from internal callers", .ratio, .apiBarometer),
        .init("callers.partner_share", "Share of API calls from partner networks", .ratio, .apiBarometer),
        .init("callers.third_party_endpoints", "Third-party API endpoints called (egress)", .count, .apiBarometer, .assetDiscovery),
        .init("versioning.versioned_endpoint_share", "Share of API endpoints with a version in the path", .ratio, .apiBarometer),
        .init("waf.present", "A WAF source is among the inputs", .flag, .securityPractices, .continuousMonitoring),
        .init("waf.external_calls_seen_share", "Share of external API calls a WAF saw", .ratio, .securityPractices, .continuousMonitoring),
        .init("waf.block_share", "Share of WAF-seen calls the WAF blocked", .ratio, .securityPractices, .continuousMonitoring),
        .init("mediation.endpoint_share", "Share of API endpoints mediated by a gateway or WAF", .ratio, .securityPractices, .continuousMonitoring),
        .init("mediation.call_share", "Share of API calls seen through a gateway or WAF", .ratio, .securityPractices, .continuousMonitoring),
        .init("mediation.external_endpoint_share", "Share of external API endpoints that are mediated", .ratio, .securityPractices, .continuousMonitoring),
        .init("auth.external_call_share", "Share of external API calls that are authenticated", .ratio, .securityPractices, .authentication),
        .init("auth.endpoint_share", "Share of API endpoints that require authentication (no 2xx answer to a call without credentials)", .ratio, .securityPractices, .authentication),
        .init("auth.strong_share", "Share of authenticated calls with strong authentication (JWT/OAuth bearer, mTLS)", .ratio, .securityPractices, .authentication),
        .init("auth.weak_share", "Share of calls with weak authentication (basic, keys in query, none)", .ratio, .securityPractices, .authentication),
        .init("auth.alg_none_calls", "Calls carrying a JWT with alg none", .count, .securityPractices, .authentication),
        .init("auth.query_key_calls", "Calls carrying an API key or token in the query string", .count, .securityPractices, .authentication),
        .init("auth.unauthenticated_success_on_protected", "Endpoints answering unauthenticated calls with success although authenticated elsewhere (OWASP API2/API5)", .count, .securityPractices, .authorisation),
        .init("authz.forbidden_share", "Share of API calls refused with 403 (authorisation enforced)", .ratio, .securityPractices, .authorisation),
        .init("tls.encrypted_share", "Share of API calls over TLS", .ratio, .securityPractices, .encryption),
        .init("tls.modern_share", "Share of TLS calls with TLS 1.2 or later", .ratio, .securityPractices, .encryption),
        .init("tls.v13_share", "Share of TLS calls with TLS 1.3", .ratio, .securityPractices, .encryption),
        .init("tls.legacy_calls", "Calls over TLS older than 1.2", .count, .securityPractices, .encryption),
        .init("mtls.service_call_share", "Share of service-to-service calls with a verified client certificate", .ratio, .securityPractices, .mutualAuthentication),
        .init("abuse.rate_limited_endpoint_share", "Share of external API endpoints showing rate limiting (429)", .ratio, .securityPractices),
        .init("abuse.enumeration_suspects", "API endpoints with an identifier answering mostly 404 to few clients (object-id enumeration, OWASP API1)", .count, .securityPractices),
        .init("errors.server_error_share", "Share of API calls ending in a server error (5xx leakage)", .ratio, .securityPractices),
        .init(oversizedID, "API endpoints whose mean response body is 1 MiB or more (OWASP API3)", .count, .securityPractices),
        .init("docs.documented_share", "Share of API calls on operations of the supplied OpenAPI specs", .ratio, .securityPractices, .assetDiscovery),
        .init("docs.shadow_endpoints", "Shadow endpoints: called, documented in no spec (OWASP API9)", .count, .securityPractices, .assetDiscovery),
        .init("docs.zombie_endpoints", "Zombie endpoints: deprecated or superseded, still called (OWASP API9)", .count, .securityPractices, .assetDiscovery),
        .init("practices.team_education", "Teams are educated on API security", .flag, .securityPractices,
              never: "team education leaves no trace in access logs"),
        .init("practices.build_pipelines", "Standard build pipelines for APIs", .flag, .apiBarometer,
              never: "build pipelines leave no trace in access logs"),
        .init("practices.code_analysis", "API code is analysed", .flag, .securityPractices,
              never: "code analysis leaves no trace in access logs"),
        .init("practices.incident_response", "API-centric incident response", .flag, .securityPractices,
              never: "incident response leaves no trace in access logs"),
    ]

    /// The indicators, in catalog order. `extra` holds the metrics computed beside the summary
    /// (`inventory.growth`, the oversized responses), keyed like the summary's.
    public static func indicators(summary: EvidenceSummary, extra: [String: ComputedMetric] = [:]) -> [Indicator] {
        definitions.map { d in
            var indicator = Indicator(id: d.id, title: d.title, value: nil, unit: d.unit, observable: false, evidence: nil,
                                      dimension: d.dimension, zeroTrustStep: d.zeroTrustStep, reason: nil)
            if let never = d.neverObservable {
                indicator.reason = never
                return indicator
            }
            let computed = extra[d.id]
            guard let metric = computed?.metric ?? summary.metrics[d.id] else {
                indicator.reason = "\(d.id) was not measured"
                return indicator
            }
            if let unit = computed?.unit { indicator.unit = unit }
            guard metric.observable else {
                indicator.reason = metric.reasonIfNotObservable ?? "not observable from these inputs"
                return indicator
            }
            indicator.observable = true
            indicator.value = metric.value
            indicator.evidence = IndicatorEvidence(numerator: metric.numerator, denominator: metric.denominator,
                                                   details: computed?.details ?? [])
            if metric.value == nil { indicator.reason = "nothing to count (denominator 0)" }
            return indicator
        }
    }
}

/// A metric computed from the inventory beside the evidence summary, with its unit and details.
public struct ComputedMetric: Sendable, Equatable {
    public var metric: EvidenceMetric
    public var unit: IndicatorUnit?
    public var details: [(String, Double)]

    public static func == (a: Self, b: Self) -> Bool {
        a.metric == b.metric && a.unit == b.unit && a.details.map(\.0) == b.details.map(\.0) && a.details.map(\.1) == b.details.map(\.1)
    }
}

extension IndicatorCatalog {
    /// `inventory.growth`: endpoints first seen after the first window of the input's time range,
    /// per later window. The window is a day when the range spans two days or more, else an hour;
    /// under two windows of time, growth cannot be told from the inventory itself.
    public static func growth(endpoints: [Endpoint], firstMillis: Int64, lastMillis: Int64,
                              isAPI: (Endpoint) -> Bool) -> ComputedMetric {
        guard firstMillis <= lastMillis else {
            return ComputedMetric(metric: .notObservable("no input record has a timestamp"), unit: nil, details: [])
        }
        let hour: Int64 = 3_600_000
        let day = 24 * hour
        let span = lastMillis - firstMillis
        let window = span >= 2 * day ? day : hour
        let windows = span / window + 1
        guard windows >= 2 else {
            return ComputedMetric(metric: .notObservable("the input spans under two hours: too short to tell growth from the first inventory"),
                                  unit: nil, details: [])
        }
        var inFirst = 0
        var later = 0
        for e in endpoints where isAPI(e) && e.stats.firstSeenMillis != Int64.max {
            if e.stats.firstSeenMillis < firstMillis + window { inFirst += 1 } else { later += 1 }
        }
        return ComputedMetric(metric: EvidenceMetric(numerator: Double(later), denominator: Double(windows - 1)),
                              unit: window == day ? .endpointsPerDay : .endpointsPerHour,
                              details: [("window_hours", Double(window / hour)), ("windows", Double(windows)),
                                        ("endpoints_in_first_window", Double(inFirst))])
    }

    /// OWASP API3 signal: API endpoints whose mean response body is `oversizedResponseBytes` or more,
    /// out of the endpoints whose response sizes are logged.
    public static func oversizedResponses(endpoints: [Endpoint], responseBytesLogged: Bool, isAPI: (Endpoint) -> Bool) -> ComputedMetric {
        guard responseBytesLogged else {
            return ComputedMetric(metric: .notObservable("no input logs response sizes (response_bytes)"), unit: nil, details: [])
        }
        var measured = 0
        var oversized = 0
        for e in endpoints where isAPI(e) && e.stats.callsWithBytes > 0 {
            measured += 1
            if Double(e.stats.responseBytes) / Double(e.stats.callsWithBytes) >= oversizedResponseBytes { oversized += 1 }
        }
        return ComputedMetric(metric: EvidenceMetric(numerator: Double(oversized), denominator: 1), unit: nil,
                              details: [("endpoints_with_sizes", Double(measured)), ("threshold_bytes", oversizedResponseBytes)])
    }
}
