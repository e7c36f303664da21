#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Settings that change what is aggregated.
public struct AggregationOptions: Sendable, Equatable {
    /// Longest accepted line in bytes; longer lines are rejected as `too_long`.
    public var maxLineLength = 1 << 20
    /// Networks, gateway-evidence headers and API-key names for the per-call classification.
    public var coverage = CoverageSettings()
    public init() {}
}

/// One worker thread's aggregation: splits chunks into lines, parses them, and accumulates calls per
/// typed endpoint in a hash table. This is the hot path; it allocates only when it meets a new
/// endpoint, a new query-parameter name or a rejected line worth sampling. It is a struct so that the
/// hot path mutates it in place, without the dynamic exclusivity check that every access to a class's
/// stored property costs.
public struct CallAggregator {
    public let options: AggregationOptions
    private var table = RawEndpointTable()
    private var state = AggregateState()
    private var normalizer = PathNormalizer()
    private let prefix = PrefixScratch()
    private var pathValues = PathValues()
    private let classifier: CallClassifier
    /// The same classifier, reached per call without a retain and release (the aggregator keeps
    /// it alive through `classifier`).
    private let classifierRef: Unmanaged<CallClassifier>
    /// Role, format fields and host override of each input, set before its chunks are consumed.
    private var contexts: [Int: InputContext] = [:]
    /// What the per-call work needs of each input's context, built once in `setContext` rather than
    /// per chunk (a stream consumer's chunk is one message).
    private var sources: [Int: Source] = [:]
    /// The host overrides' bytes, kept for the aggregator's lifetime.
    private var hostOverrides: [String: OwnedBytes] = [:]
    /// Lines and messages rejected so far, for every input: a stream consumer compares it before and
    /// after a message (no dictionary lookup per message) to see whether the whole message failed.
    public private(set) var rejectedLineCount: UInt64 = 0

    public init(options: AggregationOptions = AggregationOptions()) {
        self.options = options
        self.classifier = CallClassifier(settings: options.coverage)
        self.classifierRef = Unmanaged.passUnretained(classifier)
    }

    /// Tells the aggregator where an input's records come from (its role, what its format logs,
    /// a host to file its calls under). Inputs never described count as `InputContext.unspecified`.
    /// Setting the context an input already has costs one lookup (a stream consumer does it per message).
    public mutating func setContext(_ context: InputContext, for input: Int) {
        if contexts[input] == context { return }
        contexts[input] = context
        if let host = context.hostOverride, hostOverrides[host] == nil { hostOverrides[host] = OwnedBytes(host) }
        sources[input] = Source(context, host: context.hostOverride.flatMap { hostOverrides[$0]?.bytes })
    }

    /// What is known about an input's source, per chunk.
    struct Source {
        var traits: InputTraits
        var roleIndex: Int
        /// What the input's format can log (the run's observable fields).
        var yields: CallFieldSet
        /// The host override's bytes (owned by the aggregator), when the input has one.
        var host: Bytes?

        init(_ context: InputContext, host: Bytes? = nil) {
            traits = InputTraits(context)
            roleIndex = EndpointEvidence.roleIndex(context.role)
            yields = context.yields
            self.host = host
        }
    }

    /// Bytes copied once and kept alive by their owner.
    final class OwnedBytes {
        let bytes: Bytes
        init(_ s: String) {
            let a = Array(s.utf8)
            let p = UnsafeMutablePointer<UInt8>.allocate(capacity: max(a.count, 1))
            p.initialize(from: a, count: a.count)
            bytes = Bytes(start: p, count: a.count)
        }
        deinit { UnsafeMutablePointer(mutating: bytes.baseAddress)?.deallocate() }
    }

