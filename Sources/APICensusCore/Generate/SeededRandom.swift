/// SplitMix64: a tiny, fast, seedable generator. Generated logs must be identical for the same seed
/// on every machine, which the system generator does not promise.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound.
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next() % UInt64(max(bound, 1)))
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// Draws indexes 0..<count with probability proportional to 1/(i+1)^exponent: a few values get most
/// of the traffic and a long tail gets the rest, as in real API traffic.
public struct ZipfSampler: Sendable {
    private let cumulative: [Double]

    public init(count: Int, exponent: Double = 1.0) {
        var running = 0.0
        var cdf: [Double] = []
        cdf.reserveCapacity(count)
        for i in 0..<max(count, 1) {
            running += 1.0 / pow(Double(i + 1), exponent)
            cdf.append(running)
        }
        cumulative = cdf.map { $0 / running }
    }

    public func sample(_ rng: inout SeededRandom) -> Int {
        let u = rng.unit()
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
