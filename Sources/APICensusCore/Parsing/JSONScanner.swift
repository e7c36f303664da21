#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One value the `JSONScanner` found for a wanted key path.
public struct JSONValue {
    public enum Kind: UInt8, Sendable {
        /// Not in the line, or `null`.
        case absent
        /// A string; `bytes` are its contents, unescaped when the line had escapes.
        case string
        /// A number, as its raw bytes (`200`, `0.004`, `-1e3`).
        case number
        /// `true` or `false`, as its raw bytes.
        case bool
        /// An object, as its raw bytes from `{` to `}`.
        case object
        /// An array, as its raw bytes from `[` to `]`.
        case array
    }

    public var kind: Kind
    /// Points into the line or into the scanner's scratch buffer; valid until the next `scan`.
    public var bytes: Bytes

    @inlinable public init(kind: Kind, bytes: Bytes) {
        self.kind = kind
        self.bytes = bytes
    }

    @inlinable public static var absent: JSONValue { JSONValue(kind: .absent, bytes: .none) }

    /// True for a string or a number: the kinds that carry a scalar field value.
    @inlinable public var isScalar: Bool { kind == .string || kind == .number }

    /// The key is in the line, `null` included (a `null` value is `absent` with the literal's bytes):
    /// a logger that writes a key with no value logs the field, and logs it empty.
    @inlinable public var isWritten: Bool { kind != .absent || bytes.count > 0 }
}

/// A byte-level scanner for one JSON object per line.
///
/// It is built once with the key paths it should report (`"status"`, `"request.method"`), then
/// `scan(_:)` walks each line exactly once: it validates the structure (balanced objects and arrays,
/// terminated strings, colons and commas, literals, number syntax, nothing after the top-level
/// object), skips everything that is not wanted, and records the value of every wanted key path.
/// No allocation per line: key comparison is length-bucketed byte comparison against keys
/// precomputed at init, and strings are unescaped (only when they contain a backslash) into a
/// scratch buffer the scanner owns and reuses.
///
/// Key paths: a dotted path `a.b.c` matches nested objects `{"a":{"b":{"c":…}}}`, and also keys that
/// themselves contain the dots (`{"a.b":{"c":…}}`, `{"a.b.c":…}`), as flattening loggers write them.
/// Paths do not descend into arrays. When a key occurs twice, the first non-null value wins.
///
/// Leniency, on purpose: raw control bytes and non-UTF-8 bytes inside strings are accepted as-is;
/// the NGINX `escape=default` form `\xHH` is decoded as the byte `HH`; a leading UTF-8 BOM is skipped;
/// lone UTF-16 surrogates in `\u` escapes become U+FFFD.
///
/// Value semantics: copies share storage until one of them scans (copy-on-write), so a copy per
/// worker thread is safe.
public struct JSONScanner: @unchecked Sendable {
    /// Maximum nesting of objects and arrays; deeper lines are rejected.
    public static let maxDepth = 256

    @usableFromInline let table: JSONKeyTable
    @usableFromInline var buffers: JSONScanBuffers

    /// The key paths as given to `init`, in order; `value(_:)` takes an index into this list.
    public var keyPaths: [String] { table.keyPaths }

    /// - Parameter keyPaths: dotted key paths; duplicates are allowed and share one value.
    public init(keyPaths: [String]) {
        table = JSONKeyTable(keyPaths: keyPaths)
        buffers = JSONScanBuffers(slotCount: table.slotCount)
    }

    /// Walks one line. Returns false when the line is not a single well-formed JSON object; the
    /// values are then unspecified. Values found stay valid until the next call.
    public mutating func scan(_ line: Bytes) -> Bool {
        if !isKnownUniquelyReferenced(&buffers) { buffers = buffers.clone() }
        let b = buffers
        b.clearValues()
        // Unescaped strings never outgrow their escaped form, and `joined` needs at most the line
        // again: reserving twice the line up front means the buffer never moves while a line is
        // being parsed, so views handed out stay valid.
        b.reserveScratch(2 &* line.count &+ 64)
        b.scratchUsed = 0
        guard let base = line.baseAddress, line.count > 0 else { return false }
        var walk = JSONWalk(
            p: base, end: base + line.count,
            scratch: b.scratch, out: b.scratch,
            buckets: table.buckets, entries: table.entries, keyBytes: table.keyBytes,
            values: b.values, depth: 0)
        let ok = walk.document()
        b.scratchUsed = walk.out - b.scratch
        return ok
    }

