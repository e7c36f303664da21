/// Values that travel inside a path rather than its query string: matrix parameters
/// (`/cart;jsessionid=…`), `key=value` segments and an encoded query (`/x%3Fapi_key%3D…`). They are
/// cut off before templating so that no value can become part of an endpoint template.
public struct PathValues {
    /// Output space that outlives `strip` (its result points into it), reused from call to call.
    private final class Scratch {
        var pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1024)
        var capacity = 1024
        deinit { pointer.deallocate() }
    }
    private let scratch = Scratch()

    public init() {}

    /// True when `path` has a byte that can start a value (`;`, `=`, `%`): the rare slow path.
    @inline(__always)
    public static func mayCarryValues(_ path: Bytes) -> Bool {
        guard let base = path.baseAddress, path.count > 0 else { return false }
        return memchr(base, Int32(UInt8(ascii: ";")), path.count) != nil
            || memchr(base, Int32(UInt8(ascii: "=")), path.count) != nil
            || memchr(base, Int32(UInt8(ascii: "%")), path.count) != nil
    }

    /// `path` with every segment cut at its first `;`, `=` or `%3D`, and the whole rest cut at an
    /// encoded `?` (`%3F`). The result is valid until the next call.
    public func strip(_ path: Bytes) -> Bytes {
        let n = path.count
        if scratch.capacity < n {
            scratch.pointer.deallocate()
            scratch.pointer = .allocate(capacity: n)
            scratch.capacity = n
        }
        let out = scratch.pointer
        var written = 0
        var i = 0
        var skippingSegment = false
        while i < n {
            let b = path[i]
            if b == UInt8(ascii: "/") {
                skippingSegment = false
                out[written] = b
                written += 1
                i += 1
                continue
            }
            if skippingSegment { i += 1; continue }
            if b == UInt8(ascii: "%"), i + 2 < n, path[i + 1] == UInt8(ascii: "3") {
                let c = path[i + 2] | 0x20
                if c == UInt8(ascii: "f") { break }  // encoded '?': the rest is a query
                if c == UInt8(ascii: "d") { skippingSegment = true; i += 3; continue }
            }
            if b == UInt8(ascii: ";") || b == UInt8(ascii: "=") {
                skippingSegment = true
                i += 1
                continue
            }
            out[written] = b
            written += 1
            i += 1
        }
        return Bytes(start: out, count: written)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
