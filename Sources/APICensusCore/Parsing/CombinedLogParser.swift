/// NGINX / Apache access logs in the Common Log Format family:
///
/// - `common`:   `%h %l %u %t "%r" %>s %b`
/// - `combined`: `common` + ` "%{Referer}i" "%{User-agent}i"`
///
/// Real logs stray from those two, and the parser accepts the usual variations:
///
/// - a leading virtual host (`www.example.com 1.2.3.4 - - [...]`, Apache `%v:%p` → `example.com:443`),
///   detected because it is followed by the client, ident and user tokens before `[`; its `:port` is dropped;
/// - an `X-Forwarded-For` list before or instead of the client (`"1.2.3.4, 5.6.7.8" 10.0.0.1 - - [...]`,
///   `10.0.0.2, 10.0.0.1, 127.0.0.1 - - [...]`): a list in the client position gives its first address;
/// - extra tokens between the client and `[` (bunkerweb logs a request id before the user);
/// - a missing ident or user token (`1.2.3.4 - [...]`);
/// - extra trailing fields after the user agent, quoted or not: the first unquoted decimal number with a dot
///   (`0.123`, or `rt=0.123` / `request_time=0.123`) is the request duration in seconds; the rest is ignored.
///   Quoted numbers are not taken as durations (NGINX's documented `"$gzip_ratio"` is one);
/// - a `common` line given to the `combined` parser (referrer and agent stay empty) and a `combined`
///   line given to the `common` parser (referrer and agent are read all the same);
/// - escaped quotes inside quoted fields, Apache style (`\"`) and NGINX style (`\x22`, no raw quote at all);
///   views keep the bytes as logged;
/// - a request line that is not a request (TLS handshake bytes, scanner junk, `-`, empty): the record is still
///   a `.call`, with `requestIsValid == false` and empty method, target and version.
///
/// No allocation, no `String`, no `Array` per line: one forward pass over the bytes, fields are views into `line`.
public struct CombinedLogParser: LineParser {
    public let format: LogFormat
    private var timeCache = CLFTimeCache()

    /// `format` must be `.combined` or `.common`; the two read the same shapes (see the type's documentation),
    /// the format only names the log.
    public init(format: LogFormat) {
        precondition(format == .combined || format == .common,
                     "CombinedLogParser reads the combined and common formats, not \(format.rawValue)")
        self.format = format
    }

    @inline(__always)
    public mutating func parse(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        let outcome = parseRecord(line, into: &call)
        // Servers often write their error log into the access log's file (or a shipper merges
        // them): such lines are told apart, so the rejection says what they are.
        if case .rejected(let reason) = outcome, reason != .tooLong, ErrorLogLine.matches(line) {
            return .rejected(.errorLog)
        }
        return outcome
    }