    /// Parses every line of `chunk` (complete lines; the last may lack its `\n`).
    /// Returns the number of lines seen, which the caller adds to its own line position.
    ///
    /// Callers live in other modules, where this generic function would run unspecialised, calling
    /// the parser through its protocol witness once per line; the specialised copies for the formats
    /// keep the per-line parse a direct, inlinable call.
    @discardableResult
    @_specialize(exported: true, where P == CombinedLogParser)
    @_specialize(exported: true, where P == JSONLinesParser)
    @_specialize(exported: true, where P == UnrecognisedFormatParser)
    @_specialize(exported: true, where P == AnyLineParser)
    @_specialize(exported: true, where P == EnvelopedParser<CombinedLogParser>)
    @_specialize(exported: true, where P == EnvelopedParser<AnyLineParser>)
    @_specialize(exported: true, where P == MixedFormatParser)
    public mutating func consume<P: LineParser>(chunk: Bytes, input: Int, chunkIndex: Int, firstLine: Int,
                                       startOffset: Int64, parser: inout P) -> Int {
        var locator = ByteOffsetLocator(input: input, chunk: chunkIndex, startOffset: startOffset)
        return consumeLines(chunk, input: input, chunkIndex: chunkIndex, firstLine: firstLine, joined: nil,
                            parser: &parser, locator: &locator).lines
    }

    /// Parses a chunk joined from records (consecutive Kafka messages of one partition): one pass and
    /// one update of the input's counters for all of them. A rejected line is located at its record's
    /// offset and its line within the record (`LineLocation.byteOffset` and `lineInChunk`), as if the
    /// record had been consumed alone at `chunkIndex` with `startOffset` = its offset; the separators
    /// added between records are not counted as bytes.
    ///
    /// With `stopAfterRejectedRecord`, parsing stops after the first record whose every line was
    /// rejected (a reader that detects formats detects again before the next record); the result
    /// says which, and the records after it are left to the caller.
    @_specialize(exported: true, where P == CombinedLogParser)
    @_specialize(exported: true, where P == JSONLinesParser)
    @_specialize(exported: true, where P == UnrecognisedFormatParser)
    @_specialize(exported: true, where P == AnyLineParser)
    @_specialize(exported: true, where P == EnvelopedParser<CombinedLogParser>)
    @_specialize(exported: true, where P == EnvelopedParser<AnyLineParser>)
    @_specialize(exported: true, where P == MixedFormatParser)
    public mutating func consume<P: LineParser>(joined chunk: Bytes, records: JoinedRecords, input: Int, chunkIndex: Int,
                                                stopAfterRejectedRecord: Bool, parser: inout P) -> JoinedConsumeResult {
        guard chunk.count > 0, !records.isEmpty else { return JoinedConsumeResult(lines: 0, records: 0) }
        precondition(records.joinedBytes == chunk.count, "the records' table must describe the whole chunk")
        var locator = JoinedRecordLocator(records: records, input: input, chunk: chunkIndex,
                                          stopAfterRejectedRecord: stopAfterRejectedRecord)
        let (lines, consumed) = consumeLines(chunk, input: input, chunkIndex: chunkIndex, firstLine: 0,
                                             joined: records, parser: &parser, locator: &locator)
        if let stopped = locator.stoppedAfter {
            return JoinedConsumeResult(lines: lines, records: stopped + 1, stoppedAfterRejectedRecord: stopped)
        }
        precondition(consumed >= chunk.count)
        return JoinedConsumeResult(lines: lines, records: records.count)
    }