    /// The value found for `keyPaths[index]` by the last `scan`.
    @inlinable public func value(_ index: Int) -> JSONValue {
        buffers.values[Int(table.slotOfPath[index])]
    }

    /// The value found for a key path given at init (linear search over the paths; for tests).
    public func value(forKeyPath path: String) -> JSONValue {
        guard let i = table.keyPaths.firstIndex(of: path) else { return .absent }
        return value(i)
    }

    /// `a + separator + b` copied into the scratch buffer (after anything unescaped by the last
    /// scan); valid until the next `scan`. The inputs may themselves be views into the scratch.
    /// Room is guaranteed when `a` and `b` are disjoint values from the last scanned line.
    public mutating func joined(_ a: Bytes, _ separator: UInt8, _ b: Bytes) -> Bytes {
        let buf = buffers  // no uniqueness check: this must not move what `scan` handed out
        let need = a.count + 1 + b.count
        guard buf.scratchUsed + need <= buf.scratchCapacity else { return .none }
        let start = buf.scratch + buf.scratchUsed
        if let pa = a.baseAddress, a.count > 0 { start.update(from: pa, count: a.count) }
        start[a.count] = separator
        if let pb = b.baseAddress, b.count > 0 { (start + a.count + 1).update(from: pb, count: b.count) }
        buf.scratchUsed += need
        return Bytes(start: start, count: need)
    }
}

// MARK: - Key table

/// The wanted key paths as a trie of objects, flattened into flat buffers: for each node, the keys
/// it wants bucketed by length (0…31, then one bucket for 32 and longer). Immutable after init.
@usableFromInline
final class JSONKeyTable: @unchecked Sendable {
    static let bucketCount = 33  // key lengths 0...31, then >= 32

    struct Entry {
        var keyStart: Int32
        var keyLength: Int32
        /// Slot receiving the value at this key, or -1.
        var slot: Int32
        /// Trie node to descend into when the value is an object, or -1.
        var child: Int32
    }

    let keyPaths: [String]
    @usableFromInline let slotOfPath: UnsafeMutablePointer<Int32>
    let slotCount: Int
    /// `nodeCount * (bucketCount + 1)` offsets into `entries`.
    let buckets: UnsafeMutablePointer<Int32>
    let entries: UnsafeMutablePointer<Entry>
    let keyBytes: UnsafeMutablePointer<UInt8>

    private final class TrieNode {
        var keys: [[UInt8]] = []
        var slots: [Int32] = []
        var children: [TrieNode?] = []

        func index(of key: [UInt8]) -> Int {
            if let i = keys.firstIndex(of: key) { return i }
            keys.append(key); slots.append(-1); children.append(nil)
            return keys.count - 1
        }
    }

