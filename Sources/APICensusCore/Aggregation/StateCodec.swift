/// A compact binary form of `AggregateState`, so that a report or a snapshot can carry the state it
/// was built from and `apicensus merge` can combine states exactly (a report's rounded figures and
/// templated endpoints cannot be merged; the raw state can).
///
/// Layout (version 2), all integers little-endian:
/// - magic `APST`, then the version byte;
/// - sections in a fixed order: files, rejected counts, samples, problems, chunk lines, endpoints,
///   invalid requests, time range. Every dictionary is written in sorted key order and every
///   order-free collection (status codes, client hashes, query names) sorted, so equal states give
///   equal bytes whatever order they were built in;
/// - each endpoint's statistics sit in a length-prefixed record, so a later version can append fields
///   to `EndpointStats`: a newer decoder reads the fields an older record has and defaults the rest;
///   an older decoder refuses the newer version by its version byte. The coverage evidence is such an
///   appended field: (signature, count) pairs sorted by signature;
/// - after the time range, the run's coverage evidence: records per role and the names of the
///   fields the inputs' formats can log.
///
/// Version 1 is read too, without its coverage evidence: states written before coverage have none,
/// and the evidence of the first coverage builds packed authentication kinds in an order that has
/// changed since (a `bearer_scheme_only` kind was added), so it is dropped rather than misread. Such
/// a state reports `not_observable` coverage until it is merged with newer ones.
///
/// Unsigned counts are LEB128 varints, signed values zigzag varints, 64-bit hashes fixed 8 bytes,
/// strings a varint length then UTF-8.
public enum StateCodec {
    public static let magic: [UInt8] = Array("APST".utf8)
    public static let version: UInt8 = 2
    /// The oldest version this build decodes.
    public static let oldestReadableVersion: UInt8 = 1
    /// Name of this encoding in JSON documents (`state.encoding`).
    public static let encodingName = "apicensus-state/1"
}

public struct StateCodecError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    /// Byte offset in the encoded state where decoding failed.
    public var offset: Int

    public var description: String { "invalid state data at byte \(offset): \(message)" }
}

extension AggregateState {
    /// The state as bytes: deterministic (equal states give equal bytes) and versioned.
    public func encoded() -> [UInt8] {
        var w = StateWriter()
        w.bytes.append(contentsOf: StateCodec.magic)
        w.bytes.append(StateCodec.version)

        let fileKeys = files.keys.sorted()
        w.unsigned(UInt64(fileKeys.count))
        for k in fileKeys {
            let c = files[k]!
            w.signed(Int64(k))
            w.signed(c.bytes)
            w.unsigned(c.lines)
            w.unsigned(c.parsed)
            w.unsigned(c.ignored)
            w.unsigned(c.rejected)
        }

        let reasons = rejectedByReason.keys.sorted()
        w.unsigned(UInt64(reasons.count))
        for r in reasons {
            w.string(r.rawValue)
            w.unsigned(rejectedByReason[r]!)
        }

        w.unsigned(UInt64(samples.count))
        for s in samples {
            w.location(s.location)
            w.string(s.reason.rawValue)
            w.string(s.text)
        }

        w.unsigned(UInt64(problems.count))
        for p in problems {
            w.signed(Int64(p.input))
            w.string(p.kind)
            w.string(p.message)
            if let offset = p.byteOffset {
                w.bytes.append(1)
                w.signed(offset)
            } else {
                w.bytes.append(0)
            }
            if let line = p.lastLine {
                w.bytes.append(1)
                w.location(line)
            } else {
                w.bytes.append(0)
            }
        }

        let chunkKeys = chunkLines.keys.sorted { ($0.input, $0.chunk) < ($1.input, $1.chunk) }
        w.unsigned(UInt64(chunkKeys.count))
        for k in chunkKeys {
            w.signed(Int64(k.input))
            w.signed(Int64(k.chunk))
            w.unsigned(chunkLines[k]!)
        }

        let endpointKeys = endpoints.keys.sorted()
        w.unsigned(UInt64(endpointKeys.count))
        var record = StateWriter()
        for k in endpointKeys {
            w.string(k.method)
            w.string(k.host)
            w.string(k.typedPath)
            record.bytes.removeAll(keepingCapacity: true)
            record.endpointStats(endpoints[k]!)
            w.unsigned(UInt64(record.bytes.count))
            w.bytes.append(contentsOf: record.bytes)
        }

        let kinds = invalidRequests.keys.sorted()
        w.unsigned(UInt64(kinds.count))
        for k in kinds {
            w.string(k)
            w.unsigned(invalidRequests[k]!)
        }

        w.signed(firstMillis)
        w.signed(lastMillis)
        w.unsigned(callsWithoutTime)

        for n in run.recordsByRole { w.unsigned(n) }
        let fields = run.observableFields.fields.map(\.rawValue).sorted()
        w.unsigned(UInt64(fields.count))
        for f in fields { w.string(f) }
        return w.bytes
    }

