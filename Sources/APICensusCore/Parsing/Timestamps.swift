/// Timestamp decoding on bytes, for the formats access logs use. No Foundation, no allocation:
/// these run once per line.
public enum Timestamps {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    @inlinable
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    @inlinable
    public static func digits(_ p: Bytes, _ at: Int, _ count: Int) -> Int? {
        guard at >= 0, at + count <= p.count else { return nil }
        var value = 0
        for i in at..<(at + count) {
            let d = Int(p[i]) &- 48
            guard d >= 0 && d <= 9 else { return nil }
            value = value * 10 + d
        }
        return value
    }

    /// Month from its English three-letter abbreviation (`Jan` … `Dec`), 1-based.
    @inlinable
    static func month(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int? {
        // Lower-case the three letters into one integer so a switch compares words, not bytes.
        let key = (UInt32(a | 0x20) << 16) | (UInt32(b | 0x20) << 8) | UInt32(c | 0x20)
        switch key {
        case 0x6A_61_6E: return 1   // jan
        case 0x66_65_62: return 2   // feb
        case 0x6D_61_72: return 3   // mar
        case 0x61_70_72: return 4   // apr
        case 0x6D_61_79: return 5   // may
        case 0x6A_75_6E: return 6   // jun
        case 0x6A_75_6C: return 7   // jul
        case 0x61_75_67: return 8   // aug
        case 0x73_65_70: return 9   // sep
        case 0x6F_63_74: return 10  // oct
        case 0x6E_6F_76: return 11  // nov
        case 0x64_65_63: return 12  // dec
        default: return nil
        }
    }

    /// Common Log Format time: `10/Oct/2000:13:55:36 -0700` (no brackets); an optional fraction
    /// after the seconds (`13:55:36.123`) is honoured. Returns milliseconds since the epoch (UTC).
    public static func clfMillis(_ p: Bytes) -> Int64? {
        guard p.count >= 20,
              let day = digits(p, 0, 2), p[2] == UInt8(ascii: "/"),
              let month = month(p[3], p[4], p[5]), p[6] == UInt8(ascii: "/"),
              let year = digits(p, 7, 4), p[11] == UInt8(ascii: ":"),
              let hour = digits(p, 12, 2), p[14] == UInt8(ascii: ":"),
              let minute = digits(p, 15, 2), p[17] == UInt8(ascii: ":"),
              let second = digits(p, 18, 2)
        else { return nil }
        var i = 20
        let millis = fraction(p, &i)
        var offsetSeconds = 0
        if i < p.count {
            guard p[i] == UInt8(ascii: " ") else { return nil }
            i += 1
            guard let offset = zoneOffset(p, &i) else { return nil }
            offsetSeconds = offset
        }
        return compose(year, month, day, hour, minute, second, millis, offsetSeconds)
    }

    /// ISO 8601 / RFC 3339: `2023-10-10T08:32:31Z`, `2023-10-10T08:32:31.123+02:00`, `2023-10-10 08:32:31`.
    public static func iso8601Millis(_ p: Bytes) -> Int64? {
        guard p.count >= 19,
              let year = digits(p, 0, 4), p[4] == UInt8(ascii: "-"),
              let month = digits(p, 5, 2), p[7] == UInt8(ascii: "-"),
              let day = digits(p, 8, 2), p[10] == UInt8(ascii: "T") || p[10] == UInt8(ascii: " ") || p[10] == UInt8(ascii: "t"),
              let hour = digits(p, 11, 2), p[13] == UInt8(ascii: ":"),
              let minute = digits(p, 14, 2), p[16] == UInt8(ascii: ":"),
              let second = digits(p, 17, 2)
        else { return nil }
        var i = 19
        let millis = fraction(p, &i)
        var offsetSeconds = 0
        if i < p.count {
            if p[i] == UInt8(ascii: "Z") || p[i] == UInt8(ascii: "z") {
                i += 1
            } else {
                guard let offset = zoneOffset(p, &i) else { return nil }
                offsetSeconds = offset
            }
        }
        guard i == p.count else { return nil }
        return compose(year, month, day, hour, minute, second, millis, offsetSeconds)
    }

    /// Unix epoch as a decimal number of seconds (`1696926751.123`) or, when it has 13 or more
    /// integer digits, of milliseconds; 16+ digits are microseconds, 19+ nanoseconds.
    public static func epochMillis(_ p: Bytes) -> Int64? {
        var i = 0
        var whole: Int64 = 0
        var wholeDigits = 0
        while i < p.count, p[i] >= 48, p[i] <= 57 {
            guard wholeDigits < 19 else { return nil }
            whole = whole &* 10 &+ Int64(p[i] &- 48)
            wholeDigits += 1
            i += 1
        }
        guard wholeDigits > 0 else { return nil }
        var fractionMillis: Int64 = 0
        if i < p.count, p[i] == UInt8(ascii: ".") {
            i += 1
            var scale: Int64 = 100
            while i < p.count, p[i] >= 48, p[i] <= 57 {
                fractionMillis += Int64(p[i] &- 48) * scale
                scale /= 10
                i += 1
            }
        }
        guard i == p.count else { return nil }
        let millis: Int64
        switch wholeDigits {
        case ...12: millis = whole * 1000 + fractionMillis
        case 13...15: millis = whole
        case 16...18: millis = whole / 1000
        default: millis = whole / 1_000_000
        }
        // Up to the end of year 9999, like the other forms.
        return millis < 253_402_300_800_000 ? millis : nil
    }

    /// Any of the forms above, tried cheapest-first by their shape.
    public static func anyMillis(_ p: Bytes) -> Int64? {
        guard p.count >= 1 else { return nil }
        if p.count >= 20, p[2] == UInt8(ascii: "/") { return clfMillis(p) }
        if p.count >= 19, p[4] == UInt8(ascii: "-") { return iso8601Millis(p) }
        return epochMillis(p)
    }

    @inlinable
    static func fraction(_ p: Bytes, _ i: inout Int) -> Int {
        guard i < p.count, p[i] == UInt8(ascii: ".") || p[i] == UInt8(ascii: ",") else { return 0 }
        i += 1
        var millis = 0
        var scale = 100
        while i < p.count, p[i] >= 48, p[i] <= 57 {
            millis += Int(p[i] &- 48) * scale
            scale /= 10
            i += 1
        }
        return millis
    }

    /// `+0200`, `-07:00`; returns the offset in seconds east of UTC.
    @inlinable
    static func zoneOffset(_ p: Bytes, _ i: inout Int) -> Int? {
        guard i < p.count else { return nil }
        let sign: Int
        switch p[i] {
        case UInt8(ascii: "+"): sign = 1
        case UInt8(ascii: "-"): sign = -1
        default: return nil
        }
        guard let hours = digits(p, i + 1, 2) else { return nil }
        var j = i + 3
        if j < p.count, p[j] == UInt8(ascii: ":") { j += 1 }
        guard let minutes = digits(p, j, 2) else { return nil }
        i = j + 2
        return sign * (hours * 3600 + minutes * 60)
    }

    @inlinable
    static func compose(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int,
                        _ millis: Int, _ offsetSeconds: Int) -> Int64? {
        // Years past 9999 are not log times (and would not fit the report's timestamp form).
        guard (0...9999).contains(year), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
              second <= 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Int64(seconds) * 1000 + Int64(millis)
    }
}

/// Consecutive log lines share their date, hour and zone, so a parser remembers the last
/// `dd/Mon/yyyy:HH … zone` it decoded and only reads minutes and seconds when they match.
/// One per parser (per thread): it is plain mutable state.
public struct CLFTimeCache {
    private var head: UInt64 = 0      // bytes 0..<8   (dd/Mon/y)
    private var middle: UInt64 = 0    // bytes 6..<14  (n/yyyy:HH)
    private var tail: UInt64 = 0      // last 8 bytes  (ss ±zone)
    private var length = -1
    private var hourBaseMillis: Int64 = 0

    public init() {}

    public mutating func millis(_ p: Bytes) -> Int64? {
        let n = p.count
        guard n == 26, let base = p.baseAddress else { return Timestamps.clfMillis(p) }
        let raw = UnsafeRawPointer(base)
        let h = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        let m = raw.loadUnaligned(fromByteOffset: 6, as: UInt64.self)
        // Bytes 20..<26: space and zone (bytes 18 and 19, the seconds, are masked out).
        let t = raw.loadUnaligned(fromByteOffset: 18, as: UInt64.self) & 0xFFFF_FFFF_FFFF_0000
        if length == n, h == head, m == middle, t == tail, p[14] == UInt8(ascii: ":"), p[17] == UInt8(ascii: ":"),
           let minute = Timestamps.digits(p, 15, 2), let second = Timestamps.digits(p, 18, 2), minute < 60, second <= 60 {
            return hourBaseMillis + Int64(minute * 60 + second) * 1000
        }
        guard let full = Timestamps.clfMillis(p),
              let minute = Timestamps.digits(p, 15, 2), let second = Timestamps.digits(p, 18, 2) else { return nil }
        head = h
        middle = m
        tail = t
        length = n
        hourBaseMillis = full - Int64(minute * 60 + second) * 1000
        return full
    }
}
