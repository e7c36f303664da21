#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a compiled `CustomFormat` over lines: one forward pass matching the literals byte for byte
/// and capturing each variable between them, typed as it is captured. No `String`, no allocation per
/// line (a path and its query are joined in a buffer the parser owns when they are not adjacent).
///
/// Where a value ends: at the next literal (the first place it occurs; a value between double quotes
/// ends at an unescaped `"` followed by the rest of the literal, so `\"` and `\x22` escapes are kept
/// inside it); values known to hold spaces skip them first (`$time_local` one, an unquoted `$request`
/// two); list values (`$upstream_addr`, `$http_x_forwarded_for`, `$upstream_status`) continue past
/// `, ` and ` : `. The line must match the whole program: literals that differ, a missing part or
/// text left after the last literal reject it as `malformed`, a status that is not three digits as
/// `bad_status`, a time that cannot be read as `bad_timestamp`. `-` is an absent value.
public struct CustomFormatParser: LineParser {
    public let format: CustomFormat
    private let program: CustomProgram
    private var timeCache = CLFTimeCache()
    private let scratch = OwnedBytes(capacity: 512)

    public init(_ format: CustomFormat) {
        self.format = format
        program = format.program
    }

    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard let p = line.baseAddress else { return .ignored }
        var end = line.count
        while end > 0, p[end - 1] == cr || p[end - 1] == sp || p[end - 1] == tab { end -= 1 }
        if end == 0 { return .ignored }
        let steps = program.steps
        let literals = program.literals
        let count = program.count
        var pathS = -1, pathE = -1, queryS = -1, queryE = -1
        var emptyIsArgsAt = -1
        var i = 0
        var k = 0
        while k < count {
            let step = steps[k]
            if step.literalCount > 0 {
                let n = Int(step.literalCount)
                guard i + n <= end, memcmp(p + i, literals + Int(step.literalStart), n) == 0 else { return .rejected(.malformed) }
                i += n
                k += 1
                continue
            }
            // A field: find its end.
            var e = end
            if k + 1 < count {
                let next = steps[k + 1]
                if next.literalCount > 0 {
                    guard let found = findEnd(step, literal: next, p, i, end) else { return .rejected(.malformed) }
                    e = found
                } else {
                    e = adjacentEnd(step, p, i, end)
                }
            }
            if step.fills {
                switch step.kind {
                case .path: pathS = i; pathE = e
                case .isArgs: if e == i { emptyIsArgsAt = i }
                case .queryArgs:
                    // NGINX logs an absent `$args` as `-`, so `$uri$is_args$args` without a query
                    // ends in `-`, which the path (stopping at `?` or a space) has taken.
                    if e == i, emptyIsArgsAt == i, pathE == i, pathE - pathS > 1, p[pathE - 1] == dash { pathE -= 1 }
                    queryS = i; queryE = e
                case .queryWithMark:
                    queryS = i < e && p[i] == question ? i + 1 : i
                    queryE = e
                default:
                    if let rejection = apply(step.kind, p, i, e, &call) { return .rejected(rejection) }
                }
            }
            i = e
            k += 1
        }
        guard i == end else { return .rejected(.malformed) }
        switch format.target {
        case .requestLine:
            break
        case .requestURI:
            Self.checkRequest(&call)
        case .pathAndQuery:
            if pathS >= 0, pathE > pathS, !(pathE - pathS == 1 && p[pathS] == dash) {
                if queryS >= 0, queryE > queryS, !(queryE - queryS == 1 && p[queryS] == dash) {
                    if queryS == pathE + 1, p[pathE] == question {
                        call.target = Bytes(start: p + pathS, count: queryE - pathS)
                    } else {
                        scratch.removeAll()
                        let r = scratch.append(Bytes(start: p + pathS, count: pathE - pathS))
                        scratch.append(question)
                        let q = scratch.append(Bytes(start: p + queryS, count: queryE - queryS))
                        call.target = scratch.bytes(r.lowerBound..<q.upperBound)
                    }
                } else {
                    call.target = Bytes(start: p + pathS, count: pathE - pathS)
                }
            }
            Self.checkRequest(&call)
        }
        return .call
    }

    /// Where a field followed by `literal` ends.
    @inline(__always)
    private func findEnd(_ step: CustomProgram.Step, literal: CustomProgram.Step, _ p: UnsafePointer<UInt8>,
                         _ start: Int, _ end: Int) -> Int? {
        let lit = program.literals + Int(literal.literalStart)
        let n = Int(literal.literalCount)
        if step.quoted {
            var j = start
            while let q = CombinedLogParser.closingQuote(p, j, end) {
                if q + n <= end, memcmp(p + q, lit, n) == 0 { return q }
                j = q + 1
            }
            return nil
        }
        var from = start
        var spaces = Int(step.embeddedSpaces)
        while spaces > 0 {
            let s = CombinedLogParser.find(sp, p, from, end)
            if s >= end { break }
            from = s + 1
            spaces -= 1
        }
        let first = lit[0]
        var j = from
        while true {
            j = CombinedLogParser.find(first, p, j, end)
            guard j + n <= end else { return nil }
            if n == 1 || memcmp(p + j, lit, n) == 0 {
                if step.list, first == sp {
                    // `a, b` and `a : b` continue the list.
                    if j > start, p[j - 1] == comma { j += 1; continue }
                    if j + 2 < end, p[j + 1] == colon, p[j + 2] == sp { j += 3; continue }
                }
                return j
            }
            j += 1
        }
    }

    /// Where a field directly followed by another field ends.
    @inline(__always)
    private func adjacentEnd(_ step: CustomProgram.Step, _ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        if step.kind == .isArgs { return start < end && p[start] == question ? start + 1 : start }
        var j = start
        while j < end {
            let c = p[j]
            if c == step.stop || c == sp || (step.chainStop != 0 && c == step.chainStop) { break }
            j += 1
        }
        return j
    }

    /// Fills the call from one captured value; a reason when the value makes the line invalid.
    @inline(__always)
    private mutating func apply(_ kind: CustomCapture, _ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int,
                                _ call: inout RawCall) -> RejectReason? {
        let n = e - s
        let absent = n == 0 || (n == 1 && p[s] == dash)
        let value = Bytes(start: p + s, count: n)
        switch kind {
        case .opaque, .opaqueList, .isArgs, .path, .queryArgs, .queryWithMark:
            break
        case .client: if !absent { call.client = value }
        case .user: if !absent { call.user = value }
        case .timeCLF:
            if !absent {
                guard let t = timeCache.millis(value) else { return .badTimestamp }
                call.timestampMillis = t
            }
        case .timeCLFBracketed:
            if !absent {
                guard n >= 2, p[s] == lbracket, p[e - 1] == rbracket,
                      let t = timeCache.millis(Bytes(start: p + s + 1, count: n - 2)) else { return .badTimestamp }
                call.timestampMillis = t
            }
        case .timeISO:
            if !absent {
                guard let t = Timestamps.iso8601Millis(value) else { return .badTimestamp }
                call.timestampMillis = t
            }
        case .timeEpoch:
            if !absent {
                guard let t = Timestamps.epochMillis(value) else { return .badTimestamp }
                call.timestampMillis = t
            }
        case .timeAny:
            if !absent {
                var v = value
                if n >= 2, p[s] == lbracket, p[e - 1] == rbracket { v = Bytes(start: p + s + 1, count: n - 2) }
                guard let t = Timestamps.anyMillis(v) else { return .badTimestamp }
                call.timestampMillis = t
            }
        case .request:
            CombinedLogParser.parseRequest(p, s, e, &call)
        case .method: if !absent { call.method = value }
        case .requestURI: if !absent { call.target = value }
        case .httpVersion: if !absent { call.httpVersion = value }
        case .status:
            if !absent {
                guard n == 3, let a = digit(p[s]), let b = digit(p[s + 1]), let c = digit(p[s + 2]) else { return .badStatus }
                call.status = Int32(a * 100 + b * 10 + c)
            }
        case .bytes:
            if !absent {
                guard let v = Self.integer(p, s, e) else { return .malformed }
                call.responseBytes = v
            }
        case .referrer: if !absent { call.referrer = value }
        case .userAgent: if !absent { call.userAgent = value }
        case .host:
            if !absent {
                var he = e
                CombinedLogParser.stripPort(p, s, &he)
                call.host = Bytes(start: p + s, count: he - s)
            }
        case .durationSeconds:
            if !absent {
                if let micros = CombinedLogParser.seconds(p, s, e) {
                    call.durationMicros = micros
                } else if let whole = Self.integer(p, s, e) {
                    call.durationMicros = whole &* 1_000_000
                }
            }
        case .durationMillis: if !absent, let v = Self.integer(p, s, e) { call.durationMicros = v &* 1000 }
        case .durationMicros: if !absent, let v = Self.integer(p, s, e) { call.durationMicros = v }
        case .durationWholeSeconds: if !absent, let v = Self.integer(p, s, e) { call.durationMicros = v &* 1_000_000 }
        case .scheme: if !absent { call.scheme = value }
        case .tlsProtocol: if !absent { call.tlsProtocol = value }
        case .tlsCipher: if !absent { call.tlsCipher = value }
        case .clientVerify:
            let evidence: ClientCertificateEvidence
            if absent || Self.hasPrefix(value, "NONE") {
                evidence = .none
            } else if Self.hasPrefix(value, "SUCCESS") {
                evidence = .verified
            } else if Self.hasPrefix(value, "FAILED") {
                evidence = .failed
            } else {
                evidence = .presented  // GENEROUS: presented, not verified
            }
            call.clientCertificate = max(call.clientCertificate, evidence)
        case .clientSubject:
            call.clientCertificate = max(call.clientCertificate, absent ? .none : .presented)
        case .upstream: if !absent { call.upstream = value }
        case .forwardedFor: if !absent { call.forwardedFor = value }
        case .authorization, .authScheme: if !absent { call.authorization = value }
        case .cookie: if !absent { call.cookie = value }
        case .apiKey: if !absent { call.apiKey = value }
        case .contentType: if !absent { call.contentType = value }
        case .requestId: if !absent { call.requestId = value }
        }
        return nil
    }

    /// A request put together from a method and a target (not from a request line): valid when the
    /// target is one (origin, absolute, `*`, or an authority after `CONNECT`) and the method, if
    /// logged, is a token.
    static func checkRequest(_ call: inout RawCall) {
        let t = call.target
        guard let tp = t.baseAddress, t.count > 0 else { call.requestIsValid = false; return }
        for c in call.method where !JSONLinesParser.isTokenChar(c) {
            call.requestIsValid = false
            return
        }
        let m = call.method
        let isConnect = m.count == 7 && m.baseAddress.map { CombinedLogParser.isConnect($0, 0, 7) } ?? false
        call.requestIsValid = tp[0] == slash || (tp[0] == asterisk && t.count == 1) || isConnect
            || CombinedLogParser.hasWebScheme(tp, 0, t.count)
    }

    @inline(__always) private func digit(_ c: UInt8) -> Int? {
        let d = c &- 48
        return d < 10 ? Int(d) : nil
    }

    @inline(__always) static func integer(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Int64? {
        guard e > s, e - s <= 18 else { return nil }
        var v: Int64 = 0
        for i in s..<e {
            let d = p[i] &- 48
            guard d < 10 else { return nil }
            v = v &* 10 &+ Int64(d)
        }
        return v
    }

    @inline(__always) static func hasPrefix(_ value: Bytes, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard value.count >= n else { return false }
        let w = prefix.utf8Start
        for k in 0..<n where value[k] != w[k] { return false }
        return true
    }
}

