#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A forward cursor over one log line whose fields are separated by spaces and may be quoted
/// (`"…"`, a backslash escaping the next byte): the shape of ALB/ELB, HAProxy, Envoy and Traefik
/// lines. Fields are returned as index ranges into the line, so nothing is copied or allocated.
struct LogLineCursor {
    let p: UnsafePointer<UInt8>
    /// End of the line, trailing `\r`, `\n`, spaces and tabs excluded.
    let end: Int
    var i: Int

    /// Nil for a line that holds nothing but blanks.
    init?(_ line: Bytes) {
        guard let base = line.baseAddress else { return nil }
        var e = line.count
        // A line taken out of an envelope (Docker's `"log": "…\n"`) can still end in its newline.
        while e > 0, base[e - 1] == cursorCR || base[e - 1] == cursorSpace || base[e - 1] == cursorTab
            || base[e - 1] == UInt8(ascii: "\n") { e -= 1 }
        var s = 0
        while s < e, base[s] == cursorSpace || base[s] == cursorTab { s += 1 }
        guard s < e else { return nil }
        p = base
        end = e
        i = s
    }

    var isAtEnd: Bool { i >= end }

    /// The byte at the cursor after any spaces, or nil at the end.
    mutating func peek() -> UInt8? {
        skipSpaces()
        return i < end ? p[i] : nil
    }

    @inline(__always)
    mutating func skipSpaces() {
        while i < end, p[i] == cursorSpace { i += 1 }
    }

    /// The next unquoted token: the bytes up to the next space or the end. Nil at the end.
    @inline(__always)
    mutating func token() -> Range<Int>? {
        skipSpaces()
        guard i < end else { return nil }
        let s = i
        i = CombinedLogParser.find(cursorSpace, p, i, end)
        return s..<i
    }

    /// The inside of the next field, which must be quoted. A quote that is not followed by a space
    /// or the end is taken as part of the value (a logger that does not escape quotes) when a later
    /// quote is; nil when the next field is not quoted or never closes.
    @inline(__always)
    mutating func quoted() -> Range<Int>? {
        skipSpaces()
        guard i < end, p[i] == cursorQuote else { return nil }
        let s = i + 1
        guard var q = CombinedLogParser.closingQuote(p, s, end) else { return nil }
        while q + 1 < end, p[q + 1] != cursorSpace {
            guard let next = CombinedLogParser.closingQuote(p, q + 1, end) else { return nil }
            q = next
        }
        i = q + 1
        return s..<q
    }

    /// Like `quoted()`, but a field whose closing quote is missing (a line cut by the logger's length
    /// limit) runs to the end of the line.
    mutating func quotedToEnd() -> Range<Int>? {
        skipSpaces()
        guard i < end, p[i] == cursorQuote else { return nil }
        let save = i
        if let r = quoted() { return r }
        i = end
        return (save + 1)..<end
    }

    /// The next field whether quoted or not, with whether it was quoted. Nil at the end.
    mutating func field() -> (range: Range<Int>, quoted: Bool)? {
        guard let c = peek() else { return nil }
        if c == cursorQuote {
            guard let r = quoted() else { return nil }
            return (r, true)
        }
        return token().map { ($0, false) }
    }

    /// Whether the rest of the line contains `s`.
    func contains(_ s: StaticString) -> Bool {
        let n = s.utf8CodeUnitCount
        var j = i
        while j + n <= end {
            guard let hit = memchr(p + j, Int32(s.utf8Start[0]), end - n + 1 - j) else { return false }
            j = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - p
            if memcmp(p + j, s.utf8Start, n) == 0 { return true }
            j += 1
        }
        return false
    }

    @inline(__always)
    func bytes(_ r: Range<Int>) -> Bytes { Bytes(start: p + r.lowerBound, count: r.count) }

    /// The field's bytes, or empty for `-` and for an empty field (how these logs write "none").
    @inline(__always)
    func value(_ r: Range<Int>) -> Bytes { LogLineCursor.isNone(p, r) ? .none : bytes(r) }

