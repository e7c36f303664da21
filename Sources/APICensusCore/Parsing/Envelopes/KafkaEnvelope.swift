#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Log shippers that forward access logs to Kafka usually wrap each line in a JSON event of their
/// own: Filebeat and Logstash put the line in `message` (Filebeat's ECS output may keep it in
/// `event.original`), Vector in `message`, Fluent Bit's tail and Docker inputs in `log`. The
/// unwrapper finds that field and hands back the log text inside, which is then parsed like a line
/// read from a file (it may itself be a JSON access-log line, or hold several lines).
///
/// A message is an envelope when it is one JSON object with one of the envelope fields as a
/// string; anything else (a raw log line, a JSON access-log line without those fields, a JSON
/// object whose `message` is not a string) is left as it is. Envelopes nested in envelopes (a
/// Docker `log` record shipped by Filebeat) are unwrapped up to `maxDepth` levels.
///
/// No allocation per message once warmed up: the JSON scanner and the two hold buffers are reused.
/// The bytes returned stay valid until the next `unwrap`.
public struct EnvelopeUnwrapper {
    /// Envelope fields, in the order they are tried.
    public static let defaultFields = ["message", "log", "event.original"]
    public static let maxDepth = 3

    public let fields: [String]
    private var scanner: JSONScanner
    /// `"message"`, `"log"`, `"original"`: a message without any of them is no envelope, and the
    /// quick byte search saves the JSON scan of plain JSON access-log lines.
    private let quotedKeys: [[UInt8]]
    private var hold = HoldBuffer()
    private var spare = HoldBuffer()

    public init(fields: [String] = EnvelopeUnwrapper.defaultFields) {
        self.fields = fields
        scanner = JSONScanner(keyPaths: fields)
        quotedKeys = fields.map { Array("\"\($0.split(separator: ".").last ?? "")\"".utf8) }
    }

    /// The log text inside `payload` when it is an envelope (`depth` says how many were removed);
    /// nil when it is not one.
    public mutating func unwrap(_ payload: Bytes) -> (text: Bytes, depth: Int)? {
        var current = payload
        var depth = 0
        while depth < EnvelopeUnwrapper.maxDepth, let inner = unwrapOnce(current) {
            depth += 1
            // The scanner reuses its scratch space on the next scan: keep the text in a hold buffer
            // when another level may follow.
            guard EnvelopeUnwrapper.looksLikeObject(inner), depth < EnvelopeUnwrapper.maxDepth else {
                current = inner
                break
            }
            swap(&hold, &spare)
            current = hold.replace(with: inner)
        }
        return depth > 0 ? (current, depth) : nil
    }

    private mutating func unwrapOnce(_ payload: Bytes) -> Bytes? {
        guard EnvelopeUnwrapper.looksLikeObject(payload), containsAnyKey(payload) else { return nil }
        var trimmed = payload
        while let last = trimmed.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 {
            trimmed = Bytes(rebasing: trimmed.dropLast())
        }
        guard scanner.scan(trimmed) else { return nil }
        for i in fields.indices {
            let value = scanner.value(i)
            if value.kind == .string { return value.bytes }
        }
        return nil
    }

    /// First non-blank byte is `{`.
    static func looksLikeObject(_ bytes: Bytes) -> Bool {
        for b in bytes {
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { continue }
            return b == UInt8(ascii: "{")
        }
        return false
    }

    /// One pass over the quotes of the message: does any envelope key appear as `"key"`?
    private func containsAnyKey(_ bytes: Bytes) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var position = 0
        while position < bytes.count, let hit = memchr(base + position, 0x22, bytes.count - position) {
            let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            for key in quotedKeys where at + key.count <= bytes.count && base[at + key.count - 1] == 0x22 {
                if key.withUnsafeBytes({ memcmp(base + at, $0.baseAddress!, key.count) }) == 0 { return true }
            }
            position = at + 1
        }
        return false
    }
}

/// Owned bytes with a stable address (views into it stay valid until the next `replace`).
private final class HoldBuffer {
    private var pointer: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init() {
        capacity = 4096
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }

    func replace(with bytes: Bytes) -> Bytes {
        if bytes.count > capacity {
            pointer.deallocate()
            capacity = max(bytes.count, capacity * 2)
            pointer = .allocate(capacity: capacity)
        }
        if let base = bytes.baseAddress, bytes.count > 0 { pointer.update(from: base, count: bytes.count) }
        return Bytes(start: pointer, count: bytes.count)
    }
}