    private mutating func parseRecord(_ line: Bytes, into call: inout RawCall) -> LineOutcome {
        call.reset()
        guard let p = line.baseAddress else { return .ignored }
        var end = line.count
        // Tolerate a stray `\r` and trailing blanks.
        while end > 0, p[end - 1] == cr || p[end - 1] == sp || p[end - 1] == tab { end -= 1 }
        var i = 0
        while i < end, p[i] == sp || p[i] == tab { i += 1 }
        if i == end { return .ignored }

        // 1. The tokens before the `[time]`: [vhost] client ident user, with variations.
        var groups = 0
        var g0s = 0, g0e = 0, g1s = 0, g1e = 0, g2s = 0, g2e = 0, lastS = 0, lastE = 0
        var g0Compound = false, g1Compound = false
        var tsOpen = -1
        while true {
            while i < end, p[i] == sp { i += 1 }
            if i >= end { return .rejected(.malformed) }
            let s = i
            var compound = false
            if p[i] == lbracket, groups >= 1, Self.isTimeOpen(p, i, end) {
                tsOpen = i
                break
            }
            if p[i] == quote {
                // A quoted group, e.g. an X-Forwarded-For list.
                guard let q = Self.closingQuote(p, i + 1, end) else { return .rejected(.malformed) }
                i = q + 1
                compound = true
            } else {
                i = Self.find(sp, p, i, end)
                // `a, b, c`: a list joined by commas is one group.
                while p[i - 1] == comma, i < end {
                    compound = true
                    while i < end, p[i] == sp { i += 1 }
                    while i < end, p[i] != sp { i += 1 }
                }
            }
            switch groups {
            case 0: g0s = s; g0e = i; g0Compound = compound
            case 1: g1s = s; g1e = i; g1Compound = compound
            case 2: g2s = s; g2e = i
            default: break
            }
            lastS = s; lastE = i
            groups += 1
            if groups > 12 { return .rejected(.malformed) }
        }

        // Assign the groups. A leading list or quoted group followed by three or more groups is an
        // X-Forwarded-For prefix: skip it.
        var k = groups
        var hS = 0, hE = 0, cS = g0s, cE = g0e, cCompound = g0Compound
        var first1S = g1s, first1E = g1e, first1Compound = g1Compound
        if k >= 4, g0Compound {
            k -= 1
            cS = g1s; cE = g1e; cCompound = g1Compound
            first1S = g2s; first1E = g2e; first1Compound = false
        }
        if k >= 4 {
            // vhost client ident [extra...] user
            hS = cS; hE = cE
            cS = first1S; cE = first1E; cCompound = first1Compound
            Self.stripPort(p, hS, &hE)
            if !(hE - hS == 1 && p[hS] == dash) { call.host = Bytes(start: p + hS, count: hE - hS) }
        }
        if cCompound { Self.firstOfList(p, &cS, &cE) }
        if cE > cS, !(cE - cS == 1 && p[cS] == dash) { call.client = Bytes(start: p + cS, count: cE - cS) }
        if k >= 2, !(lastE - lastS == 1 && p[lastS] == dash) {
            call.user = Bytes(start: p + lastS, count: lastE - lastS)
        }

        // 2. The time.
        var tsClose = tsOpen + 27  // `[10/Oct/2000:13:55:36 -0700]`
        if !(tsClose < end && p[tsClose] == rbracket) {
            tsClose = tsOpen + 1
            while tsClose < end, p[tsClose] != rbracket { tsClose += 1 }
            if tsClose >= end { return .rejected(.malformed) }
        }
        guard let millis = timeCache.millis(Bytes(start: p + tsOpen + 1, count: tsClose - tsOpen - 1)) else {
            return .rejected(.badTimestamp)
        }
        call.timestampMillis = millis

        // 3. The quoted request line.
        i = tsClose + 1
        guard i < end, p[i] == sp else { return .rejected(.malformed) }
        while i < end, p[i] == sp { i += 1 }
        guard i < end, p[i] == quote else { return .rejected(.malformed) }
        let rs = i + 1
        guard var re = Self.closingQuote(p, rs, end) else { return .rejected(.malformed) }
        if !Self.statusFollows(p, re, end) {
            // A raw quote inside the request (a logger that does not escape): prefer a later quote that
            // is followed by a status, if there is one.
            var j = re + 1
            while j < end {
                if p[j] == quote, Self.statusFollows(p, j, end) { re = j; break }
                j += 1
            }
        }
        Self.parseRequest(p, rs, re, &call)

        // 4. Status.
        i = re + 1
        guard i < end, p[i] == sp else { return .rejected(.malformed) }
        while i < end, p[i] == sp { i += 1 }
        if i >= end { return .rejected(.malformed) }
        guard i + 3 <= end, (i + 3 == end || p[i + 3] == sp),
              let d0 = Self.digit(p[i]), let d1 = Self.digit(p[i + 1]), let d2 = Self.digit(p[i + 2])
        else { return .rejected(.badStatus) }
        call.status = Int32(d0 * 100 + d1 * 10 + d2)
        i += 3

        // 5. Response bytes (`-` when none; tolerated when missing altogether).
        while i < end, p[i] == sp { i += 1 }
        if i >= end { return .call }
        if p[i] == dash, i + 1 == end || p[i + 1] == sp {
            i += 1
        } else if p[i] != quote {
            var value: Int64 = 0
            var n = 0
            while i < end, let d = Self.digit(p[i]) {
                guard n < 18 else { return .rejected(.malformed) }
                value = value &* 10 &+ Int64(d)
                n += 1
                i += 1
            }
            guard n > 0, i == end || p[i] == sp else { return .rejected(.malformed) }
            call.responseBytes = value
        }

        // 6. Referrer, user agent, then anything else.
        var quotedSeen = 0
        var trailing = false
        while true {
            while i < end, p[i] == sp || p[i] == tab { i += 1 }
            if i >= end { break }
            if p[i] == quote {
                let fs = i + 1
                // An unterminated last field (a truncated user agent) runs to the end of the line.
                let fe = Self.closingQuote(p, fs, end) ?? end
                if !trailing {
                    if fe - fs > 0, !(fe - fs == 1 && p[fs] == dash) {
                        let view = Bytes(start: p + fs, count: fe - fs)
                        if quotedSeen == 0 { call.referrer = view } else { call.userAgent = view }
                    }
                    quotedSeen += 1
                    if quotedSeen == 2 { trailing = true }
                }
                i = fe + 1
            } else {
                trailing = true
                let ts = i
                i = Self.find(sp, p, i, end)
                if call.durationMicros < 0, let micros = Self.seconds(p, ts, i) {
                    call.durationMicros = micros
                }
            }
        }
        return .call
    }

    // MARK: - Pieces