    /// Decodes `encoded()` output. Throws `StateCodecError` naming the byte offset on data that is
    /// short, corrupt, of an unknown version or not an APICensus state at all.
    public init(encoded bytes: [UInt8]) throws {
        var r = StateReader(bytes: bytes)
        guard bytes.count >= 5, Array(bytes[0..<4]) == StateCodec.magic else {
            throw StateCodecError(message: "not an APICensus state (no APST header)", offset: 0)
        }
        r.position = 4
        let version = try r.byte()
        guard version >= StateCodec.oldestReadableVersion && version <= StateCodec.version else {
            throw StateCodecError(message: "unknown state version \(version) (this build reads versions \(StateCodec.oldestReadableVersion) to \(StateCodec.version))",
                                  offset: 4)
        }
        let withEvidence = version >= 2
        self.init()

        for _ in 0..<(try r.count()) {
            let at = r.position
            let input = try r.int()
            var c = InputFileCounters()
            c.bytes = try r.signed()
            c.lines = try r.unsigned()
            c.parsed = try r.unsigned()
            c.ignored = try r.unsigned()
            c.rejected = try r.unsigned()
            guard files.updateValue(c, forKey: input) == nil else { throw r.error("input \(input) listed twice", at: at) }
        }

        for _ in 0..<(try r.count()) {
            let at = r.position
            let reason = try r.rejectReason()
            guard rejectedByReason.updateValue(try r.unsigned(), forKey: reason) == nil else {
                throw r.error("reject reason \(reason.rawValue) listed twice", at: at)
            }
        }

        for _ in 0..<(try r.count()) {
            let location = try r.location()
            let reason = try r.rejectReason()
            samples.append(RejectedSample(location: location, reason: reason, text: try r.string()))
        }

        for _ in 0..<(try r.count()) {
            let input = try r.int()
            let kind = try r.string()
            let message = try r.string()
            let byteOffset: Int64? = try r.flag() ? try r.signed() : nil
            let lastLine: LineLocation? = try r.flag() ? try r.location() : nil
            problems.append(InputProblem(input: input, kind: kind, message: message, byteOffset: byteOffset, lastLine: lastLine))
        }

        for _ in 0..<(try r.count()) {
            let at = r.position
            let key = ChunkKey(input: try r.int(), chunk: try r.int())
            guard chunkLines.updateValue(try r.unsigned(), forKey: key) == nil else {
                throw r.error("chunk (\(key.input), \(key.chunk)) listed twice", at: at)
            }
        }

        for _ in 0..<(try r.count()) {
            let at = r.position
            let key = RawEndpointKey(method: try r.string(), host: try r.string(), typedPath: try r.string())
            let length = try r.count()
            let end = r.position + length
            guard end <= bytes.count else { throw r.error("endpoint record longer than the data", at: r.position) }
            var record = StateReader(bytes: bytes, position: r.position, end: end)
            let stats = try record.endpointStats(withEvidence: withEvidence)
            guard record.position == end else {
                throw r.error("\(end - record.position) unread byte(s) in the record of \(key.method) \(key.typedPath)", at: record.position)
            }
            r.position = end
            guard endpoints.updateValue(stats, forKey: key) == nil else {
                throw r.error("endpoint \(key.method) \(key.host) \(key.typedPath) listed twice", at: at)
            }
        }

        for _ in 0..<(try r.count()) {
            let at = r.position
            let kind = try r.string()
            guard invalidRequests.updateValue(try r.unsigned(), forKey: kind) == nil else {
                throw r.error("invalid-request kind \(kind) listed twice", at: at)
            }
        }

        firstMillis = try r.signed()
        lastMillis = try r.signed()
        callsWithoutTime = try r.unsigned()

        // Version 1 states written by coverage builds end with a run section: read, then dropped
        // with the endpoints' evidence (records per role without evidence would judge every endpoint
        // unseen by its roles).
        if withEvidence || r.position < bytes.count {
            var run = RunEvidence()
            for i in 0..<run.recordsByRole.count { run.recordsByRole[i] = try r.unsigned() }
            for _ in 0..<(try r.count()) {
                let at = r.position
                let name = try r.string()
                guard let field = CallField(rawValue: name) else { throw r.error("unknown call field '\(name)'", at: at) }
                run.observableFields.insert(field)
            }
            if withEvidence { self.run = run }
        }
        guard r.position == bytes.count else {
            throw r.error("\(bytes.count - r.position) unexpected byte(s) after the state", at: r.position)
        }
    }
}

