/// IP addresses and CIDR ranges, read from log bytes without building strings: the caller class
/// of every call is decided from them.
public enum IPAddress: Sendable, Hashable {
    case v4(UInt32)
    /// High and low 64 bits.
    case v6(UInt64, UInt64)

    /// Reads `1.2.3.4`, `1.2.3.4:5678`, `::1`, `2001:db8::1`, `[2001:db8::1]:443`, `::ffff:1.2.3.4`
    /// (IPv4-mapped addresses become IPv4). Anything else (a host name, `-`) is nil.

    public static func parse(_ bytes: Bytes) -> IPAddress? {
        var n = bytes.count
        guard n > 0, let base = bytes.baseAddress else { return nil }
        var start = 0
        if base[0] == UInt8(ascii: "[") {
            var close = 1
            while close < n, base[close] != UInt8(ascii: "]") { close += 1 }
            guard close < n else { return nil }
            start = 1
            n = close
        }
        // IPv4 fast path: digits and dots, optionally a `:port`.
        if let v4 = parseV4(base + start, count: n - start, allowPort: start == 0) { return .v4(v4) }
        return parseV6(base + start, count: n - start)
    }


    /// Digits and dots, optionally followed by `:port`. Written for the hot path: one pass, no
    /// checks beyond the ones that decide.
    @inline(__always)
    static func parseV4(_ p: UnsafePointer<UInt8>, count: Int, allowPort: Bool) -> UInt32? {
        var value: UInt32 = 0
        var part: UInt32 = 0
        var digits = 0
        var dots = 0
        var i = 0
        while i < count {
            let c = p[i]
            let d = c &- 48
            if d < 10 {
                part = part &* 10 &+ UInt32(d)
                digits &+= 1
                if digits > 3 { return nil }
            } else if c == 46 {
                if digits == 0 || part > 255 || dots == 3 { return nil }
                value = value << 8 | part
                part = 0
                digits = 0
                dots &+= 1
            } else if c == 58 && allowPort && dots == 3 {
                break
            } else {
                return nil
            }
            i &+= 1
        }
        guard dots == 3, digits > 0, part <= 255 else { return nil }
        return value << 8 | part
    }

    static func parseV6(_ p: UnsafePointer<UInt8>, count: Int) -> IPAddress? {
        guard count >= 2, count <= 45 else { return nil }
        return withUnsafeTemporaryAllocation(of: UInt16.self, capacity: 16) { buffer -> IPAddress? in
            let groups = buffer.baseAddress!
            let expanded = groups + 8
            groups.initialize(repeating: 0, count: 16)
            return parseV6(p, count: count, groups: groups, expanded: expanded)
        }
    }

    static func parseV6(_ p: UnsafePointer<UInt8>, count: Int, groups: UnsafeMutablePointer<UInt16>,
                        expanded: UnsafeMutablePointer<UInt16>) -> IPAddress? {
        var filled = 0
        var gap = -1
        var i = 0
        if p[0] == UInt8(ascii: ":") {
            guard p[1] == UInt8(ascii: ":") else { return nil }
            gap = 0
            i = 2
        }
        while i < count {
            // An embedded IPv4 tail (`::ffff:1.2.3.4`).
            var j = i
            var hasDot = false
            while j < count, p[j] != UInt8(ascii: ":"), p[j] != UInt8(ascii: "%") {
                if p[j] == UInt8(ascii: ".") { hasDot = true }
                j += 1
            }
            if j > i, hasDot {
                guard filled <= 6, let v4 = parseV4(p + i, count: j - i, allowPort: false) else { return nil }
                groups[filled] = UInt16(v4 >> 16)
                groups[filled + 1] = UInt16(v4 & 0xFFFF)
                filled += 2
                i = j
                break
            }
            var group: UInt32 = 0
            var digits = 0
            while i < count, let h = hexValue(p[i]) {
                group = group << 4 | UInt32(h)
                digits += 1
                i += 1
            }
            guard digits > 0, digits <= 4, filled < 8 else { return nil }
            groups[filled] = UInt16(group)
            filled += 1
            if i == count { break }
            if p[i] == UInt8(ascii: "%") { break }    // zone id
            guard p[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            if i < count, p[i] == UInt8(ascii: ":") {
                guard gap < 0 else { return nil }
                gap = filled
                i += 1
                if i == count { break }
            } else if i == count {
                return nil
            }
        }
        if i < count, p[i] != UInt8(ascii: "%") { return nil }
        var final = groups
        if gap >= 0 {
            let tail = filled - gap
            guard filled < 8 || tail == 0 else { return nil }
            for k in 0..<gap { expanded[k] = groups[k] }
            for k in 0..<tail { expanded[8 - tail + k] = groups[gap + k] }
            final = expanded
        } else if filled != 8 {
            return nil
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for k in 0..<4 { high = high << 16 | UInt64(final[k]) }
        for k in 4..<8 { low = low << 16 | UInt64(final[k]) }
        if high == 0, low >> 32 == 0xFFFF { return .v4(UInt32(truncatingIfNeeded: low)) }
        return .v6(high, low)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - 55
        default: return nil
        }
    }

    public static func parse(_ text: String) -> IPAddress? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { parse(Bytes($0)) }
    }
}