    /// `[` at `i` opens the time: `[dd/...`, or any bracketed token followed by the quoted request
    /// (so that an unreadable time is reported as such rather than as a malformed line).
    @inline(__always)
    static func isTimeOpen(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Bool {
        if i + 3 < end, digit(p[i + 1]) != nil, p[i + 3] == slash { return true }
        var j = i + 1
        let limit = min(end, i + 64)
        while j < limit, p[j] != rbracket { j += 1 }
        return j + 2 < end && p[j] == rbracket && p[j + 1] == sp && p[j + 2] == quote
    }

    /// Index of the first unescaped `"` at or after `from`, or nil. A backslash escapes the next byte
    /// (Apache writes `\"` and `\\`; NGINX writes `\x22` and `\x5C`, so a raw quote always closes).
    @inline(__always)
    static func closingQuote(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int) -> Int? {
        var j = from
        while true {
            // Eight bytes at a time to the next `"` or `\`.
            while j + 8 <= end {
                let w = UInt64(littleEndian: UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self))
                let m = zeroBytes(w ^ 0x2222_2222_2222_2222) | zeroBytes(w ^ 0x5C5C_5C5C_5C5C_5C5C)
                if m != 0 { j += m.trailingZeroBitCount >> 3; break }
                j += 8
            }
            guard j < end else { return nil }
            let c = p[j]
            if c == quote { return j }
            j += c == backslash ? 2 : 1
        }
    }

