/// The run-wide evidence that coverage, indicators and the maturity score are computed from.
///
/// It is the interface between the evidence side (per-call classification and the mergeable
/// aggregate) and the scoring side (indicators, zero trust, maturity rules): the scoring code reads
/// only this value, so its rules can be tested on hand-built summaries and never reach into the
/// aggregate's internals. Metrics are ratios kept as numerator and denominator, so a reader sees the
/// numbers behind every value, and a metric whose evidence no input can log says so instead of
/// pretending to be zero.
public struct EvidenceSummary: Sendable, Equatable {
    /// Roles whose sources contributed lines (gateway, waf, lb, service, egress).
    public var rolesPresent: Set<SourceRole>
    /// Fields that at least one input's format can log (from FormatDescriptor.yields), i.e. observable.
    public var observableFields: Set<CallField>
    /// Metrics keyed by their ids (`inventory.endpoints`, `auth.strong_share`, … — see
    /// `EvidenceMetricID`). API-kind endpoints only unless the id says otherwise.
    public var metrics: [String: EvidenceMetric]

    public init(rolesPresent: Set<SourceRole> = [], observableFields: Set<CallField> = [],
                metrics: [String: EvidenceMetric] = [:]) {
        self.rolesPresent = rolesPresent
        self.observableFields = observableFields
        self.metrics = metrics
    }
}

/// One measured quantity: a ratio (numerator / denominator) or a count (denominator 1).
public struct EvidenceMetric: Sendable, Equatable {
    /// What was counted, e.g. calls with TLS.
    public var numerator: Double
    /// What it is counted against, e.g. calls whose TLS state is known; 1 for plain counts.
    public var denominator: Double
    /// False when no input's format logs the fields this metric needs: the value is then unknown,
    /// not zero.
    public var observable: Bool
    /// Which role or field is missing, when not observable (`no input logs TLS (tls_protocol)`).
    public var reasonIfNotObservable: String?

    /// The ratio, or nil when not observable or nothing was counted against.
    public var value: Double? { observable && denominator > 0 ? numerator / denominator : nil }

    public init(numerator: Double, denominator: Double, observable: Bool = true, reasonIfNotObservable: String? = nil) {
        self.numerator = numerator
        self.denominator = denominator
        self.observable = observable
        self.reasonIfNotObservable = reasonIfNotObservable
    }

    /// A count (`inventory.endpoints`): numerator = the count, denominator = 1.
    public static func count(_ n: Int) -> EvidenceMetric {
        EvidenceMetric(numerator: Double(n), denominator: 1)
    }

    /// A metric the inputs cannot observe, with the reason.
    public static func notObservable(_ reason: String) -> EvidenceMetric {
        EvidenceMetric(numerator: 0, denominator: 0, observable: false, reasonIfNotObservable: reason)
    }
}

/// The metric ids of `EvidenceSummary.metrics`. The evidence side fills all of them except the
/// `docs.*` ones, which the OpenAPI drift code adds.
public enum EvidenceMetricID {
    public static let inventoryEndpoints = "inventory.endpoints"
    public static let inventoryHosts = "inventory.hosts"
    public static let protocolRestShare = "protocol.rest_share"
    public static let protocolGraphQLShare = "protocol.graphql_share"
    public static let protocolGRPCShare = "protocol.grpc_share"
    public static let protocolSOAPShare = "protocol.soap_share"
    public static let protocolWebSocketShare = "protocol.websocket_share"
    public static let protocolHTTP2PlusShare = "protocol.http2plus_share"
    public static let callersExternalShare = "callers.external_share"
    public static let callersInternalShare = "callers.internal_share"
    public static let callersPartnerShare = "callers.partner_share"
    public static let callersThirdPartyEndpoints = "callers.third_party_endpoints"
    public static let versioningVersionedEndpointShare = "versioning.versioned_endpoint_share"
    public static let wafPresent = "waf.present"
    public static let wafExternalCallsSeenShare = "waf.external_calls_seen_share"
    public static let wafBlockShare = "waf.block_share"
    public static let mediationEndpointShare = "mediation.endpoint_share"
    public static let mediationCallShare = "mediation.call_share"
    public static let mediationExternalEndpointShare = "mediation.external_endpoint_share"
    public static let authExternalCallShare = "auth.external_call_share"
    public static let authEndpointShare = "auth.endpoint_share"
    public static let authStrongShare = "auth.strong_share"
    public static let authWeakShare = "auth.weak_share"
    public static let authAlgNoneCalls = "auth.alg_none_calls"
    public static let authQueryKeyCalls = "auth.query_key_calls"
    public static let authUnauthenticatedSuccessOnProtected = "auth.unauthenticated_success_on_protected"
    public static let tlsEncryptedShare = "tls.encrypted_share"
    public static let tlsModernShare = "tls.modern_share"
    public static let tlsV13Share = "tls.v13_share"
    public static let tlsLegacyCalls = "tls.legacy_calls"
    public static let mtlsServiceCallShare = "mtls.service_call_share"
    public static let abuseRateLimitedEndpointShare = "abuse.rate_limited_endpoint_share"
    public static let abuseEnumerationSuspects = "abuse.enumeration_suspects"
    public static let errorsServerErrorShare = "errors.server_error_share"
    public static let authzForbiddenShare = "authz.forbidden_share"
    public static let docsDocumentedShare = "docs.documented_share"
    public static let docsShadowEndpoints = "docs.shadow_endpoints"
    public static let docsZombieEndpoints = "docs.zombie_endpoints"

    /// Every id the evidence side computes (all but `docs.*`).
    public static let evidenceIDs: [String] = [
        inventoryEndpoints, inventoryHosts,
        protocolRestShare, protocolGraphQLShare, protocolGRPCShare, protocolSOAPShare, protocolWebSocketShare,
        protocolHTTP2PlusShare,
        callersExternalShare, callersInternalShare, callersPartnerShare, callersThirdPartyEndpoints,
        versioningVersionedEndpointShare,
        wafPresent, wafExternalCallsSeenShare, wafBlockShare,
        mediationEndpointShare, mediationCallShare, mediationExternalEndpointShare,
        authExternalCallShare, authEndpointShare, authStrongShare, authWeakShare, authAlgNoneCalls,
        authQueryKeyCalls, authUnauthenticatedSuccessOnProtected,
        tlsEncryptedShare, tlsModernShare, tlsV13Share, tlsLegacyCalls,
        mtlsServiceCallShare,
        abuseRateLimitedEndpointShare, abuseEnumerationSuspects, errorsServerErrorShare, authzForbiddenShare,
    ]

    /// Filled by the OpenAPI drift code.
    public static let docsIDs: [String] = [docsDocumentedShare, docsShadowEndpoints, docsZombieEndpoints]
}
