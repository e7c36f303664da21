#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// librdkafka configuration properties (`bootstrap.servers`, `sasl.password`, …), in the order they
/// were set; a later value of the same name replaces the earlier one.
///
/// Values may come from elsewhere than the command line, so that secrets never appear in `ps` or a
/// shell history: `env:NAME` reads the environment variable NAME, `file:PATH` reads a file (one
/// trailing newline dropped). The values of secret properties (see `isSecret`) are never printed:
/// `description` redacts them and every log line or error from librdkafka is scrubbed of them.
public struct KafkaProperties: Sendable, Equatable, CustomStringConvertible {
    public private(set) var entries: [(name: String, value: String)] = []

    public init() {}

    public init(_ entries: [(String, String)]) {
        for (name, value) in entries { set(name, value) }
    }

    public static func == (a: KafkaProperties, b: KafkaProperties) -> Bool {
        a.entries.elementsEqual(b.entries) { $0.name == $1.name && $0.value == $1.value }
    }

    public mutating func set(_ name: String, _ value: String) {
        if let i = entries.firstIndex(where: { $0.name == name }) {
            entries[i].value = value
        } else {
            entries.append((name, value))
        }
    }

    /// Sets the property only when it has not been set (the user's value wins over a default).
    public mutating func setDefault(_ name: String, _ value: String) {
        if self[name] == nil { set(name, value) }
    }

    public subscript(name: String) -> String? {
        entries.first(where: { $0.name == name })?.value
    }

    /// Names of properties whose values are secrets: never printed, in logs or errors.
    public static func isSecret(_ name: String) -> Bool {
        let n = name.lowercased()
        return ["password", "secret", "key", "token", "sasl.oauthbearer", "sasl.jaas", "credential"]
            .contains { n.contains($0) }
    }

    /// The values of the secret properties, longest first (so scrubbing replaces whole values).
    public var secretValues: [String] {
        entries.filter { KafkaProperties.isSecret($0.name) && $0.value.count >= 3 }
            .map(\.value).sorted { $0.count > $1.count }
    }

    /// `name=value` pairs with every secret value replaced by `[REDACTED]`. Only values of
    /// properties known to hold no secret are shown (a misspelled `sasl.pasword` is not recognised
    /// as a secret by its name, so unknown names show `[not shown]`).
    public var description: String {
        entries.map { "\($0.name)=\(KafkaProperties.isSecret($0.name) ? "[REDACTED]" : (KafkaProperties.isShown($0.name) ? $0.value : "[not shown]"))" }
            .joined(separator: " ")
    }

    /// Names whose values are settings, not credentials: shown in logs.
    static func isShown(_ name: String) -> Bool {
        let n = name.lowercased()
        if ["bootstrap.servers", "group.id", "client.id", "group.instance.id", "security.protocol", "sasl.mechanism",
            "sasl.mechanisms", "sasl.username", "auto.offset.reset", "partition.assignment.strategy", "debug",
            "isolation.level", "enable.auto.commit", "enable.auto.offset.store", "enable.partition.eof",
            "ssl.ca.location", "ssl.certificate.location", "ssl.endpoint.identification.algorithm",
            "broker.address.family", "api.version.request", "compression.codec", "compression.type"].contains(n) { return true }
        return [".ms", ".bytes", ".kbytes", ".messages", ".max", ".min"].contains { n.hasSuffix($0) }
    }

    /// `text` with every occurrence of a secret value replaced by `[REDACTED]`.
    public func scrub(_ text: String) -> String {
        var result = text
        for secret in secretValues where result.contains(secret) {
            result = result.replacing(secret, with: "[REDACTED]")
        }
        return result
    }

    /// Reads one `-X key=value` argument. The value may be `env:NAME` or `file:PATH`; the error
    /// names the property, the variable or the file, never a value.
    public static func parseAssignment(
        _ spec: String,
        environment: (String) -> String? = { name in getenv(name).map { String(cString: $0) } },
        readFile: (String) throws -> String = KafkaProperties.readTextFile
    ) throws -> (name: String, value: String) {
        guard let eq = spec.firstIndex(of: "=") else {
            throw KafkaConfigurationError("-X \(redactedSpec(spec)): expected key=value")
        }
        let name = String(spec[..<eq]).trimmingCharacters(in: " \t")
        guard !name.isEmpty else { throw KafkaConfigurationError("-X \(redactedSpec(spec)): the property name is empty") }
        let raw = String(spec[spec.index(after: eq)...])
        return (name, try resolve(raw, property: name, environment: environment, readFile: readFile))
    }

    /// Resolves a value that may be `env:NAME` or `file:PATH`.
    public static func resolve(
        _ raw: String, property name: String,
        environment: (String) -> String? = { name in getenv(name).map { String(cString: $0) } },
        readFile: (String) throws -> String = KafkaProperties.readTextFile
    ) throws -> String {
        if raw.hasPrefix("env:") {
            let variable = String(raw.dropFirst(4))
            guard !variable.isEmpty else { throw KafkaConfigurationError("property \(name): env: needs a variable name") }
            guard let value = environment(variable) else {
                throw KafkaConfigurationError("property \(name): environment variable \(variable) is not set")
            }
            return value
        }
        if raw.hasPrefix("file:") {
            let path = String(raw.dropFirst(5))
            var value: String
            do { value = try readFile(path) } catch {
                throw KafkaConfigurationError("property \(name): cannot read \(path): \(error)")
            }
            if value.hasSuffix("\r\n") { value.removeLast(2) } else if value.hasSuffix("\n") { value.removeLast() }
            return value
        }
        return raw
    }

    private static func redactedSpec(_ spec: String) -> String {
        guard let eq = spec.firstIndex(of: "=") else { return isSecret(spec) ? "[REDACTED]" : spec }
        let name = String(spec[..<eq])
        return isSecret(name) ? "\(name)=[REDACTED]" : spec
    }

    /// The whole file as UTF-8 text.
    public static func readTextFile(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw KafkaConfigurationError(String(cString: strerror(errno))) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw KafkaConfigurationError(String(cString: strerror(errno)))
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > 16 << 20 { throw KafkaConfigurationError("file larger than 16 MiB") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A property or configuration that cannot be used. Its message never contains a secret value.
public struct KafkaConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
