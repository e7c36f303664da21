// PathNormalizer: the per-line step of templating. It turns one origin-form path (no query string)
// into a *typed path*: segments whose shape alone proves they are values are replaced by a type
// placeholder; everything else is written back literally (canonicalised) for TemplateInference.
//
// Rules (all decided per segment, from byte-class counters accumulated in one scan):
//   {int}    all digits, any length (ids, snowflakes).
//   {uuid}   8-4-4-4-12 hex with dashes.
//   {hex}    hex only, ≥ 8 chars with at least one digit AND one a-f letter, or ≥ 16 chars (one letter
//            case); also 1–3 uppercase prefix letters + ≥ 24 hex (Twilio SIDs `CA` + 32 hex). So `feed`,
//            `added`, `facade`, `deadbeef` (no digit, < 16) stay literal.
//   {token}  ≥ 20 chars of [A-Za-z0-9_-+=~] with at least one digit and one letter (base62/base64url;
//            camel-case resource names such as `IncomingPhoneNumbers` have no digit).
//   {date}   YYYY-MM-DD, except in the first two segments, where a date is an API version
//            (`/2010-04-01/Accounts`) and stays literal.
//   {email}  x@y.z (also `%40`).
//   Versions (`v1`, `v2beta1`, `v1alpha1`, `v2.1`) never match any type: they stay literal.
// Suffixes: a `:action` suffix (first `:`) and a `.ext` suffix (last `.`, 1–5 alphanumerics starting
// with a letter) are split off, the stem is classified and the suffix kept: `AC…32hex.json` →
// `{hex}.json`, `9f1c…uuid:analyze` → `{uuid}:analyze`. A literal stem keeps the whole segment.
// Segments longer than 4000 bytes are never typed (the packed 12-bit counters could overflow).
// Canonical form: percent-escapes of unreserved characters are decoded (`%41` → `A`); other escapes,
// bytes ≥ 0x80, controls, space, `{` and `}` are written as upper-case `%XX` (so the output is ASCII
// and a literal can never look like a placeholder). Empty segments (`//`) are dropped, a trailing
// `/` is kept (Kubernetes `/api/v1/` is its own endpoint), the empty path becomes `/`. A `?` or `#`
// ends the path defensively.
public struct PathNormalizer {
    /// Scratch output, grown to the largest bound seen and never shrunk, so no allocation per line.
    @usableFromInline final class Scratch {
        @usableFromInline let ptr: UnsafeMutablePointer<UInt8>
        @usableFromInline let capacity: Int
        @usableFromInline init(capacity: Int) {
            self.capacity = capacity
            ptr = .allocate(capacity: capacity)
        }
        deinit { ptr.deallocate() }
    }
    @usableFromInline var scratch = Scratch(capacity: 1024)
    @usableFromInline let tA: UnsafeMutablePointer<UInt64>
    @usableFromInline let tB: UnsafeMutablePointer<UInt64>
    @usableFromInline let tAB: UnsafeMutablePointer<UInt64>

    public init() {
        tA = PathNormalizer.tableA
        tB = PathNormalizer.tableB
        tAB = PathNormalizer.tableAB
    }