    init(keyPaths: [String]) {
        self.keyPaths = keyPaths
        var uniqueSlot: [String: Int32] = [:]
        slotOfPath = .allocate(capacity: max(1, keyPaths.count))
        for (i, path) in keyPaths.enumerated() {
            if let s = uniqueSlot[path] {
                slotOfPath[i] = s
            } else {
                let s = Int32(uniqueSlot.count)
                uniqueSlot[path] = s
                slotOfPath[i] = s
            }
        }
        slotCount = uniqueSlot.count

        let root = TrieNode()
        for (path, slot) in uniqueSlot.sorted(by: { $0.value < $1.value }) {
            let segments = path.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
            for grouping in JSONKeyTable.groupings(segments) {
                var node = root
                for (k, key) in grouping.enumerated() {
                    let i = node.index(of: key)
                    if k == grouping.count - 1 {
                        node.slots[i] = slot
                    } else {
                        if node.children[i] == nil { node.children[i] = TrieNode() }
                        node = node.children[i]!
                    }
                }
            }
        }

        // Flatten breadth-first; node 0 is the root.
        var nodes: [TrieNode] = [root]
        var n = 0
        while n < nodes.count {
            for child in nodes[n].children { if let child { nodes.append(child) } }
            n += 1
        }
        let nodeIndex = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { (ObjectIdentifier($0.element), Int32($0.offset)) })
        let perNode = JSONKeyTable.bucketCount + 1
        var bucketOffsets: [Int32] = []
        var flat: [Entry] = []
        var bytes: [UInt8] = []
        for node in nodes {
            for bucket in 0..<JSONKeyTable.bucketCount {
                bucketOffsets.append(Int32(flat.count))
                for i in node.keys.indices where min(node.keys[i].count, JSONKeyTable.bucketCount - 1) == bucket {
                    flat.append(Entry(
                        keyStart: Int32(bytes.count), keyLength: Int32(node.keys[i].count),
                        slot: node.slots[i],
                        child: node.children[i].map { nodeIndex[ObjectIdentifier($0)]! } ?? -1))
                    bytes += node.keys[i]
                }
            }
            bucketOffsets.append(Int32(flat.count))
        }
        precondition(bucketOffsets.count == nodes.count * perNode)
        buckets = .allocate(capacity: bucketOffsets.count)
        buckets.initialize(from: bucketOffsets, count: bucketOffsets.count)
        entries = .allocate(capacity: max(1, flat.count))
        entries.initialize(from: flat, count: flat.count)
        keyBytes = .allocate(capacity: max(1, bytes.count))
        keyBytes.initialize(from: bytes, count: bytes.count)
    }

    /// Every way of grouping consecutive segments into keys joined by `.`: `a.b.c` gives
    /// `[a,b,c]`, `[a.b,c]`, `[a,b.c]`, `[a.b.c]`. Long paths keep only fully nested and fully flat.
    static func groupings(_ segments: [[UInt8]]) -> [[[UInt8]]] {
        let dot = UInt8(ascii: ".")
        let joinedAll = Array(segments.joined(separator: [dot]))
        guard segments.count > 1 else { return [segments] }
        guard segments.count <= 6 else { return [segments, [joinedAll]] }
        var result: [[[UInt8]]] = []
        let cuts = segments.count - 1
        for mask in 0..<(1 << cuts) {
            var keys: [[UInt8]] = []
            var current = segments[0]
            for i in 0..<cuts {
                if mask & (1 << i) != 0 {
                    keys.append(current)
                    current = segments[i + 1]
                } else {
                    current += [dot] + segments[i + 1]
                }
            }
            keys.append(current)
            result.append(keys)
        }
        return result
    }

    deinit {
        slotOfPath.deallocate()
        buckets.deallocate()
        entries.deallocate()
        keyBytes.deallocate()
    }
}

// MARK: - Per-scanner buffers

@usableFromInline
final class JSONScanBuffers: @unchecked Sendable {
    @usableFromInline let values: UnsafeMutablePointer<JSONValue>
    let slotCount: Int
    var scratch: UnsafeMutablePointer<UInt8>
    var scratchCapacity: Int
    var scratchUsed = 0

    init(slotCount: Int, scratchCapacity: Int = 4096) {
        self.slotCount = slotCount
        values = .allocate(capacity: max(1, slotCount))
        values.initialize(repeating: .absent, count: max(1, slotCount))
        self.scratchCapacity = scratchCapacity
        scratch = .allocate(capacity: scratchCapacity)
    }

    func clone() -> JSONScanBuffers {
        let copy = JSONScanBuffers(slotCount: slotCount, scratchCapacity: scratchCapacity)
        return copy
    }

    @inline(__always) func clearValues() {
        // JSONValue is trivial: a plain fill.
        values.update(repeating: .absent, count: slotCount)
    }

    @inline(__always) func reserveScratch(_ capacity: Int) {
        guard capacity > scratchCapacity else { return }
        var newCapacity = scratchCapacity
        while newCapacity < capacity { newCapacity *= 2 }
        scratch.deallocate()
        scratch = .allocate(capacity: newCapacity)
        scratchCapacity = newCapacity
    }

    deinit {
        values.deinitialize(count: max(1, slotCount))
        values.deallocate()
        scratch.deallocate()
    }
}

// MARK: - The walk

