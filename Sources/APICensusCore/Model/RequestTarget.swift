/// A request target split into the parts the inventory needs. User-info (`user:pass@`) in an
/// absolute URI is skipped here and never stored anywhere.
public struct RequestTarget {
    public enum Form: Sendable { case origin, absolute, authority, asterisk }

    public var form: Form
    /// Host from an absolute URI or a CONNECT authority; empty for origin form.
    public var host: Bytes
    /// Path without query or fragment; `/` when an absolute URI has no path.
    public var path: Bytes
    /// Query string without the `?`, empty when absent.
    public var query: Bytes
    public var hasQuery: Bool

    // Immutable after its one-time initialisation; shared read-only by all threads.
    nonisolated(unsafe) static let slash: Bytes = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: UInt8(ascii: "/"))
        return Bytes(start: p, count: 1)
    }()

    /// Splits `target`; nil when it is none of the request-target forms of RFC 9112 §3.2.
    public static func split(_ target: Bytes, isConnect: Bool) -> RequestTarget? {
        let n = target.count
        guard n > 0 else { return nil }
        if isConnect {
            return RequestTarget(form: .authority, host: target, path: .none, query: .none, hasQuery: false)
        }
        let first = target[0]
        if first == UInt8(ascii: "/") {
            return splitPathAndQuery(target, from: 0, form: .origin, host: .none)
        }
        if first == UInt8(ascii: "*"), n == 1 {
            return RequestTarget(form: .asterisk, host: .none, path: target, query: .none, hasQuery: false)
        }
        // Absolute form: scheme "://" authority [path]
        var i = 0
        while i < n, i < 10, isSchemeByte(target[i]) { i += 1 }
        guard i > 0, i + 2 < n, target[i] == UInt8(ascii: ":"), target[i + 1] == UInt8(ascii: "/"),
              target[i + 2] == UInt8(ascii: "/") else { return nil }
        var authorityStart = i + 3
        var j = authorityStart
        while j < n {
            let b = target[j]
            if b == UInt8(ascii: "/") || b == UInt8(ascii: "?") || b == UInt8(ascii: "#") { break }
            if b == UInt8(ascii: "@") { authorityStart = j + 1 }  // drop user-info
            j += 1
        }
        let host = Bytes(rebasing: target[authorityStart..<j])
        // `http://alice:pa/ss@host/`: user-info with a `/` in it ends the authority early; what is
        // left is neither a host nor a path to record (it would carry the password's tail).
        guard isHostAndPort(host) else { return nil }
        if j == n || target[j] != UInt8(ascii: "/") {
            var result = splitPathAndQuery(target, from: j, form: .absolute, host: host)
            result.path = slash
            return result
        }
        return splitPathAndQuery(target, from: j, form: .absolute, host: host)
    }

    /// `host`, `host:port`, `[v6]:port`: a `:` must be followed by digits only.
    static func isHostAndPort(_ authority: Bytes) -> Bool {
        var colon: Int?
        for i in 0..<authority.count where authority[i] == UInt8(ascii: ":") || authority[i] == UInt8(ascii: "]") {
            colon = authority[i] == UInt8(ascii: ":") ? i : nil
        }
        guard let colon else { return true }
        for i in (colon + 1)..<authority.count where authority[i] < 48 || authority[i] > 57 { return false }
        return true
    }

    @inline(__always)
    static func isSchemeByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }

    @inline(__always)
    static func splitPathAndQuery(_ t: Bytes, from start: Int, form: Form, host: Bytes) -> RequestTarget {
        let n = t.count
        let base = t.baseAddress!
        // memchr rather than a byte loop: targets are scanned once per line.
        let question = memchr(base + start, Int32(UInt8(ascii: "?")), n - start).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? n
        let hash = memchr(base + start, Int32(UInt8(ascii: "#")), question - start).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base }
        if let hash {
            return RequestTarget(form: form, host: host, path: Bytes(rebasing: t[start..<hash]), query: .none, hasQuery: false)
        }
        let path = Bytes(rebasing: t[start..<question])
        guard question < n else {
            return RequestTarget(form: form, host: host, path: path, query: .none, hasQuery: false)
        }
        let fragment = memchr(base + question + 1, Int32(UInt8(ascii: "#")), n - question - 1)
            .map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? n
        return RequestTarget(form: form, host: host, path: path, query: Bytes(rebasing: t[(question + 1)..<fragment]), hasQuery: true)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