    /// Index of the first `byte` at or after `from`, or `end`.
    @inline(__always)
    static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int) -> Int {
        var j = from
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        while j + 8 <= end {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + j).loadUnaligned(as: UInt64.self))
            let m = zeroBytes(w ^ pattern)
            if m != 0 { return j + m.trailingZeroBitCount >> 3 }
            j += 8
        }
        while j < end, p[j] != byte { j += 1 }
        return j
    }

    /// High bit set in each zero byte of `w` (the lowest flagged byte is always a true zero; flags
    /// above it may be false positives, so only the lowest is used).
    @inline(__always)
    static func zeroBytes(_ w: UInt64) -> UInt64 {
        (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080
    }

    /// Whether the quote at `q` is followed by ` ddd` and then a space or the end.
    @inline(__always)
    static func statusFollows(_ p: UnsafePointer<UInt8>, _ q: Int, _ end: Int) -> Bool {
        let s = q + 2
        guard s + 3 <= end, p[q + 1] == sp,
              digit(p[s]) != nil, digit(p[s + 1]) != nil, digit(p[s + 2]) != nil
        else { return false }
        return s + 3 == end || p[s + 3] == sp
    }

    @inline(__always)
    static func digit(_ c: UInt8) -> Int? {
        let d = c &- 48
        return d < 10 ? Int(d) : nil
    }

    /// `host:port` → `host`; `[v6]:port` → `[v6]`; a bare IPv6 address is left alone.
    @inline(__always)
    static func stripPort(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: inout Int) {
        var j = e - 1
        while j > s, digit(p[j]) != nil { j -= 1 }
        guard j > s, j < e - 1, p[j] == colon else { return }
        if p[j - 1] == rbracket { e = j; return }
        var k = s
        while k < j, p[k] != colon { k += 1 }
        if k == j { e = j }
    }

    /// The first address of `"a, b, c"` or `a, b, c`.
    @inline(__always)
    static func firstOfList(_ p: UnsafePointer<UInt8>, _ s: inout Int, _ e: inout Int) {
        if p[s] == quote {
            s += 1
            if e > s, p[e - 1] == quote { e -= 1 }
        }
        while s < e, p[s] == sp { s += 1 }
        var j = s
        while j < e, p[j] != comma, p[j] != sp { j += 1 }
        e = j
    }

    /// `0.123` (seconds, exactly one dot), optionally as `rt=0.123` / `request_time=0.123`, in microseconds.
    @inline(__always)
    static func seconds(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Int64? {
        var i = s
        if e - s > 3, p[s] == UInt8(ascii: "r") {
            // Key=value forms NGINX users write (`rt=$request_time`).
            var eq = s
            while eq < e, p[eq] != equals { eq += 1 }
            guard eq < e else { return nil }
            let key = Bytes(start: p + s, count: eq - s)
            guard key.elementsEqual("rt".utf8) || key.elementsEqual("request_time".utf8) else { return nil }
            i = eq + 1
        }
        var whole: Int64 = 0
        var n = 0
        while i < e, let d = digit(p[i]) {
            guard n < 12 else { return nil }
            whole = whole * 10 + Int64(d)
            n += 1
            i += 1
        }
        guard n > 0, i < e, p[i] == dot else { return nil }
        i += 1
        var frac: Int64 = 0
        var scale: Int64 = 100_000
        var f = 0
        while i < e, let d = digit(p[i]) {
            frac += Int64(d) * scale
            scale /= 10
            f += 1
            i += 1
        }
        guard f > 0, i == e else { return nil }
        return whole * 1_000_000 + frac
    }

    /// Splits `METHOD target[ HTTP/x.y]` into the call, or marks it invalid (fields left empty).
    @inline(__always)
    static func parseRequest(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ call: inout RawCall) {
        call.requestIsValid = false
        call.requestLine = Bytes(start: p + s, count: e - s)
        var i = s
        while i < e, i - s <= 20 {
            let c = p[i]
            guard (c >= 65 && c <= 90) || c == underscore || c == dash else { break }
            i += 1
        }
        let methodLen = i - s
        guard methodLen >= 1, methodLen <= 20, i < e, p[i] == sp else { return }
        let ts = i + 1
        let te = find(sp, p, ts, e)
        guard te > ts else { return }
        var vs = te, ve = te
        if te < e {
            vs = te + 1
            ve = e
            guard isHTTPVersion(p, vs, ve) else { return }
        }
        let c = p[ts]
        let targetOK: Bool
        if c == slash {
            targetOK = true
        } else if c == asterisk {
            targetOK = te - ts == 1
        } else if isConnect(p, s, methodLen) {
            targetOK = true
        } else {
            targetOK = hasWebScheme(p, ts, te)
        }
        guard targetOK else { return }
        call.method = Bytes(start: p + s, count: methodLen)
        call.target = Bytes(start: p + ts, count: te - ts)
        if ve > vs { call.httpVersion = Bytes(start: p + vs, count: ve - vs) }
        call.requestIsValid = true
    }

    /// `HTTP/` digits [`.` digits].
    @inline(__always)
    static func isHTTPVersion(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard e - s >= 6, e - s <= 12,
              p[s] == 72, p[s + 1] == 84, p[s + 2] == 84, p[s + 3] == 80, p[s + 4] == slash  // HTTP/
        else { return false }
        var i = s + 5
        var n = 0
        while i < e, digit(p[i]) != nil { i += 1; n += 1 }
        guard n > 0 else { return false }
        if i == e { return true }
        guard p[i] == dot else { return false }
        i += 1
        n = 0
        while i < e, digit(p[i]) != nil { i += 1; n += 1 }
        return n > 0 && i == e
    }

    @inline(__always)
    static func isConnect(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> Bool {
        n == 7 && p[s] == 67 && p[s + 1] == 79 && p[s + 2] == 78 && p[s + 3] == 78
            && p[s + 4] == 69 && p[s + 5] == 67 && p[s + 6] == 84  // CONNECT
    }

    /// `http://`, `https://`, `ws://`, `wss://` (any case) followed by at least one byte.
    @inline(__always)
    static func hasWebScheme(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var i = s
        while i < e, i - s < 5, (p[i] | 0x20) >= 97, (p[i] | 0x20) <= 122 { i += 1 }
        let n = i - s
        guard i + 3 < e, p[i] == colon, p[i + 1] == slash, p[i + 2] == slash else { return false }
        func lower(_ k: Int) -> UInt8 { p[s + k] | 0x20 }
        switch n {
        case 2: return lower(0) == 119 && lower(1) == 115                                           // ws
        case 3: return lower(0) == 119 && lower(1) == 115 && lower(2) == 115                        // wss
        case 4: return lower(0) == 104 && lower(1) == 116 && lower(2) == 116 && lower(3) == 112     // http
        case 5: return lower(0) == 104 && lower(1) == 116 && lower(2) == 116 && lower(3) == 112
            && lower(4) == 115                                                                      // https
        default: return false
        }
    }
}

// Byte constants as computed properties: they fold to immediates, with no lazy global initialisation.
@inline(__always) private var sp: UInt8 { UInt8(ascii: " ") }
@inline(__always) private var tab: UInt8 { UInt8(ascii: "\t") }
@inline(__always) private var cr: UInt8 { UInt8(ascii: "\r") }
@inline(__always) private var quote: UInt8 { UInt8(ascii: "\"") }
@inline(__always) private var backslash: UInt8 { UInt8(ascii: "\\") }
@inline(__always) private var lbracket: UInt8 { UInt8(ascii: "[") }
@inline(__always) private var rbracket: UInt8 { UInt8(ascii: "]") }
@inline(__always) private var dash: UInt8 { UInt8(ascii: "-") }
@inline(__always) private var comma: UInt8 { UInt8(ascii: ",") }
@inline(__always) private var colon: UInt8 { UInt8(ascii: ":") }
@inline(__always) private var slash: UInt8 { UInt8(ascii: "/") }
@inline(__always) private var dot: UInt8 { UInt8(ascii: ".") }
@inline(__always) private var equals: UInt8 { UInt8(ascii: "=") }
@inline(__always) private var asterisk: UInt8 { UInt8(ascii: "*") }
@inline(__always) private var underscore: UInt8 { UInt8(ascii: "_") }
