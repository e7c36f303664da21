/// Query-string parameter names. Values are never read beyond finding where they end.
public enum QueryNames {
    /// Calls `body` with each parameter name (`a` and `b` in `a=1&b&c=`… is `a`, `b`, `c`).
    @inline(__always)
    public static func forEachName(in query: Bytes, _ body: (Bytes) -> Void) {
        let n = query.count
        var i = 0
        while i < n {
            let start = i
            while i < n, query[i] != UInt8(ascii: "="), query[i] != UInt8(ascii: "&"), query[i] != UInt8(ascii: ";") { i += 1 }
            let nameEnd = i
            while i < n, query[i] != UInt8(ascii: "&"), query[i] != UInt8(ascii: ";") { i += 1 }
            if nameEnd > start { body(Bytes(rebasing: query[start..<nameEnd])) }
            i += 1
        }
    }

    /// The name as it may appear in the report. A "name" that is really a value (`/?8890121518`
    /// cache busters, a token sent as a bare query string) is shown as `{value}`, never echoed;
    /// non-printable bytes are escaped and long names cut.
    public static func safeName(_ name: Bytes) -> String {
        var letters = 0, digits = 0, other = 0
        for b in name {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "["), UInt8(ascii: "]"): break
            default: other += 1
            }
        }
        if letters == 0 { return "{value}" }
        // Parameter names are words; a long run with digits (`hunter2pass`, a token sent as a bare
        // query) is a value.
        if name.count >= 8 && digits > 0 { return "{value}" }
        if other > 0 || name.count > 64 { return "{value}" }
        return String(decoding: name, as: UTF8.self)
    }
}

/// Host names as inventory keys: lower-cased, default ports, a trailing dot and any user-info removed.
public enum HostName {
    public static let maxLength = 255

    /// Writes the normalised host at `out` (room for `maxLength` bytes); returns its length.
    @inline(__always)
    public static func writeNormalized(_ host: Bytes, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var n = min(host.count, maxLength)
        guard n > 0 else { return 0 }
        // Strip ":80" / ":443" (an IPv6 literal's other ports, "[::1]:8080", are kept).
        if n > 3, host[n - 3] == UInt8(ascii: ":"), host[n - 2] == UInt8(ascii: "8"), host[n - 1] == UInt8(ascii: "0") {
            n -= 3
        } else if n > 4, host[n - 4] == UInt8(ascii: ":"), host[n - 3] == UInt8(ascii: "4"),
                  host[n - 2] == UInt8(ascii: "4"), host[n - 1] == UInt8(ascii: "3") {
            n -= 4
        }
        if n > 1, host[n - 1] == UInt8(ascii: ".") { n -= 1 }
        if n == 1, host[0] == UInt8(ascii: "-") { return 0 }
        // Control bytes and quotes in a Host header are an attack or garbage, not a host name.
        // `user:password@host` (a Host header or URL authority with user-info): the credentials
        // before the last `@` are never written.
        var written = 0
        for i in 0..<n {
            var b = host[i]
            if b == UInt8(ascii: "@") { written = 0; continue }
            if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { b |= 0x20 }
            if b < 0x21 || b >= 0x7F || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { b = UInt8(ascii: "_") }
            out[written] = b
            written += 1
        }
        return written
    }

}
