/// The names (never the values) of the query parameters an endpoint was called with. At most
/// `limit` names are kept: those with the smallest hashes, so that which names survive depends on
/// the set of names seen and not on the order lines arrive in.
public struct QueryParameterNames: Sendable, Equatable {
    public static let limit = 32

    @usableFromInline var hashes: [UInt64] = []
    @usableFromInline var names: [String] = []
    /// True when more distinct names were seen than are kept.
    public internal(set) var truncated = false

    public init() {}

    /// Equal when the same names are kept, whatever order they arrived in.
    public static func == (a: QueryParameterNames, b: QueryParameterNames) -> Bool {
        a.truncated == b.truncated && a.hashes.sorted() == b.hashes.sorted()
    }

    @inlinable
    public func contains(_ hash: UInt64) -> Bool {
        for h in hashes where h == hash { return true }
        return false
    }

    /// Inserts a name already known to be absent (`contains` returned false).
    public mutating func insert(hash: UInt64, name: @autoclosure () -> String) {
        if hashes.count < QueryParameterNames.limit {
            hashes.append(hash)
            names.append(name())
            return
        }
        truncated = true
        // Evict the largest hash if the newcomer is smaller: keeps the `limit` smallest hashes.
        var maxIndex = 0
        for i in 1..<hashes.count where hashes[i] > hashes[maxIndex] { maxIndex = i }
        if hash < hashes[maxIndex] {
            hashes[maxIndex] = hash
            names[maxIndex] = name()
        }
    }

    public mutating func merge(_ other: QueryParameterNames) {
        if other.truncated { truncated = true }
        for (h, n) in zip(other.hashes, other.names) where !contains(h) {
            insert(hash: h, name: n)
        }
    }

    /// Names sorted, duplicates (two redacted names) folded.
    public var sortedNames: [String] { Array(Set(names)).sorted() }
}
