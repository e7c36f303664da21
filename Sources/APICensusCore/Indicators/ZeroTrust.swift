/// One zero-trust principle measured on the evidence: a ratio with the numbers behind it, or not
/// observable with the reason.
public struct ZeroTrustMeasure: Sendable, Equatable {
    public var step: ZeroTrustStep
    /// The metric the ratio is.
    public var metric: String
    public var ratio: Double?
    public var observable: Bool
    public var numerator: Double?
    public var denominator: Double?
    /// Related metrics that qualify the ratio (`tls.legacy_calls` beside `tls.encrypted_share`).
    public var related: [(String, Double?)]
    public var reason: String?

    public static func == (a: Self, b: Self) -> Bool {
        a.step == b.step && a.metric == b.metric && a.ratio == b.ratio && a.observable == b.observable
            && a.numerator == b.numerator && a.denominator == b.denominator && a.reason == b.reason
            && a.related.map(\.0) == b.related.map(\.0) && a.related.map(\.1) == b.related.map(\.1)
    }
}

/// The `zero_trust` section: DZone's zero-trust model for APIs read on log evidence. Each principle
/// is one ratio: asset discovery (share of API traffic on operations an OpenAPI spec declares: what
/// is used is known), authentication (share of API endpoints requiring it), authorisation (share of
/// calls refused with 403: evidence that authorisation is enforced at all), encryption (share of
/// calls over TLS), mutual authentication (share of service-to-service calls with a verified client
/// certificate), continuous monitoring (share of API calls a gateway or WAF saw).
public enum ZeroTrustAssessment {
    static let plan: [(ZeroTrustStep, String, [String])] = [
        (.assetDiscovery, EvidenceMetricID.docsDocumentedShare,
         [EvidenceMetricID.inventoryEndpoints, EvidenceMetricID.docsShadowEndpoints, EvidenceMetricID.docsZombieEndpoints]),
        (.authentication, EvidenceMetricID.authEndpointShare,
         [EvidenceMetricID.authExternalCallShare, EvidenceMetricID.authStrongShare, EvidenceMetricID.authWeakShare]),
        (.authorisation, EvidenceMetricID.authzForbiddenShare, [EvidenceMetricID.authUnauthenticatedSuccessOnProtected]),
        (.encryption, EvidenceMetricID.tlsEncryptedShare, [EvidenceMetricID.tlsModernShare, EvidenceMetricID.tlsLegacyCalls]),
        (.mutualAuthentication, EvidenceMetricID.mtlsServiceCallShare, []),
        (.continuousMonitoring, EvidenceMetricID.mediationCallShare,
         [EvidenceMetricID.wafExternalCallsSeenShare, EvidenceMetricID.mediationEndpointShare]),
    ]

    public static func measures(_ summary: EvidenceSummary) -> [ZeroTrustMeasure] {
        plan.map { step, metricID, relatedIDs in
            let related = relatedIDs.map { ($0, summary.metrics[$0]?.value) }
            guard let m = summary.metrics[metricID] else {
                return ZeroTrustMeasure(step: step, metric: metricID, ratio: nil, observable: false, numerator: nil, denominator: nil,
                                        related: related, reason: "\(metricID) was not measured")
            }
            guard m.observable else {
                return ZeroTrustMeasure(step: step, metric: metricID, ratio: nil, observable: false, numerator: nil, denominator: nil,
                                        related: related, reason: m.reasonIfNotObservable ?? "not observable from these inputs")
            }
            return ZeroTrustMeasure(step: step, metric: metricID, ratio: m.value, observable: true, numerator: m.numerator,
                                    denominator: m.denominator, related: related,
                                    reason: m.value == nil ? "nothing to count (denominator 0)" : nil)
        }
    }
}