/// Recursive-descent walk over one line. All state is local; nothing here allocates.
struct JSONWalk {
    var p: UnsafePointer<UInt8>
    let end: UnsafePointer<UInt8>
    let scratch: UnsafeMutablePointer<UInt8>
    var out: UnsafeMutablePointer<UInt8>
    let buckets: UnsafeMutablePointer<Int32>
    let entries: UnsafeMutablePointer<JSONKeyTable.Entry>
    let keyBytes: UnsafeMutablePointer<UInt8>
    let values: UnsafeMutablePointer<JSONValue>
    var depth: Int

    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")

    @inline(__always) mutating func skipWhitespace() {
        while p < end {
            let c = p.pointee
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            p += 1
        }
    }

    mutating func document() -> Bool {
        // UTF-8 byte order mark.
        if end - p >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { p += 3 }
        skipWhitespace()
        guard p < end, p.pointee == UInt8(ascii: "{") else { return false }
        guard object(node: 0) else { return false }
        skipWhitespace()
        return p == end
    }

    /// Advances `p` to the first `"` or `\` at or after it, or to `end`. Eight bytes at a time.
    @inline(__always) mutating func findQuoteOrBackslash() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes: UInt64 = 0x2222_2222_2222_2222
        let backslashes: UInt64 = 0x5C5C_5C5C_5C5C_5C5C
        while end - p >= 8 {
            let word = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
            let q = word ^ quotes
            let b = word ^ backslashes
            // Lowest flagged byte of each is exact (borrows only propagate upwards).
            let hit = ((q &- ones) & ~q & highs) | ((b &- ones) & ~b & highs)
            if hit != 0 {
                p += hit.trailingZeroBitCount >> 3
                return
            }
            p += 8
        }
        while p < end {
            let c = p.pointee
            if c == JSONWalk.quote || c == JSONWalk.backslash { return }
            p += 1
        }
    }

    /// `p` at the opening quote; skips the string. Escapes are checked only for their presence.
    @inline(__always) mutating func skipString() -> Bool {
        p += 1
        while true {
            findQuoteOrBackslash()
            guard p < end else { return false }
            if p.pointee == JSONWalk.quote { p += 1; return true }
            guard end - p >= 2 else { return false }
            p += 2
        }
    }

    /// `p` at the opening quote; leaves `p` after the closing quote and returns the raw contents
    /// and whether they hold a backslash.
    @inline(__always) mutating func rawString(_ start: inout UnsafePointer<UInt8>, _ escaped: inout Bool) -> Int {
        p += 1
        start = p
        escaped = false
        while true {
            findQuoteOrBackslash()
            guard p < end else { return -1 }
            if p.pointee == JSONWalk.quote {
                let length = p - start
                p += 1
                return length
            }
            escaped = true
            guard end - p >= 2 else { return -1 }
            p += 2
        }
    }

    /// `p` at the opening quote; unescapes into the scratch buffer if needed. Returns the contents.
    mutating func capturedString() -> Bytes? {
        p += 1
        let start = p
        findQuoteOrBackslash()
        guard p < end else { return nil }
        if p.pointee == JSONWalk.quote {
            let value = Bytes(start: start, count: p - start)
            p += 1
            return value
        }
        // Escaped: copy what came before, then alternate escapes and plain runs.
        let outStart = out
        let prefix = p - start
        if prefix > 0 { out.update(from: start, count: prefix); out += prefix }
        while true {
            guard unescapeOne() else { return nil }
            let run = p
            findQuoteOrBackslash()
            guard p < end else { return nil }
            let length = p - run
            if length > 0 { out.update(from: run, count: length); out += length }
            if p.pointee == JSONWalk.quote {
                p += 1
                return Bytes(start: UnsafePointer(outStart), count: out - outStart)
            }
        }
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 48...57: return UInt32(c - 48)
        case 65...70: return UInt32(c - 55)
        case 97...102: return UInt32(c - 87)
        default: return nil
        }
    }

    @inline(__always) func hex4(_ at: UnsafePointer<UInt8>) -> UInt32? {
        guard end - at >= 4,
              let a = JSONWalk.hexValue(at[0]), let b = JSONWalk.hexValue(at[1]),
              let c = JSONWalk.hexValue(at[2]), let d = JSONWalk.hexValue(at[3]) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    @inline(__always) mutating func emit(_ byte: UInt8) {
        out.pointee = byte
        out += 1
    }

    mutating func emitScalar(_ v: UInt32) {
        switch v {
        case 0..<0x80:
            emit(UInt8(v))
        case 0x80..<0x800:
            emit(UInt8(0xC0 | (v >> 6)))
            emit(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            emit(UInt8(0xE0 | (v >> 12)))
            emit(UInt8(0x80 | ((v >> 6) & 0x3F)))
            emit(UInt8(0x80 | (v & 0x3F)))
        default:
            emit(UInt8(0xF0 | (v >> 18)))
            emit(UInt8(0x80 | ((v >> 12) & 0x3F)))
            emit(UInt8(0x80 | ((v >> 6) & 0x3F)))
            emit(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// `p` at a backslash: decodes one escape into the scratch buffer. The output is never longer
    /// than the input it consumes.
    mutating func unescapeOne() -> Bool {
        guard end - p >= 2 else { return false }
        let c = p[1]
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): emit(c)
        case UInt8(ascii: "n"): emit(0x0A)
        case UInt8(ascii: "t"): emit(0x09)
        case UInt8(ascii: "r"): emit(0x0D)
        case UInt8(ascii: "b"): emit(0x08)
        case UInt8(ascii: "f"): emit(0x0C)
        case UInt8(ascii: "u"):
            guard let unit = hex4(p + 2) else { return false }
            p += 6
            if unit >= 0xD800 && unit < 0xDC00 {
                if end - p >= 6, p[0] == JSONWalk.backslash, p[1] == UInt8(ascii: "u"),
                   let low = hex4(p + 2), low >= 0xDC00, low < 0xE000 {
                    p += 6
                    emitScalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                } else {
                    emitScalar(0xFFFD)
                }
            } else if unit >= 0xDC00 && unit < 0xE000 {
                emitScalar(0xFFFD)
            } else {
                emitScalar(unit)
            }
            return true
        case UInt8(ascii: "x"):
            // NGINX `escape=default` writes `\xHH`; not JSON, but common in "JSON" access logs.
            guard end - p >= 4, let h = JSONWalk.hexValue(p[2]), let l = JSONWalk.hexValue(p[3]) else { return false }
            emit(UInt8(h << 4 | l))
            p += 4
            return true
        default:
            return false
        }
        p += 2
        return true
    }

    /// Finds the entry for a key at a trie node, or nil.
    @inline(__always) func lookup(node: Int32, key: UnsafePointer<UInt8>, length: Int) -> JSONKeyTable.Entry? {
        let bucket = Int(node) &* (JSONKeyTable.bucketCount &+ 1) &+ min(length, JSONKeyTable.bucketCount &- 1)
        var i = Int(buckets[bucket])
        let stop = Int(buckets[bucket &+ 1])
        while i < stop {
            let e = entries[i]
            if Int(e.keyLength) == length {
                let k = keyBytes + Int(e.keyStart)
                if length == 0 || (k.pointee == key.pointee && memcmp(k, key, length) == 0) { return e }
            }
            i &+= 1
        }
        return nil
    }

    /// `p` at `{`. With `node` >= 0 the keys are matched against that trie node.
    mutating func object(node: Int32) -> Bool {
        depth &+= 1
        guard depth <= JSONScanner.maxDepth else { return false }
        p += 1
        skipWhitespace()
        guard p < end else { return false }
        if p.pointee == UInt8(ascii: "}") { p += 1; depth &-= 1; return true }
        while true {
            guard p < end, p.pointee == JSONWalk.quote else { return false }
            var slot: Int32 = -1
            var child: Int32 = -1
            if node >= 0 {
                var keyStart = p
                var escaped = false
                let length = rawString(&keyStart, &escaped)
                guard length >= 0 else { return false }
                var entry: JSONKeyTable.Entry?
                if !escaped {
                    entry = lookup(node: node, key: keyStart, length: length)
                } else {
                    // Rare: unescape the key into the scratch, compare, then give the room back.
                    let after = p
                    p = keyStart - 1
                    let mark = out
                    guard let key = capturedString() else { return false }
                    p = after
                    if let k = key.baseAddress { entry = lookup(node: node, key: k, length: key.count) }
                    else { entry = lookup(node: node, key: keyStart, length: 0) }
                    out = mark
                }
                if let entry { slot = entry.slot; child = entry.child }
            } else {
                guard skipString() else { return false }
            }
            skipWhitespace()
            guard p < end, p.pointee == UInt8(ascii: ":") else { return false }
            p += 1
            skipWhitespace()
            guard value(slot: slot, child: child) else { return false }
            skipWhitespace()
            guard p < end else { return false }
            let c = p.pointee
            p += 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "}") { depth &-= 1; return true }
            return false
        }
    }

    /// `p` at `[`. Elements are never matched.
    mutating func array() -> Bool {
        depth &+= 1
        guard depth <= JSONScanner.maxDepth else { return false }
        p += 1
        skipWhitespace()
        guard p < end else { return false }
        if p.pointee == UInt8(ascii: "]") { p += 1; depth &-= 1; return true }
        while true {
            guard value(slot: -1, child: -1) else { return false }
            skipWhitespace()
            guard p < end else { return false }
            let c = p.pointee
            p += 1
            if c == UInt8(ascii: ",") {
                skipWhitespace()
                continue
            }
            if c == UInt8(ascii: "]") { depth &-= 1; return true }
            return false
        }
    }

    @inline(__always) mutating func literal(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, _ e: UInt8?) -> Bool {
        let length = e == nil ? 4 : 5
        guard end - p >= length, p[0] == a, p[1] == b, p[2] == c, p[3] == d else { return false }
        if let e { guard p[4] == e else { return false } }
        p += length
        return true
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }

    mutating func number() -> Bool {
        if p.pointee == UInt8(ascii: "-") { p += 1 }
        var digits = 0
        while p < end, JSONWalk.isDigit(p.pointee) { p += 1; digits &+= 1 }
        guard digits > 0 else { return false }
        if p < end, p.pointee == UInt8(ascii: ".") {
            p += 1
            digits = 0
            while p < end, JSONWalk.isDigit(p.pointee) { p += 1; digits &+= 1 }
            guard digits > 0 else { return false }
        }
        if p < end, p.pointee | 0x20 == UInt8(ascii: "e") {
            p += 1
            if p < end, p.pointee == UInt8(ascii: "+") || p.pointee == UInt8(ascii: "-") { p += 1 }
            digits = 0
            while p < end, JSONWalk.isDigit(p.pointee) { p += 1; digits &+= 1 }
            guard digits > 0 else { return false }
        }
        return true
    }

    @inline(__always) mutating func record(_ slot: Int32, _ kind: JSONValue.Kind, _ start: UnsafePointer<UInt8>) {
        values[Int(slot)] = JSONValue(kind: kind, bytes: Bytes(start: start, count: p - start))
    }

    /// `p` at the first byte of a value (whitespace already skipped).
    mutating func value(slot: Int32, child: Int32) -> Bool {
        guard p < end else { return false }
        // Only the first non-null occurrence of a wanted key counts.
        let wanted = slot >= 0 && values[Int(slot)].kind == .absent
        let start = p
        switch p.pointee {
        case JSONWalk.quote:
            if wanted {
                guard let s = capturedString() else { return false }
                values[Int(slot)] = JSONValue(kind: .string, bytes: s)
                return true
            }
            return skipString()
        case UInt8(ascii: "{"):
            guard object(node: child) else { return false }
            if wanted { record(slot, .object, start) }
            return true
        case UInt8(ascii: "["):
            guard array() else { return false }
            if wanted { record(slot, .array, start) }
            return true
        case UInt8(ascii: "t"):
            guard literal(0x74, 0x72, 0x75, 0x65, nil) else { return false }
            if wanted { record(slot, .bool, start) }
            return true
        case UInt8(ascii: "f"):
            guard literal(0x66, 0x61, 0x6C, 0x73, 0x65) else { return false }
            if wanted { record(slot, .bool, start) }
            return true
        case UInt8(ascii: "n"):
            // null: absent, but its bytes say the key was written (`JSONValue.isWritten`).
            guard literal(0x6E, 0x75, 0x6C, 0x6C, nil) else { return false }
            if wanted { record(slot, .absent, start) }
            return true
        case UInt8(ascii: "-"), 48...57:
            guard number() else { return false }
            if wanted { record(slot, .number, start) }
            return true
        default:
            return false
        }
    }
}