    // Byte classes, as 12-bit lanes in two UInt64 counters (segments longer than 4000 bytes are never
    // typed, so a lane cannot overflow into its neighbour where it matters).
    // word A: lane0 digit, lane1 a-f, lane2 A-F, lane3 g-z, lane4 G-Z
    // word B: lane0 '-', lane1 '_', lane2 other (incl. b64 symbols), lane3 b64 symbols '+', '=', '~';
    //         bits 60-63: kind: 0 regular, 1 '/', 2 '%', 3 '.', 4 ':', 5 '@', 6 end ('?', '#'), 7 escape
    @usableFromInline nonisolated(unsafe) static let tableA: UnsafeMutablePointer<UInt64> = {
        let t = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
        for i in 0..<256 {
            switch UInt8(i) {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): t[i] = 1
            case UInt8(ascii: "a")...UInt8(ascii: "f"): t[i] = 1 << 12
            case UInt8(ascii: "A")...UInt8(ascii: "F"): t[i] = 1 << 24
            case UInt8(ascii: "g")...UInt8(ascii: "z"): t[i] = 1 << 36
            case UInt8(ascii: "G")...UInt8(ascii: "Z"): t[i] = 1 << 48
            default: t[i] = 0
            }
        }
        return t
    }()
    /// tableA and tableB interleaved (16-byte aligned pairs) for the inner loop: one 16-byte load.
    @usableFromInline nonisolated(unsafe) static let tableAB: UnsafeMutablePointer<UInt64> = {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 512 * 8, alignment: 64)
        let t = raw.bindMemory(to: UInt64.self, capacity: 512)
        for i in 0..<256 { t[2 * i] = tableA[i]; t[2 * i + 1] = tableB[i] }
        return t
    }()
    @usableFromInline nonisolated(unsafe) static let tableB: UnsafeMutablePointer<UInt64> = {
        let t = UnsafeMutablePointer<UInt64>.allocate(capacity: 256)
        for i in 0..<256 {
            let c = UInt8(i)
            var v: UInt64
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "A")...UInt8(ascii: "Z"): v = 0
            case UInt8(ascii: "-"): v = 1
            case UInt8(ascii: "_"): v = 1 << 12
            case UInt8(ascii: "+"), UInt8(ascii: "="), UInt8(ascii: "~"): v = 1 << 24 | 1 << 36
            default: v = 1 << 24
            }
            let kind: UInt64
            switch c {
            case UInt8(ascii: "/"): kind = 1
            case UInt8(ascii: "%"): kind = 2
            case UInt8(ascii: "."): kind = 3
            case UInt8(ascii: ":"): kind = 4
            case UInt8(ascii: "@"): kind = 5
            case UInt8(ascii: "?"), UInt8(ascii: "#"): kind = 6
            case 0..<0x21, 0x7F..., UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""),
                 UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"), UInt8(ascii: "^"),
                 UInt8(ascii: "`"), UInt8(ascii: "|"):
                kind = 7
            default: kind = 0
            }
            if kind != 0 { v = 0 }
            t[i] = v | kind << 60
        }
        return t
    }()

    /// Counters of one segment (or of the stem before a suffix).
    @usableFromInline struct Counts {
        @usableFromInline var a: UInt64 = 0
        @usableFromInline var b: UInt64 = 0
        @usableFromInline var dots: Int = 0
        @usableFromInline var ats: Int = 0
        @usableFromInline var len: Int = 0
        @inlinable init() {}
        @inlinable init(a: UInt64, b: UInt64, dots: Int, ats: Int, len: Int) {
            self.a = a; self.b = b; self.dots = dots; self.ats = ats; self.len = len
        }
        @inlinable var digit: Int { Int(a & 0xFFF) }
        @inlinable var hexLower: Int { Int((a >> 12) & 0xFFF) }
        @inlinable var hexUpper: Int { Int((a >> 24) & 0xFFF) }
        @inlinable var lower: Int { Int((a >> 36) & 0xFFF) }       // g-z
        @inlinable var upper: Int { Int((a >> 48) & 0xFFF) }       // G-Z
        @inlinable var dash: Int { Int(b & 0xFFF) }
        @inlinable var underscore: Int { Int((b >> 12) & 0xFFF) }
        @inlinable var other: Int { Int((b >> 24) & 0xFFF) }
        @inlinable var b64: Int { Int((b >> 36) & 0xFFF) }
    }

    /// Writes the typed path into `out` (cleared first, capacity reused) and returns its 64-bit hash.
    @discardableResult
    public mutating func normalize(_ path: Bytes, into out: inout [UInt8]) -> UInt64 {
        let (typed, hash) = normalizedView(path)
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: typed)
        return hash
    }

    /// The typed path as a view into the normalizer's scratch (valid until the next call) and its
    /// hash: the hot path reads it in place instead of copying it into an array.
    @inline(__always)
    public mutating func normalizedView(_ path: Bytes) -> (typed: Bytes, hash: UInt64) {
        let bound = path.count * 5 + 16
        // A copied normalizer shares the scratch: take a private one before writing (rare).
        if !isKnownUniquelyReferenced(&scratch) || scratch.capacity < bound {
            scratch = Scratch(capacity: max(bound, scratch.capacity))
        }
        let dst = scratch.ptr
        let len = Self.run(path, dst, tA, tB, tAB)
        return (Bytes(start: dst, count: len), Self.hash(UnsafeRawBufferPointer(start: dst, count: len)))
    }

    /// Convenience for tests and tools (allocates).
    public mutating func normalize(_ path: String) -> String {
        var out: [UInt8] = []
        let bytes = Array(path.utf8)
        _ = bytes.withUnsafeBufferPointer { normalize($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    @inlinable @inline(__always)
    static func hexValue(_ c: UInt8) -> Int {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(c &- 48)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(c &- 87)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(c &- 55)
        default: return -1
        }
    }

    @inlinable @inline(__always)
    static func isUnreserved(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
            || c == 0x2D || c == 0x2E || c == 0x5F || c == 0x7E
    }

    /// One pass over the path; returns the number of bytes written to `dst`.
    @usableFromInline
    static func run(_ path: Bytes, _ dst: UnsafeMutablePointer<UInt8>,
                    _ tA: UnsafeMutablePointer<UInt64>, _ tB: UnsafeMutablePointer<UInt64>,
                    _ tAB: UnsafeMutablePointer<UInt64>) -> Int {
        var o = 1
        dst[0] = UInt8(ascii: "/")
        let n = path.count
        guard n > 0, let src = path.baseAddress else { return 1 }
        var segIndex = 0          // index of the current non-empty segment
        var segStart = 1          // output offset where the current segment starts
        var ca: UInt64 = 0, cb: UInt64 = 0
        var esc = 0, dots = 0, ats = 0   // escapes written as %XX (3 bytes, 1 character), '.', '@'
        var dotSnap = Counts(), dotOut = -1   // counters before the last '.', its output offset
        var colonSnap = Counts(), colonOut = -1
        var dotAfterAt = false
        var i = 0
        @inline(__always) func snapshot() -> Counts {
            Counts(a: ca, b: cb & 0x0FFF_FFFF_FFFF_FFFF, dots: dots, ats: ats, len: o - segStart - 2 * esc)
        }
        @inline(__always) func emitEscaped(_ byte: UInt8) {
            let hi = byte >> 4, lo = byte & 15
            dst[o] = UInt8(ascii: "%"); dst[o + 1] = hi < 10 ? 48 + hi : 55 + hi; dst[o + 2] = lo < 10 ? 48 + lo : 55 + lo
            o += 3; esc += 1
        }
        @inline(__always) func endSegment(last: Bool) {
            if o == segStart { return }
            // Plain words (no digit, < 16 bytes, no '@') can be no type, whatever their suffix.
            if ca & 0xFFF != 0 || o - segStart >= 16 || ats != 0 {
                finishSegment(dst, &o, segStart, segIndex, snapshot(), dotSnap, dotOut, colonSnap, colonOut,
                              ats > 0 && dotAfterAt)
            }
            if !last { dst[o] = UInt8(ascii: "/"); o += 1 }
            segIndex += 1
            segStart = o
            ca = 0; cb = 0; esc = 0; dots = 0; ats = 0; dotOut = -1; colonOut = -1; dotAfterAt = false
        }
        while i < n {
            // Tight loop over regular bytes: two table loads, two adds, one store per byte.
            do {
                var acc = SIMD2<UInt64>(ca, cb), oo = o, ii = i
                while ii < n {
                    let x = src[ii]
                    let pair = UnsafeRawPointer(tAB + 2 &* Int(x)).load(as: SIMD2<UInt64>.self)
                    if pair[1] >> 60 != 0 { break }
                    acc &+= pair
                    dst[oo] = x
                    oo &+= 1; ii &+= 1
                }
                ca = acc[0]; cb = acc[1]; o = oo; i = ii
            }
            if i >= n { break }
            var byte = src[i]
            var e = tB[Int(byte)]
            var kind = e >> 60
            i += 1
            if kind == 2 {  // percent-escape
                let h = i + 1 < n ? hexValue(src[i]) : -1
                let l = i + 1 < n ? hexValue(src[i + 1]) : -1
                if h >= 0 && l >= 0 {
                    let d = UInt8(h << 4 | l)
                    i += 2
                    if isUnreserved(d) {
                        byte = d; e = tB[Int(d)]; kind = e >> 60
                        if kind == 0 { ca &+= tA[Int(byte)]; cb &+= e; dst[o] = byte; o += 1; continue }
                    } else {
                        emitEscaped(d)
                        if d == UInt8(ascii: "@") { ats += 1 } else { cb &+= 1 << 24 }
                        continue
                    }
                } else { dst[o] = byte; o += 1; cb &+= 1 << 24; continue }
            }
            switch kind {
            case 1:
                endSegment(last: false)
            case 3:
                dotSnap = snapshot(); dotOut = o
                dots += 1
                if ats > 0 { dotAfterAt = true }
                dst[o] = byte; o += 1
            case 4:
                if colonOut < 0 { colonSnap = snapshot(); colonOut = o }
                cb &+= 1 << 24
                dst[o] = byte; o += 1
            case 5:
                ats += 1
                dst[o] = byte; o += 1
            case 6:
                i = n
            default:
                emitEscaped(byte); cb &+= 1 << 24
            }
        }
        endSegment(last: true)
        return o
    }

    /// Classifies the segment written at dst[segStart..<o] and rewrites it in place when typed.
    @usableFromInline
    static func finishSegment(_ dst: UnsafeMutablePointer<UInt8>, _ o: inout Int, _ segStart: Int, _ segIndex: Int,
                              _ c: Counts, _ dotSnap: Counts, _ dotOut: Int, _ colonSnap: Counts, _ colonOut: Int,
                              _ email: Bool) {
        if email && c.ats == 1 && c.len >= 5 && dst[segStart] != UInt8(ascii: "@") {
            writePlaceholder(dst, &o, segStart, stemEnd: o, "{email}")
            return
        }
        // Whole segment first; then a stem before a ':' or a '.ext' suffix.
        if let p = classify(dst, segStart, o, c, segIndex) {
            writePlaceholder(dst, &o, segStart, stemEnd: o, p); return
        }
        if colonOut > segStart {
            if let p = classify(dst, segStart, colonOut, colonSnap, segIndex) {
                writePlaceholder(dst, &o, segStart, stemEnd: colonOut, p)
            }
            return
        }
        if dotOut > segStart {
            let extLen = o - dotOut - 1
            if extLen >= 1 && extLen <= 5 {
                let f = dst[dotOut + 1]
                var ok = (f >= 0x41 && f <= 0x5A) || (f >= 0x61 && f <= 0x7A)
                var k = dotOut + 2
                while ok && k < o {
                    let x = dst[k]
                    ok = (x >= 0x30 && x <= 0x39) || (x >= 0x41 && x <= 0x5A) || (x >= 0x61 && x <= 0x7A)
                    k += 1
                }
                if ok, let p = classify(dst, segStart, dotOut, dotSnap, segIndex) {
                    writePlaceholder(dst, &o, segStart, stemEnd: dotOut, p)
                }
            }
        }
    }

    @inline(__always) @usableFromInline
    static func writePlaceholder(_ dst: UnsafeMutablePointer<UInt8>, _ o: inout Int, _ segStart: Int, stemEnd: Int,
                                 _ p: StaticString) {
        let suffixLen = o - stemEnd
        let pl = p.utf8CodeUnitCount
        // Move the suffix (if any) to its new place, then write the placeholder.
        if suffixLen > 0 { (dst + segStart + pl).update(from: dst + stemEnd, count: suffixLen) }
        (dst + segStart).update(from: p.utf8Start, count: pl)
        o = segStart + pl + suffixLen
    }

    /// The type of a stem dst[s..<e] with counters `c`, or nil when it stays literal.
    @usableFromInline
    static func classify(_ dst: UnsafeMutablePointer<UInt8>, _ s: Int, _ e: Int, _ c: Counts, _ segIndex: Int) -> StaticString? {
        let n = c.len
        if n == 0 || n > 4000 { return nil }
        // Fast exit for the common case, plain words: every type below needs a digit or ≥ 16 chars.
        if c.digit == 0 && n < 16 { return nil }
        if n != e - s { return classifyEscaped(c, segIndex) }
        let digit = c.digit, hl = c.hexLower, hu = c.hexUpper, lo = c.lower, up = c.upper
        let dash = c.dash, us = c.underscore, other = c.other
        if digit == n { return "{int}" }
        if c.dots > 0 || c.ats > 0 { return nil }
        // Versions first: they never become a type.
        let f = dst[s]
        if (f == UInt8(ascii: "v") || f == UInt8(ascii: "V")) && n <= 16 && isVersion(dst, s, e) { return nil }
        if n == 10 && digit == 8 && dash == 2 && dst[s + 4] == UInt8(ascii: "-") && dst[s + 7] == UInt8(ascii: "-") {
            return segIndex < 2 ? nil : "{date}"
        }
        if n == 36 && dash == 4 && digit + hl + hu == 32 && dst[s + 8] == 45 && dst[s + 13] == 45
            && dst[s + 18] == 45 && dst[s + 23] == 45 { return "{uuid}" }
        let letters = hl + hu + lo + up
        if dash == 0 && us == 0 && other == 0 {
            if lo == 0 && up == 0 && (hl == 0 || hu == 0) {
                // pure hex of one letter case
                if n >= 16 || (n >= 8 && digit > 0 && hl + hu > 0) { return "{hex}" }
            }
            // 1–3 uppercase letters + ≥ 24 hex: Twilio-style SIDs.
            if n >= 26 && lo == 0 {
                var k = s
                while k < e && k - s < 3 && dst[k] >= 0x41 && dst[k] <= 0x5A { k += 1 }
                let pre = k - s
                if pre >= 1 && n - pre >= 24 {
                    var allHex = true
                    var lowerSeen = false, upperSeen = false
                    while k < e {
                        let x = dst[k]
                        if x >= 0x61 && x <= 0x66 { lowerSeen = true } else if x >= 0x41 && x <= 0x46 { upperSeen = true }
                        else if !(x >= 0x30 && x <= 0x39) { allHex = false; break }
                        k += 1
                    }
                    if allHex && !(lowerSeen && upperSeen) { return "{hex}" }
                }
            }
        }
        // Tokens need a digit: long camel-case words (`IncomingPhoneNumbers`,
        // `UserDefinedMessageSubscriptions`) are resource names, not base62.
        // and at most two `-`/`_` (snake-case names such as `tax_reporting_us_1099_k` are words).
        if n >= 20 && other == c.b64 && digit > 0 && letters > 0 && dash + us <= 2 { return "{token}" }
        return nil
    }

    /// Segments whose counters include decoded escapes (length differs from bytes written): only
    /// the all-digit case is typed; everything else stays literal.
    @usableFromInline
    static func classifyEscaped(_ c: Counts, _ segIndex: Int) -> StaticString? {
        c.digit == c.len ? "{int}" : nil
    }

    /// `v1`, `v2beta1`, `v1alpha1`, `v2.1`, `V3`, `v10rc2`: v, digits, optional alpha/beta/rc + digits,
    /// optional .digits groups.
    @usableFromInline
    static func isVersion(_ d: UnsafeMutablePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        isVersionBytes(UnsafeBufferPointer(start: d + s, count: e - s))
    }

    public static func isVersionBytes(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = u.count
        if n < 2 || (u[0] != UInt8(ascii: "v") && u[0] != UInt8(ascii: "V")) { return false }
        // Plain index arithmetic rather than nested functions capturing `k`: a captured `var` is
        // boxed and every access to it costs a dynamic exclusivity check, once per path segment.
        var k = skipDigits(u, from: 1)
        if k == 1 { return false }
        if let end = matchWord(u, at: k, "alpha") ?? matchWord(u, at: k, "beta") ?? matchWord(u, at: k, "rc") {
            k = skipDigits(u, from: end)
        }
        while k < n && u[k] == UInt8(ascii: ".") {
            let next = skipDigits(u, from: k + 1)
            if next == k + 1 { return false }
            k = next
        }
        return k == n
    }

    /// The index after `word` when `u` has it at `k`.
    @inline(__always)
    static func matchWord(_ u: UnsafeBufferPointer<UInt8>, at k: Int, _ word: StaticString) -> Int? {
        let c = word.utf8CodeUnitCount
        guard k + c <= u.count else { return nil }
        for j in 0..<c where u[k + j] != word.utf8Start[j] { return nil }
        return k + c
    }

    @inline(__always)
    static func skipDigits(_ u: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var k = start
        while k < u.count && u[k] >= 48 && u[k] <= 57 { k += 1 }
        return k
    }

    /// wyhash-style 64-bit hash over 8-byte words.
    @inlinable
    public static func hash(_ p: UnsafeRawBufferPointer) -> UInt64 {
        let k0: UInt64 = 0xa076_1d64_78bd_642f, k1: UInt64 = 0xe703_7ed1_a0b4_28db
        @inline(__always) func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let r = a.multipliedFullWidth(by: b)
            return r.high ^ r.low
        }
        var h: UInt64 = k0 ^ UInt64(p.count)
        var i = 0
        let n = p.count
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = mum(h ^ w, k1)
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var sh: UInt64 = 0
            while i < n { w |= UInt64(p[i]) << sh; sh += 8; i += 1 }
            h = mum(h ^ w ^ k0, k1)
        }
        return mum(h, k0 ^ 0x8ebc_6af0_9c88_c6e3)
    }
}