    @inline(__always)
    static func isNone(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> Bool {
        r.isEmpty || (r.count == 1 && p[r.lowerBound] == cursorDash)
    }

    @inline(__always)
    func isNone(_ r: Range<Int>) -> Bool { LogLineCursor.isNone(p, r) }

    /// `- - -` (dashes and spaces only): the request a load balancer or proxy logs for a TCP
    /// connection that carried no HTTP request.
    func isDashes(_ r: Range<Int>) -> Bool {
        for j in r where p[j] != cursorDash && p[j] != cursorSpace { return false }
        return true
    }

    @inline(__always)
    func equals(_ r: Range<Int>, _ s: StaticString) -> Bool {
        r.count == s.utf8CodeUnitCount && memcmp(p + r.lowerBound, s.utf8Start, r.count) == 0
    }

    /// A non-negative decimal integer (at most 18 digits), optionally after a `+` (HAProxy marks
    /// values logged before the end of the transfer that way).
    @inline(__always)
    func integer(_ r: Range<Int>) -> Int64? { LogLineCursor.integer(p, r) }

    static func integer(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> Int64? {
        var j = r.lowerBound
        if j < r.upperBound, p[j] == cursorPlus { j += 1 }
        guard j < r.upperBound, r.upperBound - j <= 18 else { return nil }
        var v: Int64 = 0
        while j < r.upperBound {
            let d = p[j] &- 48
            guard d < 10 else { return nil }
            v = v &* 10 &+ Int64(d)
            j += 1
        }
        return v
    }

    /// An HTTP status: three digits. `-` (and HAProxy/ELB's `-1`, Envoy's `0`) mean none: -1.
    /// Nil when the field is neither.
    @inline(__always)
    func status(_ r: Range<Int>) -> Int32? {
        if isNone(r) { return -1 }
        if r.count == 2, p[r.lowerBound] == cursorDash, p[r.lowerBound + 1] == UInt8(ascii: "1") { return -1 }
        if r.count == 1, p[r.lowerBound] == UInt8(ascii: "0") { return -1 }
        guard r.count == 3 else { return nil }
        let a = p[r.lowerBound] &- 48, b = p[r.lowerBound + 1] &- 48, c = p[r.lowerBound + 2] &- 48
        guard a < 10, b < 10, c < 10 else { return nil }
        if a == 0 && b == 0 && c == 0 { return -1 }  // CloudFront and others write 000 for "no response"
        return Int32(a) * 100 + Int32(b) * 10 + Int32(c)
    }

    /// Decimal seconds (`0.000086`, `12`, `-1`) in microseconds; nil for a negative value (how ALB
    /// and ELB say "not measured"), `-`, or anything else.
    @inline(__always)
    func secondsAsMicros(_ r: Range<Int>) -> Int64? { LogLineCursor.secondsAsMicros(p, r) }

    static func secondsAsMicros(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> Int64? {
        var j = r.lowerBound
        var whole: Int64 = 0
        var n = 0
        while j < r.upperBound, p[j] &- 48 < 10, n < 12 {
            whole = whole * 10 + Int64(p[j] &- 48)
            j += 1
            n += 1
        }
        guard n > 0 else { return nil }
        var micros = whole * 1_000_000
        if j < r.upperBound {
            guard p[j] == cursorDot else { return nil }
            j += 1
            var scale: Int64 = 100_000
            var f = 0
            while j < r.upperBound, p[j] &- 48 < 10 {
                micros += Int64(p[j] &- 48) * scale
                scale /= 10
                j += 1
                f += 1
            }
            guard f > 0, j == r.upperBound else { return nil }
        }
        return micros
    }

    /// `addr:port` → `addr`, `[v6]:port` → `v6`, `v6:port` (IPv6 written without brackets, as ALB,
    /// ELB and HAProxy do) → `v6`. A field without a port is returned whole.
    static func addressWithoutPort(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> Range<Int> {
        guard !r.isEmpty else { return r }
        if p[r.lowerBound] == UInt8(ascii: "[") {
            var j = r.lowerBound + 1
            while j < r.upperBound, p[j] != UInt8(ascii: "]") { j += 1 }
            return (r.lowerBound + 1)..<j
        }
        var j = r.upperBound - 1
        while j > r.lowerBound, p[j] &- 48 < 10 { j -= 1 }
        guard j > r.lowerBound, j < r.upperBound - 1, p[j] == cursorColon else { return r }
        return r.lowerBound..<j
    }

    /// The first entry of a comma-separated list (`a, b, c` → `a`), blanks trimmed.
    static func firstOfList(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> Range<Int> {
        var s = r.lowerBound
        while s < r.upperBound, p[s] == cursorSpace { s += 1 }
        var e = s
        while e < r.upperBound, p[e] != UInt8(ascii: ","), p[e] != cursorSpace { e += 1 }
        return s..<e
    }
}

/// A view of a string literal: literals live for the whole run, so the view never dangles.
/// Used for values a parser derives rather than reads (`BLOCK`, `https`).
@inline(__always)
func constantBytes(_ s: StaticString) -> Bytes {
    Bytes(start: s.utf8Start, count: s.utf8CodeUnitCount)
}

/// Space a parser owns for values it rewrites (percent-decoded user agents, a path joined with its
/// query): reset at each line, grown only between lines so that views handed out for the current
/// line never move.
final class LineScratchBuffer: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private var used = 0

    init(capacity: Int = 4096) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Starts a line whose rewritten values together take at most `bytes` bytes.
    func reset(reserving bytes: Int) {
        used = 0
        if bytes > capacity {
            base.deallocate()
            capacity = max(bytes, capacity * 2)
            base = .allocate(capacity: capacity)
        }
    }

    /// Room for `count` bytes at the end of what this line used, or nil when the reservation is spent.
    func claim(_ count: Int) -> UnsafeMutablePointer<UInt8>? {
        guard used + count <= capacity else { return nil }
        defer { used += count }
        return base + used
    }

    /// Gives back the unused tail of the last claim.
    func giveBack(_ count: Int) { used -= count }

    /// `a + separator + b`, or `a` alone when there is no room.
    func joined(_ a: Bytes, _ separator: UInt8, _ b: Bytes) -> Bytes {
        let need = a.count + 1 + b.count
        guard let out = claim(need) else { return a }
        if let pa = a.baseAddress, a.count > 0 { out.update(from: pa, count: a.count) }
        out[a.count] = separator
        if let pb = b.baseAddress, b.count > 0 { (out + a.count + 1).update(from: pb, count: b.count) }
        return Bytes(start: out, count: need)
    }

    /// `%XX` escapes decoded; a second pass when the first produced escapes again (`%2520`, a value
    /// encoded twice, as CloudFront logs some user agents). Returns the input when it has no `%`.
    func percentDecoded(_ v: Bytes) -> Bytes {
        guard let src = v.baseAddress, memchr(src, Int32(UInt8(ascii: "%")), v.count) != nil else { return v }
        guard let out = claim(v.count) else { return v }
        var n = LineScratchBuffer.decode(src, v.count, into: out)
        if memchr(out, Int32(UInt8(ascii: "%")), n) != nil {
            // Decoding in place is safe: the output never outruns the input.
            n = LineScratchBuffer.decode(UnsafePointer(out), n, into: out)
        }
        giveBack(v.count - n)
        return Bytes(start: out, count: n)
    }

    private static func decode(_ src: UnsafePointer<UInt8>, _ count: Int, into out: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0, n = 0
        while i < count {
            let c = src[i]
            if c == UInt8(ascii: "%"), i + 2 < count,
               let hi = hexValue(src[i + 1]), let lo = hexValue(src[i + 2]) {
                out[n] = hi << 4 | lo
                i += 3
            } else {
                out[n] = c
                i += 1
            }
            n += 1
        }
        return n
    }

    @inline(__always)
    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        case 97...102: c - 87
        default: nil
        }
    }
}

@inline(__always) private var cursorSpace: UInt8 { UInt8(ascii: " ") }
@inline(__always) private var cursorTab: UInt8 { UInt8(ascii: "\t") }
@inline(__always) private var cursorCR: UInt8 { UInt8(ascii: "\r") }
@inline(__always) private var cursorQuote: UInt8 { UInt8(ascii: "\"") }
@inline(__always) private var cursorDash: UInt8 { UInt8(ascii: "-") }
@inline(__always) private var cursorPlus: UInt8 { UInt8(ascii: "+") }
@inline(__always) private var cursorDot: UInt8 { UInt8(ascii: ".") }
@inline(__always) private var cursorColon: UInt8 { UInt8(ascii: ":") }