/// An address range (`10.0.0.0/8`, `2001:db8::/32`, or one address).
public struct CIDRRange: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Reads `a.b.c.d/n`, `v6/n` or a single address.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress.parse(String(parts[0])) else { return nil }
        let maxLength: Int
        switch address {
        case .v4: maxLength = 32
        case .v6: maxLength = 128
        }
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 0, n <= maxLength else { return nil }
            prefixLength = n
        } else {
            prefixLength = maxLength
        }
        self.address = CIDRRange.masked(address, prefixLength)
    }

    public var description: String {
        switch address {
        case .v4(let v): return "\(v >> 24).\(v >> 16 & 255).\(v >> 8 & 255).\(v & 255)/\(prefixLength)"
        case .v6(let h, let l):
            let groups = (0..<4).map { String(h >> (48 - 16 * UInt64($0)) & 0xFFFF, radix: 16) }
                + (0..<4).map { String(l >> (48 - 16 * UInt64($0)) & 0xFFFF, radix: 16) }
            return groups.joined(separator: ":") + "/\(prefixLength)"
        }
    }

    static func masked(_ a: IPAddress, _ n: Int) -> IPAddress {
        switch a {
        case .v4(let v): return .v4(n == 0 ? 0 : v & ~UInt32(0) << UInt32(32 - n))
        case .v6(let h, let l):
            let hm: UInt64 = n >= 64 ? ~0 : (n == 0 ? 0 : ~UInt64(0) << UInt64(64 - n))
            let lm: UInt64 = n <= 64 ? 0 : (n >= 128 ? ~0 : ~UInt64(0) << UInt64(128 - n))
            return .v6(h & hm, l & lm)
        }
    }


    public func contains(_ a: IPAddress) -> Bool {
        CIDRRange.masked(a, prefixLength) == address && a.isSameFamily(address)
    }
}

extension IPAddress {
    func isSameFamily(_ other: IPAddress) -> Bool {
        switch (self, other) {
        case (.v4, .v4), (.v6, .v6): return true
        default: return false
        }
    }
}

/// A set of ranges checked in the hot path: IPv4 ranges as (base, mask) pairs scanned linearly
/// (configurations hold a handful), IPv6 ranges likewise.
public struct CIDRSet: Sendable, Equatable {
    public private(set) var ranges: [CIDRRange]
    private var v4: [(base: UInt32, mask: UInt32)]
    private var v6: [(high: UInt64, low: UInt64, highMask: UInt64, lowMask: UInt64)]

    public init(_ ranges: [CIDRRange] = []) {
        self.ranges = ranges
        v4 = []
        v6 = []
        for r in ranges {
            switch r.address {
            case .v4(let b): v4.append((b, r.prefixLength == 0 ? 0 : ~UInt32(0) << UInt32(32 - r.prefixLength)))
            case .v6(let h, let l):
                let n = r.prefixLength
                let hm: UInt64 = n >= 64 ? ~0 : (n == 0 ? 0 : ~UInt64(0) << UInt64(64 - n))
                let lm: UInt64 = n <= 64 ? 0 : (n >= 128 ? ~0 : ~UInt64(0) << UInt64(128 - n))
                v6.append((h, l, hm, lm))
            }
        }
    }

    public static func == (a: CIDRSet, b: CIDRSet) -> Bool { a.ranges == b.ranges }

    public var isEmpty: Bool { ranges.isEmpty }

    @inline(__always)
    public func contains(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let a):
            for r in v4 where a & r.mask == r.base { return true }
            return false
        case .v6(let h, let l):
            for r in v6 where h & r.highMask == r.high && l & r.lowMask == r.low { return true }
            return false
        }
    }

    /// Private, loopback, link-local, shared (CGNAT) and unique-local ranges: internal unless the
    /// configuration says otherwise.
    public static let privateRanges = CIDRSet(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
                                               "169.254.0.0/16", "100.64.0.0/10", "fc00::/7", "fe80::/10", "::1/128"]
        .map { CIDRRange($0)! })
}
