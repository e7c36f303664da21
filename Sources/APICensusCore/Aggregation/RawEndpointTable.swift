/// Identity of an endpoint before templating: method, host and the typed path
/// (`/users/{int}/orders/{uuid}`; name-like segments are still literal here).
public struct RawEndpointKey: Sendable, Hashable, Comparable {
    public var method: String
    public var host: String
    public var typedPath: String

    public init(method: String, host: String, typedPath: String) {
        self.method = method
        self.host = host
        self.typedPath = typedPath
    }

    public static func < (a: RawEndpointKey, b: RawEndpointKey) -> Bool {
        (a.host, a.typedPath, a.method) < (b.host, b.typedPath, b.method)
    }
}

/// The per-thread hot-path table: open addressing keyed by a 64-bit hash of the key, with the key
/// bytes (`method \0 host` and the typed path) kept in one arena and compared on a hash match, so a
/// collision can never merge two endpoints. A `Dictionary` keyed by `String` would cost a String per
/// line; this costs one probe and two `memcmp`s.
struct RawEndpointTable {
    private var slots: [Int32]          // entry index + 1, 0 = empty
    private var slotHashes: [UInt64]
    private var mask: Int
    /// Key bytes of every entry, back to back: prefix (`method \0 host`) then typed path.
    private var arena: [UInt8] = []
    private var entryOffset: [Int] = []
    private var entryPrefixLength: [Int32] = []
    private var entryPathLength: [Int32] = []
    private(set) var keys: [RawEndpointKey] = []
    var stats: [EndpointStats] = []

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        slotHashes = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { keys.count }

    /// The entry index for the key, inserting it when new. `prefix` is `method \0 host`;
    /// `methodLength` says where the method ends, to build the `RawEndpointKey` on insertion only.
    mutating func index(hash: UInt64, prefix: Bytes, path: Bytes, methodLength: Int) -> Int {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if slotHashes[slot] == hash, matches(entry - 1, prefix, path) { return entry - 1 }
            slot = (slot + 1) & mask
        }
        let index = keys.count
        entryOffset.append(arena.count)
        entryPrefixLength.append(Int32(prefix.count))
        entryPathLength.append(Int32(path.count))
        arena.append(contentsOf: prefix)
        arena.append(contentsOf: path)
        let method = String(decoding: prefix[0..<methodLength], as: UTF8.self)
        let host = String(decoding: prefix[(methodLength + 1)...], as: UTF8.self)
        keys.append(RawEndpointKey(method: method, host: host, typedPath: String(decoding: path, as: UTF8.self)))
        stats.append(EndpointStats())
        slots[slot] = Int32(index + 1)
        slotHashes[slot] = hash
        if keys.count * 2 > slots.count { grow() }
        return index
    }

    @inline(__always)
    private func matches(_ entry: Int, _ prefix: Bytes, _ path: Bytes) -> Bool {
        guard Int(entryPrefixLength[entry]) == prefix.count, Int(entryPathLength[entry]) == path.count else { return false }
        let offset = entryOffset[entry]
        return arena.withUnsafeBufferPointer { a in
            let base = a.baseAddress! + offset
            if prefix.count > 0, memcmp(base, prefix.baseAddress!, prefix.count) != 0 { return false }
            return path.count == 0 || memcmp(base + prefix.count, path.baseAddress!, path.count) == 0
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: 0, count: size)
        var newHashes = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for slot in 0..<slots.count where slots[slot] != 0 {
            var s = Int(truncatingIfNeeded: slotHashes[slot]) & newMask
            while newSlots[s] != 0 { s = (s + 1) & newMask }
            newSlots[s] = slots[slot]
            newHashes[s] = slotHashes[slot]
        }
        slots = newSlots
        slotHashes = newHashes
        mask = newMask
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