    /// The line loop of both `consume` forms; `joined` (the records' table of a joined chunk) tells
    /// which bytes were added between records and are not input.
    @inline(__always)
    private mutating func consumeLines<P: LineParser, L: RejectedLineLocator>(
        _ chunk: Bytes, input: Int, chunkIndex: Int, firstLine: Int, joined: JoinedRecords?,
        parser: inout P, locator: inout L
    ) -> (lines: Int, consumed: Int) {
        guard let base = chunk.baseAddress, chunk.count > 0 else { return (0, 0) }
        var counters = state.files[input] ?? InputFileCounters()
        let source = sources[input] ?? CallAggregator.unspecifiedSource
        let parsedBefore = counters.parsed
        var call = RawCall()
        var position = 0
        var lineIndex = firstLine
        var end = chunk.count
        while position < end {
            let rest = end - position
            let newline = memchr(base + position, 0x0A, rest)
            let lineEnd = newline.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? end
            var contentEnd = lineEnd
            if contentEnd > position, base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = Bytes(start: base + position, count: contentEnd - position)
            counters.lines += 1
            if line.count > options.maxLineLength {
                counters.rejected += 1
                let (location, stop) = locator.locate(lineStart: position, nextLine: lineEnd + 1, lineIndex: lineIndex,
                                                      in: base, count: chunk.count)
                reject(.tooLong, line: Bytes(start: line.baseAddress, count: 0), at: location)
                if let stop { end = stop }
            } else {
                switch parser.parse(line, into: &call) {
                case .call:
                    counters.parsed += 1
                    record(call, source: source)
                case .ignored:
                    counters.ignored += 1
                case .rejected(var reason):
                    // A server's own error or diagnostic line among access records says what it is.
                    if reason != .errorLog, ErrorLogLine.matches(line) { reason = .errorLog }
                    counters.rejected += 1
                    let (location, stop) = locator.locate(lineStart: position, nextLine: lineEnd + 1, lineIndex: lineIndex,
                                                          in: base, count: chunk.count)
                    reject(reason, line: line, at: location)
                    if let stop { end = stop }
                }
            }
            lineIndex += 1
            position = lineEnd + 1
        }
        let consumed = min(position, chunk.count)
        if let joined {
            let records = consumed >= chunk.count ? joined.count : joined.record(containing: consumed - 1) + 1
            counters.bytes += Int64(joined.contentBytes(ofFirst: records, chunkCount: chunk.count))
        } else {
            counters.bytes += Int64(consumed)
        }
        if counters.parsed > parsedBefore {
            state.run.recordsByRole[source.roleIndex] &+= counters.parsed - parsedBefore
            state.run.observableFields.formUnion(source.yields)
        }
        state.files[input] = counters
        state.chunkLines[AggregateState.ChunkKey(input: input, chunk: chunkIndex), default: 0] += UInt64(lineIndex - firstLine)
        return (lineIndex - firstLine, consumed)
    }

    /// A line the reader had to skip because it exceeds the limit (it never reached a parser).
    public mutating func recordTooLong(at location: LineLocation, length: Int64) {
        state.files[location.input, default: InputFileCounters()].lines += 1
        state.files[location.input, default: InputFileCounters()].rejected += 1
        state.files[location.input, default: InputFileCounters()].bytes += length
        state.chunkLines[AggregateState.ChunkKey(input: location.input, chunk: location.chunk), default: 0] += 1
        reject(.tooLong, line: .none, at: location)
    }

    /// A whole message rejected before any line of it was parsed (a Kafka tombstone, an empty or
    /// oversized message): counted as one rejected line of `bytes` bytes, sampled with `note`.
    public mutating func recordRejectedMessage(_ reason: RejectReason, at location: LineLocation, bytes: Int64, note: String) {
        state.files[location.input, default: InputFileCounters()].lines += 1
        state.files[location.input, default: InputFileCounters()].rejected += 1
        state.files[location.input, default: InputFileCounters()].bytes += bytes
        state.chunkLines[AggregateState.ChunkKey(input: location.input, chunk: location.chunk), default: 0] += 1
        rejectedLineCount &+= 1
        state.rejectedByReason[reason, default: 0] += 1
        if state.wantsSample(reason, at: location) {
            state.addSample(RejectedSample(location: location, reason: reason, text: note))
        }
    }

    /// The line counts of one input so far.
    public func counters(input: Int) -> InputFileCounters {
        state.files[input] ?? InputFileCounters()
    }

    /// The end of an input: every record the parser still holds open (a multi-line record, the
    /// transactions whose messages were being gathered, a partial container-log line) is counted now,
    /// as parsed or rejected, each in place of one of its lines counted as ignored. `location` is where
    /// the input ended.
    public mutating func finish<P: LineParser>(_ parser: inout P, input: Int, at location: LineLocation) {
        var call = RawCall()
        while let outcome = parser.finish(into: &call) {
            var counters = state.files[input] ?? InputFileCounters()
            if counters.ignored > 0 { counters.ignored -= 1 }
            switch outcome {
            case .call:
                counters.parsed += 1
                state.files[input] = counters
                record(call)
            case .ignored:
                counters.ignored += 1
                state.files[input] = counters
            case .rejected(let reason):
                counters.rejected += 1
                state.files[input] = counters
                state.rejectedByReason[reason, default: 0] += 1
                if state.wantsSample(reason, at: location) {
                    state.addSample(RejectedSample(location: location, reason: reason, text: Self.unfinishedNote))
                }
            }
        }
    }

    /// The sample text of a record or partial line the end of the input cut short.
    public static let unfinishedNote = "(record or partial line never completed: the input, or the part of it read here, ended first)"