struct StateWriter {
    var bytes: [UInt8] = []

    mutating func unsigned(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func signed(_ value: Int64) {
        unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func string(_ s: String) {
        unsigned(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }

    mutating func location(_ l: LineLocation) {
        signed(Int64(l.input))
        signed(Int64(l.chunk))
        signed(Int64(l.lineInChunk))
        signed(l.byteOffset)
    }

    /// One endpoint's record. Fields are only ever appended here (see the codec's notes).
    mutating func endpointStats(_ s: EndpointStats) {
        unsigned(s.calls)
        let statuses = s.statuses.packed.sorted()
        unsigned(UInt64(statuses.count))
        for word in statuses {
            unsigned(word >> 48)
            unsigned(word & 0xFFFF_FFFF_FFFF)
        }
        unsigned(s.responseBytes)
        unsigned(s.callsWithBytes)
        signed(s.firstSeenMillis)
        signed(s.lastSeenMillis)
        if s.clients.isExact {
            bytes.append(0)
            let hashes = s.clients.exact.sorted()
            unsigned(UInt64(hashes.count))
            for h in hashes { fixed64(h) }
        } else {
            bytes.append(1)
            bytes.append(contentsOf: s.clients.registers)
        }
        signed(Int64(s.latency.firstIndex))
        unsigned(UInt64(s.latency.counts.count))
        for c in s.latency.counts { unsigned(c) }
        unsigned(s.latency.total)
        unsigned(s.latency.sumMicros)
        unsigned(s.latency.maxMicros)
        bytes.append(s.queryParameters.truncated ? 1 : 0)
        let names = zip(s.queryParameters.hashes, s.queryParameters.names).sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        unsigned(UInt64(names.count))
        for (h, n) in names {
            fixed64(h)
            string(n)
        }
        unsigned(s.callsWithQuery)
        // Coverage evidence (appended): (signature, count) pairs in signature order.
        let evidence = s.evidence.signatureCounts
        unsigned(UInt64(evidence.count))
        for (signature, count) in evidence {
            unsigned(signature)
            unsigned(count)
        }
    }
}

struct StateReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(bytes: [UInt8], position: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.position = position
        self.end = end ?? bytes.count
    }

    func error(_ message: String, at offset: Int? = nil) -> StateCodecError {
        StateCodecError(message: message, offset: offset ?? position)
    }

    mutating func byte() throws -> UInt8 {
        guard position < end else { throw error("data ends too early") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func flag() throws -> Bool {
        let at = position
        switch try byte() {
        case 0: return false
        case 1: return true
        case let b: throw error("expected a flag (0 or 1), found \(b)", at: at)
        }
    }

    mutating func unsigned() throws -> UInt64 {
        let at = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift == 63 && b > 1 { throw error("varint overflows 64 bits", at: at) }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw error("varint overflows 64 bits", at: at) }
        }
    }

    mutating func signed() throws -> Int64 {
        let u = try unsigned()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    mutating func int() throws -> Int {
        let at = position
        let v = try signed()
        guard let i = Int(exactly: v) else { throw error("value \(v) out of range", at: at) }
        return i
    }

    /// An element count, checked against the bytes left (every element takes at least one byte), so
    /// corrupt data cannot ask for a huge allocation.
    mutating func count() throws -> Int {
        let at = position
        let v = try unsigned()
        guard v <= UInt64(end - position) else { throw error("count \(v) exceeds the \(end - position) byte(s) left", at: at) }
        return Int(v)
    }

    mutating func fixed64() throws -> UInt64 {
        guard end - position >= 8 else { throw error("data ends too early") }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[position + i]) << UInt64(8 * i) }
        position += 8
        return v
    }

    mutating func string() throws -> String {
        let length = try count()
        let at = position
        guard let s = String(validating: bytes[position..<position + length], as: UTF8.self) else {
            throw error("string is not valid UTF-8", at: at)
        }
        position += length
        return s
    }

    mutating func rejectReason() throws -> RejectReason {
        let at = position
        let raw = try string()
        guard let reason = RejectReason(rawValue: raw) else { throw error("unknown reject reason '\(raw)'", at: at) }
        return reason
    }

    mutating func location() throws -> LineLocation {
        LineLocation(input: try int(), chunk: try int(), lineInChunk: try int(), byteOffset: try signed())
    }

    /// `withEvidence`: the record's coverage evidence is read (version 2); a version-1 record's is skipped.
    mutating func endpointStats(withEvidence: Bool) throws -> EndpointStats {
        var s = EndpointStats()
        s.calls = try unsigned()
        for _ in 0..<(try count()) {
            let at = position
            let code = try unsigned()
            let count = try unsigned()
            guard code <= 0xFFFF, count <= 0xFFFF_FFFF_FFFF else { throw error("status count out of range", at: at) }
            guard !s.statuses.packed.contains(where: { $0 >> 48 == code }) else { throw error("status \(code) listed twice", at: at) }
            s.statuses.packed.append(code << 48 | count)
        }
        s.responseBytes = try unsigned()
        s.callsWithBytes = try unsigned()
        s.firstSeenMillis = try signed()
        s.lastSeenMillis = try signed()
        if try flag() {
            guard end - position >= DistinctCounter.registerCount else { throw error("data ends inside the client sketch") }
            s.clients.registers = Array(bytes[position..<position + DistinctCounter.registerCount])
            position += DistinctCounter.registerCount
        } else {
            let n = try count()
            guard n <= DistinctCounter.exactLimit else { throw error("\(n) exact client hashes (at most \(DistinctCounter.exactLimit))") }
            for _ in 0..<n { s.clients.exact.append(try fixed64()) }
        }
        s.latency.firstIndex = try int()
        for _ in 0..<(try count()) { s.latency.counts.append(try unsigned()) }
        s.latency.total = try unsigned()
        s.latency.sumMicros = try unsigned()
        s.latency.maxMicros = try unsigned()
        s.queryParameters.truncated = try flag()
        let names = try count()
        guard names <= QueryParameterNames.limit else { throw error("\(names) query names (at most \(QueryParameterNames.limit))") }
        for _ in 0..<names {
            s.queryParameters.hashes.append(try fixed64())
            s.queryParameters.names.append(try string())
        }
        s.callsWithQuery = try unsigned()
        guard withEvidence else {
            // Version 1: the record may end here (before coverage) or carry evidence in the old layout.
            position = end
            return s
        }
        do {
            var pairs: [(signature: UInt64, count: UInt64)] = []
            for _ in 0..<(try count()) {
                let at = position
                let signature = try unsigned()
                guard EndpointEvidence.Signature.isValid(signature) else { throw error("invalid evidence signature \(signature)", at: at) }
                guard pairs.last.map({ $0.signature < signature }) ?? true else { throw error("evidence signatures out of order", at: at) }
                pairs.append((signature, try unsigned()))
            }
            s.evidence = EndpointEvidence(signatureCounts: pairs)
        }
        return s
    }
}
