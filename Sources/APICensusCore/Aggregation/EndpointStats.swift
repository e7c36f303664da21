/// Everything APICensus accumulates about one endpoint (or, before templating, one typed path).
/// Every field merges associatively and commutatively, so per-thread tables combine in any order.
public struct EndpointStats: Sendable, Equatable {
    public var calls: UInt64 = 0
    public var statuses = StatusCounts()
    /// Sum of response body bytes over the calls whose size was logged, and how many those were.
    public var responseBytes: UInt64 = 0
    public var callsWithBytes: UInt64 = 0
    public var firstSeenMillis = Int64.max
    public var lastSeenMillis = Int64.min
    public var clients = DistinctCounter()
    public var latency = LatencySketch()
    public var queryParameters = QueryParameterNames()
    /// Calls whose target carried a query string.
    public var callsWithQuery: UInt64 = 0
    /// Coverage evidence: authentication kinds, roles, callers, styles, HTTP/TLS versions, gateway
    /// evidence and WAF decisions of the calls.
    public var evidence = EndpointEvidence()

    public init() {}

    public mutating func merge(_ other: EndpointStats) {
        calls &+= other.calls
        statuses.merge(other.statuses)
        responseBytes &+= other.responseBytes
        callsWithBytes &+= other.callsWithBytes
        firstSeenMillis = min(firstSeenMillis, other.firstSeenMillis)
        lastSeenMillis = max(lastSeenMillis, other.lastSeenMillis)
        clients.merge(other.clients)
        latency.merge(other.latency)
        queryParameters.merge(other.queryParameters)
        callsWithQuery &+= other.callsWithQuery
        evidence.merge(other.evidence)
    }
}