    public mutating func recordProblem(_ problem: InputProblem) {
        state.problems.append(problem)
    }

    /// Makes sure an input appears in the report even when it has no lines.
    public mutating func registerInput(_ input: Int) {
        if state.files[input] == nil { state.files[input] = InputFileCounters() }
    }

    private mutating func reject(_ reason: RejectReason, line: Bytes, at location: LineLocation) {
        rejectedLineCount &+= 1
        state.rejectedByReason[reason, default: 0] += 1
        if state.wantsSample(reason, at: location) {
            let text = line.count > 0 ? Redactor.redact(line) : "(line of more than \(options.maxLineLength) bytes not shown)"
            state.addSample(RejectedSample(location: location, reason: reason, text: text))
        }
    }

    /// Adds one parsed record from an input the aggregator was told nothing about.
    public mutating func record(_ call: RawCall) {
        record(call, source: CallAggregator.unspecifiedSource)
    }

    // Immutable after its one-time initialisation (no host bytes); shared read-only by all threads.
    nonisolated(unsafe) static let unspecifiedSource = Source(.unspecified)

    /// Adds one parsed record.
    mutating func record(_ call: RawCall, source: Source) {
        if call.timestampMillis != RawCall.unknownTime {
            if call.timestampMillis < state.firstMillis { state.firstMillis = call.timestampMillis }
            if call.timestampMillis > state.lastMillis { state.lastMillis = call.timestampMillis }
        } else {
            state.callsWithoutTime += 1
        }
        guard call.requestIsValid,
              let target = RequestTarget.split(call.target, isConnect: isConnect(call.method))
        else {
            state.invalidRequests[InvalidRequestKind.classify(call), default: 0] += 1
            return
        }
        let typed: Bytes
        let pathHash: UInt64
        switch target.form {
        case .origin, .absolute:
            let path = PathValues.mayCarryValues(target.path) ? pathValues.strip(target.path) : target.path
            (typed, pathHash) = normalizer.normalizedView(path)
        case .asterisk:
            typed = CallAggregator.asterisk
            pathHash = 0x2A
        case .authority:
            typed = CallAggregator.authority
            pathHash = 0xA7
        }
        // The query's API-key names are looked for in the stats' pass over the names.
        let evidence = classifierRef._withUnsafeGuaranteedRef { classifier in
            source.traits.requestLineOnly
                ? classifier.classifyRequestLine(call, query: nil, traits: source.traits)
                : classifier.classify(call, query: target.hasQuery ? target.query : nil, traits: source.traits, queryChecked: false)
        }
        let host = source.host ?? (call.host.count > 0 ? call.host : (target.form == .authority ? .none : target.host))
        // Key prefix: METHOD \0 host, written into a fixed buffer. Formats that log the path but not
        // the method (some JSON logs) give "-": method unknown.
        let methodLength = min(call.method.count, CallAggregator.maxMethodLength)
        var length = 0
        if methodLength > 0 {
            prefix.pointer.update(from: call.method.baseAddress!, count: methodLength)
            length = methodLength
        } else {
            prefix.pointer[0] = UInt8(ascii: "-")
            length = 1
        }
        let methodEnd = length
        prefix.pointer[length] = 0
        length += 1
        length += HostName.writeNormalized(host, to: prefix.pointer + length)
        let key = Bytes(start: prefix.pointer, count: length)
        // Consecutive lines mostly share method and host: reuse the prefix hash when the bytes match.
        let prefixHash: UInt64
        if length == prefix.lastLength, memcmp(prefix.last, prefix.pointer, length) == 0 {
            prefixHash = prefix.lastHash
        } else {
            prefixHash = ByteHash.hash(key)
            prefix.last.update(from: prefix.pointer, count: length)
            prefix.lastLength = length
            prefix.lastHash = prefixHash
        }
        let index = table.index(hash: ByteHash.combine(prefixHash, pathHash), prefix: key, path: typed, methodLength: methodEnd)
        classifierRef._withUnsafeGuaranteedRef { classifier in
            table.stats[index].record(call, query: target.hasQuery ? target.query : nil, evidence: evidence,
                                      roleIndex: source.roleIndex, queryKeys: classifier.queryKeys)
        }
    }

