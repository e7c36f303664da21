/// A fast, well-mixed 64-bit hash over bytes, word at a time. It keys the per-worker tables and the
/// distinct-client sketches, so it must be identical on every thread and run (no random seed).
public enum ByteHash {
    @inlinable @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        // SplitMix64 finaliser: full avalanche, so table slots and HyperLogLog ranks are unbiased.
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inlinable
    public static func hash(_ p: Bytes, seed: UInt64 = 0) -> UInt64 {
        var h: UInt64 = seed ^ 0x9E37_79B9_7F4A_7C15 ^ (UInt64(truncatingIfNeeded: p.count) &* 0xFF51_AFD7_ED55_8CCD)
        guard let base = p.baseAddress else { return mix(h) }
        let raw = UnsafeRawPointer(base)
        let n = p.count
        var i = 0
        while i &+ 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0x9FB2_1C65_1E98_DF25
            h ^= h >> 32
            i &+= 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(base[i]) << shift
                shift &+= 8
                i &+= 1
            }
            h = (h ^ w) &* 0x9FB2_1C65_1E98_DF25
            h ^= h >> 32
        }
        return mix(h)
    }

    @inlinable
    public static func hash(_ s: String) -> UInt64 {
        var copy = s
        return copy.withUTF8 { hash($0) }
    }

    @inlinable @inline(__always)
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        mix(a &* 0x9E37_79B9_7F4A_7C15 ^ b)
    }
}
