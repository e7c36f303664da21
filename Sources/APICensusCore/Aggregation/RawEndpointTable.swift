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

/// The per-thread hot-path table: open addressing keyed by a 64-bit hash of the key bytes
/// (`method \0 host \0 typedPath`), with the bytes compared on a hash match so a collision can never
/// merge two endpoints. A `Dictionary` keyed by `String` would cost a String per line.
struct RawEndpointTable {
    private var slots: [Int32]          // entry index + 1, 0 = empty
    private var slotHashes: [UInt64]
    private var mask: Int
    private(set) var keyBytes: [[UInt8]] = []
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

    /// The entry index for the key, inserting it when new. `methodLength` and `hostLength` say where
    /// the parts of `key` end, to build the `RawEndpointKey` on insertion only.
    mutating func index(hash: UInt64, key: Bytes, methodLength: Int, hostLength: Int) -> Int {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if slotHashes[slot] == hash, RawEndpointTable.equal(keyBytes[entry - 1], key) { return entry - 1 }
            slot = (slot + 1) & mask
        }
        let index = keys.count
        let bytes = Array(key)
        keyBytes.append(bytes)
        let method = String(decoding: bytes[0..<methodLength], as: UTF8.self)
        let host = String(decoding: bytes[(methodLength + 1)..<(methodLength + 1 + hostLength)], as: UTF8.self)
        let path = String(decoding: bytes[(methodLength + hostLength + 2)...], as: UTF8.self)
        keys.append(RawEndpointKey(method: method, host: host, typedPath: path))
        stats.append(EndpointStats())
        slots[slot] = Int32(index + 1)
        slotHashes[slot] = hash
        if keys.count * 2 > slots.count { grow() }
        return index
    }

    private static func equal(_ a: [UInt8], _ b: Bytes) -> Bool {
        guard a.count == b.count else { return false }
        return a.withUnsafeBufferPointer { pa in
            guard let x = pa.baseAddress, let y = b.baseAddress else { return true }
            return memcmp(x, y, a.count) == 0
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
