/// Request durations in a log-linear histogram over microseconds: 32 sub-buckets per power of two,
/// so any reported quantile is within about 3 % of the true value. Counts add on merge, which makes
/// merging exact, associative and commutative (unlike t-digest, whose result depends on order).
public struct LatencySketch: Sendable, Equatable {
    @usableFromInline static let subBucketBits = 5
    @usableFromInline static let subBuckets = 1 << subBucketBits

    /// Counts for bucket indexes `firstIndex ..< firstIndex + counts.count`.
    @usableFromInline var counts: [UInt64] = []
    @usableFromInline var firstIndex = 0
    public internal(set) var total: UInt64 = 0
    public internal(set) var sumMicros: UInt64 = 0
    public internal(set) var maxMicros: UInt64 = 0

    public init() {}

    @inlinable @inline(__always)
    static func bucketIndex(_ v: UInt64) -> Int {
        if v < UInt64(subBuckets) { return Int(v) }
        let exponent = 63 - v.leadingZeroBitCount
        let sub = Int((v >> UInt64(exponent - subBucketBits)) & UInt64(subBuckets - 1))
        return (exponent - subBucketBits + 1) * subBuckets + sub
    }

    /// The smallest value that falls in bucket `index`, and the bucket's width.
    static func bucketRange(_ index: Int) -> (low: UInt64, width: UInt64) {
        if index < subBuckets { return (UInt64(index), 1) }
        let exponent = index / subBuckets + subBucketBits - 1
        let sub = UInt64(index % subBuckets)
        let width = UInt64(1) << UInt64(exponent - subBucketBits)
        return ((UInt64(subBuckets) + sub) * width, width)
    }

    public mutating func record(micros: UInt64) {
        add(index: LatencySketch.bucketIndex(micros), count: 1)
        total &+= 1
        sumMicros &+= micros
        if micros > maxMicros { maxMicros = micros }
    }

    @usableFromInline
    mutating func add(index: Int, count: UInt64) {
        if counts.isEmpty {
            firstIndex = index
            counts = [count]
            return
        }
        if index < firstIndex {
            counts.insert(contentsOf: repeatElement(0, count: firstIndex - index), at: 0)
            firstIndex = index
        } else if index >= firstIndex + counts.count {
            counts.append(contentsOf: repeatElement(0, count: index - firstIndex - counts.count + 1))
        }
        counts[index - firstIndex] &+= count
    }

    public mutating func merge(_ other: LatencySketch) {
        for (offset, c) in other.counts.enumerated() where c > 0 {
            add(index: other.firstIndex + offset, count: c)
        }
        total &+= other.total
        sumMicros &+= other.sumMicros
        maxMicros = max(maxMicros, other.maxMicros)
    }

    /// The value at quantile `q` (0...1): the midpoint of the bucket holding that rank.
    public func quantile(_ q: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = UInt64((q * Double(total)).rounded(.up))
        var seen: UInt64 = 0
        for (offset, c) in counts.enumerated() {
            seen &+= c
            if seen >= max(rank, 1) {
                let (low, width) = LatencySketch.bucketRange(firstIndex + offset)
                return min(low + width / 2, maxMicros)
            }
        }
        return maxMicros
    }
}
