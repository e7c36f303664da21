/// Everything a run has learned, in a form that merges: per-thread states, per-file states and
/// (later) per-instance states combine with `merge`, which is associative and commutative, so the
/// final report depends only on the input lines, not on thread count or file order.
public struct AggregateState: Sendable, Equatable {
    public struct ChunkKey: Sendable, Hashable {
        public var input: Int
        public var chunk: Int
    }

    public static let samplesPerReason = 5

    public var files: [Int: InputFileCounters] = [:]
    public var rejectedByReason: [RejectReason: UInt64] = [:]
    /// The first few rejected lines per reason, in input order.
    public var samples: [RejectedSample] = []
    public var problems: [InputProblem] = []
    /// Lines per (input, chunk), to turn chunk-relative locations into line numbers.
    public var chunkLines: [ChunkKey: UInt64] = [:]
    public var endpoints: [RawEndpointKey: EndpointStats] = [:]
    /// Faithfully logged records whose request is not a request, by kind (`tls_handshake`, …).
    public var invalidRequests: [String: UInt64] = [:]
    public var firstMillis = Int64.max
    public var lastMillis = Int64.min
    public var callsWithoutTime: UInt64 = 0
    /// Which roles contributed records and what their formats can log.
    public var run = RunEvidence()

    public init() {}

    public mutating func merge(_ other: AggregateState) {
        for (k, v) in other.files { files[k, default: InputFileCounters()].merge(v) }
        for (k, v) in other.rejectedByReason { rejectedByReason[k, default: 0] += v }
        for s in other.samples { addSample(s) }
        problems.append(contentsOf: other.problems)
        problems.sort { ($0.input, $0.byteOffset ?? -1, $0.kind, $0.message) < ($1.input, $1.byteOffset ?? -1, $1.kind, $1.message) }
        for (k, v) in other.chunkLines { chunkLines[k, default: 0] += v }
        for (k, v) in other.endpoints {
            if endpoints[k] == nil {
                endpoints[k] = v
            } else {
                endpoints[k]!.merge(v)
            }
        }
        for (k, v) in other.invalidRequests { invalidRequests[k, default: 0] += v }
        firstMillis = min(firstMillis, other.firstMillis)
        lastMillis = max(lastMillis, other.lastMillis)
        callsWithoutTime += other.callsWithoutTime
        run.merge(other.run)
    }

    /// Keeps the earliest `samplesPerReason` samples of each reason (by location), whatever the
    /// order they arrive in.
    public mutating func addSample(_ sample: RejectedSample) {
        let same = samples.indices.filter { samples[$0].reason == sample.reason }
        if same.contains(where: { samples[$0].location == sample.location }) { return }
        if same.count < AggregateState.samplesPerReason {
            samples.append(sample)
        } else if let latest = same.max(by: { samples[$0].location < samples[$1].location }),
                  sample.location < samples[latest].location {
            samples[latest] = sample
        } else {
            return
        }
        samples.sort { ($0.reason, $0.location) < ($1.reason, $1.location) }
    }

    /// Would a sample at this location be kept? Lets the hot path skip redaction work.
    func wantsSample(_ reason: RejectReason, at location: LineLocation) -> Bool {
        var count = 0
        var latest: LineLocation?
        for s in samples where s.reason == reason {
            count += 1
            if latest == nil || latest! < s.location { latest = s.location }
        }
        return count < AggregateState.samplesPerReason || location < latest!
    }

    /// 1-based line number of a location, once all chunks of its input have been counted.
    /// `lineInChunk` -1 names the last line before the chunk (where a stream failed).
    public func lineNumber(of location: LineLocation) -> UInt64 {
        var before: UInt64 = 0
        for (key, lines) in chunkLines where key.input == location.input && key.chunk < location.chunk {
            before += lines
        }
        return UInt64(max(0, Int(before) + location.lineInChunk + 1))
    }
}