    static let maxMethodLength = 32

    /// Space for the key prefix (method, NUL, host: at most 32 + 1 + 255 bytes) and the last
    /// prefix with its hash. Owned by one aggregator, used by one thread.
    final class PrefixScratch {
        static let capacity = 512
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        let last = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        var lastLength = -1
        var lastHash: UInt64 = 0
        deinit {
            pointer.deallocate()
            last.deallocate()
        }
    }
    // Immutable after their one-time initialisation; shared read-only by all threads.
    nonisolated(unsafe) static let asterisk = staticBytes("*")
    nonisolated(unsafe) static let authority = staticBytes("{authority}")

    static func staticBytes(_ s: String) -> Bytes {
        let bytes = Array(s.utf8)
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        p.initialize(from: bytes, count: bytes.count)
        return Bytes(start: p, count: bytes.count)
    }

    @inline(__always)
    private func isConnect(_ method: Bytes) -> Bool {
        method.count == 7 && method[0] == UInt8(ascii: "C") && method[1] == UInt8(ascii: "O") && method[2] == UInt8(ascii: "N")
    }

    /// The state so far, endpoints included. The aggregator can go on consuming afterwards.
    public func snapshot() -> AggregateState {
        var result = state
        for i in 0..<table.count {
            let k = table.keys[i]
            if result.endpoints[k] == nil {
                result.endpoints[k] = table.stats[i]
            } else {
                result.endpoints[k]!.merge(table.stats[i])
            }
        }
        return result
    }
}

extension EndpointStats {
    /// Hot-path update for one call.
    @inline(__always)
    mutating func record(_ call: RawCall, query: Bytes?, evidence: CallEvidence, roleIndex: Int, queryKeys: borrowing QueryKeyMatcher) {
        var word = evidence.word
        calls &+= 1
        statuses.record(call.status)
        if call.responseBytes >= 0 {
            responseBytes &+= UInt64(call.responseBytes)
            callsWithBytes &+= 1
        }
        let t = call.timestampMillis
        if t != RawCall.unknownTime {
            if t < firstSeenMillis { firstSeenMillis = t }
            if t > lastSeenMillis { lastSeenMillis = t }
        }
        if call.client.count > 0 { clients.insert(ByteHash.hash(call.client)) }
        if call.durationMicros >= 0 { latency.record(micros: UInt64(call.durationMicros)) }
        if let query {
            callsWithQuery &+= 1
            QueryNames.forEachName(in: query) { name in
                let h = ByteHash.hash(name)
                if !queryParameters.contains(h) {
                    queryParameters.insert(hash: h, name: QueryNames.safeName(name))
                }
                // A key in the query overrides a kind decided below the query step.
                if word & CallEvidence.openToQueryKeyBit != 0, queryKeys.matches(hash: h, name: name) {
                    word = word & ~(15 | CallEvidence.openToQueryKeyBit) | UInt64(AuthKind.apiKeyQuery.rawValue)
                }
            }
        }
        self.evidence.add(signature: EndpointEvidence.Signature.make(word: word, roleIndex: roleIndex, status: call.status), count: 1)
    }
}

/// Why a logged request is not an API call.
public enum InvalidRequestKind {
    public static func classify(_ call: RawCall) -> String {
        let m = call.requestLine.count > 0 ? call.requestLine : (call.method.count > 0 ? call.method : call.target)
        if m.count == 0 { return "empty" }
        // A TLS ClientHello sent to a plaintext port: 0x16 0x03, logged raw or as "\x16\x03".
        if m[0] == 0x16 { return "tls_handshake" }
        if m.count >= 8, m[0] == UInt8(ascii: "\\"), m[1] == UInt8(ascii: "x"), m[2] == UInt8(ascii: "1"),
           m[3] == UInt8(ascii: "6"), m[4] == UInt8(ascii: "\\"), m[6] == UInt8(ascii: "0"), m[7] == UInt8(ascii: "3") {
            return "tls_handshake"
        }
        if m.count == 1, m[0] == UInt8(ascii: "-") { return "empty" }
        if call.requestIsValid { return "unsupported_target" }
        for b in m where b < 0x20 || b >= 0x7F || b == UInt8(ascii: "\\") { return "binary" }
        return "malformed_request_line"
    }
}
