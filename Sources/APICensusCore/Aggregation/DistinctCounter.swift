/// Distinct values (client addresses) counted exactly up to `exactLimit`, then estimated with a
/// HyperLogLog of 2^10 registers (±3 % standard error). Mergeable: the state after any sequence of
/// inserts and merges depends only on the set of hashes inserted, never on the order, because the
/// switch to HyperLogLog happens exactly when the union exceeds the limit and a HyperLogLog of a
/// union is the register-wise maximum.
public struct DistinctCounter: Sendable, Equatable {
    public static let exactLimit = 64
    @usableFromInline static let precision = 10
    @usableFromInline static let registerCount = 1 << precision

    /// Exact mode: the distinct hashes seen (unsorted). Empty once in sketch mode.
    @usableFromInline var exact: [UInt64] = []
    /// Sketch mode: HyperLogLog registers; empty while exact.
    @usableFromInline var registers: [UInt8] = []

    public init() {}

    public var isExact: Bool { registers.isEmpty }

    /// Equal when they hold the same set: the exact list's order is an accident of arrival.
    public static func == (a: DistinctCounter, b: DistinctCounter) -> Bool {
        a.registers == b.registers && a.exact.sorted() == b.exact.sorted()
    }

    @inlinable
    public mutating func insert(_ hash: UInt64) {
        if registers.isEmpty {
            for h in exact where h == hash { return }
            if exact.count < DistinctCounter.exactLimit {
                exact.append(hash)
                return
            }
            exact.append(hash)
            convertToSketch()
            return
        }
        DistinctCounter.insert(hash, into: &registers)
    }

    @inlinable
    static func insert(_ hash: UInt64, into registers: inout [UInt8]) {
        let index = Int(truncatingIfNeeded: hash >> UInt64(64 - precision))
        let rest = (hash << UInt64(precision)) | (1 << UInt64(precision - 1))
        let rank = UInt8(truncatingIfNeeded: rest.leadingZeroBitCount + 1)
        if registers[index] < rank { registers[index] = rank }
    }

    @usableFromInline
    mutating func convertToSketch() {
        var regs = [UInt8](repeating: 0, count: DistinctCounter.registerCount)
        for h in exact { DistinctCounter.insert(h, into: &regs) }
        exact = []
        registers = regs
    }

    public mutating func merge(_ other: DistinctCounter) {
        if registers.isEmpty && other.registers.isEmpty {
            for h in other.exact { insert(h) }
            return
        }
        if registers.isEmpty { convertToSketch() }
        if other.registers.isEmpty {
            for h in other.exact { DistinctCounter.insert(h, into: &registers) }
        } else {
            for i in 0..<registers.count where other.registers[i] > registers[i] {
                registers[i] = other.registers[i]
            }
        }
    }

    /// The exact count, or the HyperLogLog estimate (with linear counting for small cardinalities).
    public var count: UInt64 {
        if registers.isEmpty { return UInt64(exact.count) }
        let m = Double(DistinctCounter.registerCount)
        var sum = 0.0
        var zeros = 0
        for r in registers {
            sum += 1.0 / Double(UInt64(1) << UInt64(r))
            if r == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        var estimate = alpha * m * m / sum
        if estimate <= 2.5 * m, zeros > 0 {
            estimate = m * log(m / Double(zeros))
        }
        return UInt64(estimate.rounded())
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