/// The program in the form the parser walks: plain steps in one buffer, literals in another.
/// Immutable after init, shared by every parser of the format.
final class CustomProgram: @unchecked Sendable {
    struct Step {
        var literalStart: Int32
        /// Zero for a field.
        var literalCount: Int32
        var kind: CustomCapture
        var fills: Bool
        var quoted: Bool
        var list: Bool
        var embeddedSpaces: UInt8
        /// For a field followed directly by another: the byte its value stops at (`?` after a path).
        var stop: UInt8
        /// …or the first byte of the literal after the run of adjacent fields.
        var chainStop: UInt8
    }

    let steps: UnsafeMutablePointer<Step>
    let count: Int
    let literals: UnsafeMutablePointer<UInt8>

    init(steps source: [CustomStep], literalBytes: [UInt8]) {
        count = source.count
        steps = .allocate(capacity: max(1, count))
        literals = .allocate(capacity: max(1, literalBytes.count))
        literals.initialize(from: literalBytes, count: literalBytes.count)
        for (i, s) in source.enumerated() {
            var chainStop: UInt8 = 0
            var j = i + 1
            while j < source.count, !source[j].isLiteral { j += 1 }
            if j < source.count { chainStop = literalBytes[source[j].literal.lowerBound] }
            (steps + i).initialize(to: Step(
                literalStart: Int32(s.literal.lowerBound), literalCount: Int32(s.literal.count), kind: s.kind,
                fills: s.fills, quoted: s.quoted, list: s.kind.isList, embeddedSpaces: UInt8(min(s.embeddedSpaces, 255)),
                stop: s.kind.adjacentStops?.0 ?? 0, chainStop: chainStop))
        }
    }

    deinit {
        steps.deallocate()
        literals.deallocate()
    }
}

@inline(__always) private var sp: UInt8 { UInt8(ascii: " ") }
@inline(__always) private var tab: UInt8 { UInt8(ascii: "\t") }
@inline(__always) private var cr: UInt8 { UInt8(ascii: "\r") }
@inline(__always) private var dash: UInt8 { UInt8(ascii: "-") }
@inline(__always) private var comma: UInt8 { UInt8(ascii: ",") }
@inline(__always) private var colon: UInt8 { UInt8(ascii: ":") }
@inline(__always) private var slash: UInt8 { UInt8(ascii: "/") }
@inline(__always) private var question: UInt8 { UInt8(ascii: "?") }
@inline(__always) private var asterisk: UInt8 { UInt8(ascii: "*") }
@inline(__always) private var lbracket: UInt8 { UInt8(ascii: "[") }
@inline(__always) private var rbracket: UInt8 { UInt8(ascii: "]") }
