import APICensusConsumer
import APICensusCore
import APICensusKafka
import Yams

/// The `kafka` section of a YAML configuration file (Schemas/config.schema.json). Other top-level
/// sections are left to the commands that read them.
///
/// ```yaml
/// kafka:
///   brokers: broker-1:9092,broker-2:9092
///   group: apicensus
///   from: earliest
///   properties:                  # any librdkafka property; env:NAME / file:PATH for secrets
///     security.protocol: SASL_SSL
///     sasl.mechanism: SCRAM-SHA-512
///     sasl.username: apicensus
///     sasl.password: env:KAFKA_PASSWORD
///   topics:
///     - name: nginx-access
///       format: combined         # optional: detected when absent
///     - name: kong-logs
///       format: json
///       field_map: method=request.method,target=request.uri,status=response.status
///       envelope: none           # auto (default) or none
/// ```
struct ConsumeConfigFile {
    struct Topic {
        var name: String
        var format: LogFormat?
        var fieldMap: FieldMap?
        var envelope: TopicSettings.Envelope?
    }

    var brokers: String?
    var group: String?
    var from: String?
    var properties: [(String, String)] = []
    var topics: [Topic] = []

    static func load(path: String) throws -> ConsumeConfigFile {
        let text: String
        do { text = try KafkaProperties.readTextFile(path) } catch {
            throw ConfigFileError("--config \(path): cannot read: \(error)")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws -> ConsumeConfigFile {
        func fail(_ message: String) -> ConfigFileError { ConfigFileError("--config \(path): \(message)") }
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch {
            throw fail("not valid YAML: \(error)")
        }
        guard let document = root as? [String: Any] else { throw fail("expected a mapping at the top level") }
        var result = ConsumeConfigFile()
        guard let kafka = document["kafka"] else { return result }
        guard let section = kafka as? [String: Any] else { throw fail("kafka: expected a mapping") }
        let known: Set<String> = ["brokers", "group", "from", "properties", "topics"]
        if let unknown = section.keys.sorted().first(where: { !known.contains($0) }) {
            throw fail("kafka.\(unknown): unknown key (known: \(known.sorted().joined(separator: ", ")))")
        }
        func scalar(_ value: Any?, _ name: String) throws -> String? {
            guard let value else { return nil }
            if let s = value as? String { return s }
            if let i = value as? Int { return String(i) }
            if let b = value as? Bool { return b ? "true" : "false" }
            if let d = value as? Double { return String(d) }
            if let list = value as? [Any] {
                return try list.map { try scalar($0, name) ?? "" }.joined(separator: ",")
            }
            throw fail("\(name): expected a scalar")
        }
        result.brokers = try scalar(section["brokers"], "kafka.brokers")
        result.group = try scalar(section["group"], "kafka.group")
        result.from = try scalar(section["from"], "kafka.from")
        if let props = section["properties"] {
            guard let map = props as? [String: Any] else { throw fail("kafka.properties: expected a mapping of librdkafka properties") }
            for name in map.keys.sorted() {
                guard let raw = try scalar(map[name], "kafka.properties.\(name)") else { continue }
                do {
                    result.properties.append((name, try KafkaProperties.resolve(raw, property: name)))
                } catch let error as KafkaConfigurationError {
                    throw fail(error.message)
                }
            }
        }
        if let topics = section["topics"] {
            guard let list = topics as? [Any] else { throw fail("kafka.topics: expected a list") }
            for (i, entry) in list.enumerated() {
                if let name = entry as? String {
                    result.topics.append(Topic(name: name))
                    continue
                }
                guard let t = entry as? [String: Any], let name = try scalar(t["name"], "kafka.topics[\(i)].name") else {
                    throw fail("kafka.topics[\(i)]: expected a topic name or a mapping with name")
                }
                var topic = Topic(name: name)
                if let f = try scalar(t["format"], "kafka.topics[\(i)].format") {
                    guard let format = LogFormat(rawValue: f) else {
                        throw fail("kafka.topics[\(i)].format: unknown format '\(f)'; use one of: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    topic.format = format
                }
                if let spec = try scalar(t["field_map"], "kafka.topics[\(i)].field_map") {
                    do { topic.fieldMap = try FieldMap(parsing: spec) } catch {
                        throw fail("kafka.topics[\(i)].field_map: \(error)")
                    }
                }
                if let e = try scalar(t["envelope"], "kafka.topics[\(i)].envelope") {
                    guard let envelope = TopicSettings.Envelope(rawValue: e) else { throw fail("kafka.topics[\(i)].envelope: auto or none") }
                    topic.envelope = envelope
                }
                result.topics.append(topic)
            }
        }
        return result
    }
}

struct ConfigFileError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}
