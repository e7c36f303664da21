/// A syslog header in front of the log line, as written by NGINX's `access_log syslog:…`, by Apache
/// piping to `logger`, and by rsyslog / syslog-ng into files:
///
/// - RFC 3164 (BSD): `<PRI>Mmm dd hh:mm:ss host tag[pid]: msg`; `<PRI>` is absent in files rsyslog
///   writes with its traditional file format, the host is absent in some relayed messages, and rsyslog's
///   high-precision file format puts an RFC 3339 time first (`2026-01-01T00:00:00.123456+00:00 host tag: msg`);
/// - RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG` (any header field may be `-`, SD is `-`
///   or one or more `[id k="v" …]` elements, MSG may start with a UTF-8 BOM).
///
/// The tag must end in `:` (after an optional `[pid]`), which is what tells a syslog line from an
/// access line that merely starts with a date. The HAProxy format reads its own syslog prefix; this
/// envelope is for any other format inside syslog.
struct SyslogEnvelope {
    /// The header's time when it has a year (RFC 5424, RFC 3339 file format); BSD times have none.
    private(set) var time: Bytes = .none

    mutating func unwrap(_ line: Bytes) -> Unwrapped {
        time = .none
        guard let p = line.baseAddress, line.count > 4 else { return .notEnveloped }
        let end = line.count
        var i = 0
        if p[0] == lt {
            var j = 1
            while j < end, j <= 4, isDigit(p[j]) { j += 1 }
            guard j > 1, j < end, p[j] == gt else { return .notEnveloped }
            i = j + 1
            // RFC 5424: a version number right after the priority.
            if i + 1 < end, isDigit(p[i]), p[i] != zero {
                var v = i
                while v < end, v - i < 2, isDigit(p[v]) { v += 1 }
                if v < end, p[v] == sp { return rfc5424(p, v + 1, end) }
            }
        }
        // RFC 3164 time, or an RFC 3339 time (rsyslog's precise file format).
        if i + 15 < end, isMonthStart(p, i) {
            // `Mmm dd hh:mm:ss`, the day padded with a space or a zero.
            guard p[i + 3] == sp, p[i + 4] == sp || isDigit(p[i + 4]), isDigit(p[i + 5]), p[i + 6] == sp,
                  isDigit(p[i + 7]), isDigit(p[i + 8]), p[i + 9] == colon, isDigit(p[i + 10]), isDigit(p[i + 11]),
                  p[i + 12] == colon, isDigit(p[i + 13]), isDigit(p[i + 14]), p[i + 15] == sp
            else { return .notEnveloped }
            i += 16
        } else if i + 19 < end, isDigit(p[i]), isDigit(p[i + 3]), p[i + 4] == dash, p[i + 7] == dash,
                  p[i + 10] == UInt8(ascii: "T") {
            var j = i
            while j < end, p[j] != sp { j += 1 }
            guard j < end else { return .notEnveloped }
            time = Bytes(start: p + i, count: j - i)
            i = j + 1
        } else {
            return .notEnveloped
        }
        // [host] tag[pid]: — the first token is the tag when it already ends in `:`.
        let first = i
        var j = token(p, first, end)
        guard j < end else { return .notEnveloped }
        if !isTag(p, first, j) {
            i = j + 1
            j = token(p, i, end)
            guard isTag(p, i, j) else { return .notEnveloped }
        }
        // One space separates the tag from the message (a message may itself start with spaces).
        var m = j
        if m < end, p[m] == sp { m += 1 }
        return .line(Bytes(start: p + m, count: end - m))
    }

    /// `1 TIMESTAMP HOST APP PROCID MSGID SD [MSG]`, from after the version.
    private mutating func rfc5424(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Unwrapped {
        var i = start
        // TIMESTAMP, HOSTNAME, APP-NAME, PROCID, MSGID: five space-separated tokens.
        for field in 0..<5 {
            let j = token(p, i, end)
            guard j > i, j < end else { return .notEnveloped }
            if field == 0 {
                let isNil = j - i == 1 && p[i] == dash
                guard isNil || (j - i >= 19 && isDigit(p[i]) && p[i + 4] == dash) else { return .notEnveloped }
                if !isNil { time = Bytes(start: p + i, count: j - i) }
            }
            i = j + 1
        }
        // STRUCTURED-DATA: `-` or `[…]` elements, whose quoted values may contain escaped `]` and `"`.
        if i < end, p[i] == dash {
            i += 1
        } else {
            guard i < end, p[i] == lbracket else { return .notEnveloped }
            while i < end, p[i] == lbracket {
                var inQuotes = false
                i += 1
                while i < end {
                    let c = p[i]
                    if c == backslash, inQuotes { i += 2; continue }
                    if c == quote { inQuotes.toggle() } else if c == rbracket, !inQuotes { break }
                    i += 1
                }
                guard i < end else { return .notEnveloped }
                i += 1
            }
        }
        guard i == end || p[i] == sp else { return .notEnveloped }
        if i < end { i += 1 }
        // A BOM announces a UTF-8 message.
        if end - i >= 3, p[i] == 0xEF, p[i + 1] == 0xBB, p[i + 2] == 0xBF { i += 3 }
        return .line(Bytes(start: p + i, count: end - i))
    }

    @inline(__always) private func token(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var j = from
        while j < end, p[j] != sp { j += 1 }
        return j
    }

    /// `name:` or `name[pid]:`, the name made of printable bytes other than `[` and `:`.
    private func isTag(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard e - s >= 2, p[e - 1] == colon else { return false }
        var i = s
        while i < e - 1, p[i] != lbracket, p[i] != colon {
            guard p[i] > 0x20, p[i] < 0x7F, p[i] != quote else { return false }
            i += 1
        }
        guard i > s else { return false }
        if i == e - 1 { return true }
        guard p[i] == lbracket, p[e - 2] == rbracket else { return false }
        return e - 2 > i + 1
    }

    /// A capitalised English month abbreviation (`Jan` … `Dec`).
    private func isMonthStart(_ p: UnsafePointer<UInt8>, _ i: Int) -> Bool {
        guard p[i] >= UInt8(ascii: "A"), p[i] <= UInt8(ascii: "Z") else { return false }
        return Timestamps.month(p[i], p[i + 1], p[i + 2]) != nil
    }

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }
}

@inline(__always) private var sp: UInt8 { UInt8(ascii: " ") }
@inline(__always) private var lt: UInt8 { UInt8(ascii: "<") }
@inline(__always) private var gt: UInt8 { UInt8(ascii: ">") }
@inline(__always) private var zero: UInt8 { UInt8(ascii: "0") }
@inline(__always) private var dash: UInt8 { UInt8(ascii: "-") }
@inline(__always) private var colon: UInt8 { UInt8(ascii: ":") }
@inline(__always) private var quote: UInt8 { UInt8(ascii: "\"") }
@inline(__always) private var backslash: UInt8 { UInt8(ascii: "\\") }
@inline(__always) private var lbracket: UInt8 { UInt8(ascii: "[") }
@inline(__always) private var rbracket: UInt8 { UInt8(ascii: "]") }
