extension SplitMix64 {
    /// Uniform in 0..<bound (generated logs must be identical for the same seed on every machine,
    /// which the system generator does not promise).
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next() % UInt64(max(bound, 1)))
    }
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

    public func sample(_ rng: inout SplitMix64) -> Int {
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
