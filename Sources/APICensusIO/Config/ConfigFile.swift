import APICensusCore
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The YAML configuration file (`--config FILE`, `Schemas/config.schema.json`), one file for
/// `apicensus batch` and `apicensus consume`: sources with their roles and formats (batch), the
/// `kafka` section with its topics (consume), and what both share — networks, gateway-evidence
/// headers, API-key names, route patterns, and paths handed on to the spec and rules readers. Every
/// section is checked by whichever command reads the file, so a file that one command accepts the
/// other accepts too; unknown keys are errors naming the file, the line and the key.
public struct ConfigFile: Sendable {
    public struct Source: Sendable, Equatable {
        public var path: String
        public var options: SourceOptions
    }

    /// The `kafka:` section: what `apicensus consume` reads and from where. Property values are kept
    /// as written (`env:NAME` and `file:PATH` are resolved by the consumer, never here).
    public struct Kafka: Sendable, Equatable {
        public struct Property: Sendable, Equatable {
            public var name: String
            /// As written; a relative `file:PATH` is made relative to the configuration's folder.
            public var value: String
            public var line: Int?
        }

        /// Shipper envelopes on a topic: `auto` unwraps them, `none` reads every value as log text.
        public enum Envelope: String, Sendable, Equatable, CaseIterable {
            case auto, none
        }

        public struct Topic: Sendable, Equatable {
            public var name: String
            public var format: LogFormat?
            /// `log_format: 'nginx:…' | 'apache:…'`: detected with the catalogued formats, or forced
            /// with `format: custom`.
            public var customFormat: CustomFormat?
            public var fieldMap: FieldMap?
            public var envelope: Envelope?
            /// The role of the topic's records (default: the format's role), as a source's role.
            public var role: SourceRole?
            /// The host every call of the topic is filed under (it replaces a host the log names).
            public var host: String?
            public var line: Int?

            public init(name: String, line: Int? = nil) {
                self.name = name
                self.line = line
            }
        }

        public var brokers: String?
        public var group: String?
        /// `earliest` or `latest`.
        public var from: String?
        public var properties: [Property] = []
        public var topics: [Topic] = []
        /// Where the section starts.
        public var line: Int?
    }

    public var path: String
    public var sources: [Source] = []
    public var coverage = CoverageSettings()
    public var routes = RoutePatternSet()
    /// A maturity rules file (`rules:`), for the maturity scoring.
    public var rulesPath: String?
    /// OpenAPI documents (`specs:`), for the drift analysis.
    public var specPaths: [String] = []
    /// The `kafka:` section, for the Kafka service.
    public var kafka: Kafka?
    /// The line each top-level key is on, for messages about whole sections.
    public var sectionLines: [String: Int] = [:]
    /// Things worth saying that do not stop the run, such as custom-format variables APICensus does
    /// not know. Each command prints those of the sections it reads.
    public var warnings: [Warning] = []

    public struct Warning: Sendable, Equatable, CustomStringConvertible {
        /// The top-level key it concerns (`sources`, `kafka`).
        public var section: String
        /// `file:line: key: message`.
        public var description: String
    }

    /// Top-level keys, in the order the schema lists them.
    public static let topLevelKeys = ["version", "sources", "networks", "gateway_evidence", "api_keys", "routes", "rules", "specs", "kafka"]

    /// Reads and checks the file. Relative paths inside it are relative to the file's folder.
    public static func load(path: String) throws(ConfigError) -> ConfigFile {
        guard let data = readFile(path) else {
            throw ConfigError(file: path, line: nil, key: nil, message: "cannot read the file: \(String(cString: strerror(errno)))")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String) throws(ConfigError) -> ConfigFile {
        var config = ConfigFile(path: path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigError(yaml: error, file: path)
        } catch {
            throw ConfigError(file: path, line: nil, key: nil, message: "\(error)")
        }
        guard let root else { return config }      // an empty file configures nothing
        let reader = Reader(file: path, baseDirectory: directory(of: path))
        let top = try reader.mapping(root, key: "", allowed: topLevelKeys)
        for (key, _) in root.mapping! {     // a mapping: `reader.mapping` checked it
            if let name = key.scalar?.string, let line = key.mark?.line { config.sectionLines[name] = line }
        }
        for (key, node) in top {
            switch key {
            case "version":
                let v = try reader.scalar(node, key: key)
                guard v == "1" else { throw reader.error(node, key, "unsupported version '\(v)'; this APICensus reads version 1") }
            case "sources":
                for (i, item) in try reader.sequence(node, key: key).enumerated() {
                    config.sources.append(try reader.source(item, key: "sources[\(i)]", warnings: &config.warnings))
                }
            case "networks":
                try reader.networks(node, into: &config.coverage)
            case "gateway_evidence":
                let fields = try reader.mapping(node, key: key, allowed: ["headers"])
                for (k, v) in fields where k == "headers" {
                    config.coverage.gatewayEvidenceHeaders = NamePatternSet(try reader.names(v, key: "gateway_evidence.headers"))
                }
            case "api_keys":
                let fields = try reader.mapping(node, key: key, allowed: ["headers", "query_parameters"])
                for (k, v) in fields {
                    let names = try reader.names(v, key: "api_keys.\(k)")
                    if k == "headers" { config.coverage.apiKeyHeaders = NamePatternSet(names) }
                    else { config.coverage.apiKeyQueryParameters = NamePatternSet(names) }
                }
            case "routes":
                var patterns: [RoutePattern] = []
                for (i, item) in try reader.sequence(node, key: key).enumerated() {
                    patterns.append(try reader.route(item, key: "routes[\(i)]"))
                }
                config.routes = RoutePatternSet(patterns)
            case "rules":
                config.rulesPath = reader.resolve(try reader.scalar(node, key: key))
            case "specs":
                config.specPaths = try reader.sequence(node, key: key).enumerated().map { i, item throws(ConfigError) in
                    reader.resolve(try reader.scalar(item, key: "specs[\(i)]"))
                }
            case "kafka":
                config.kafka = try reader.kafka(node, warnings: &config.warnings)
                config.kafka?.line = config.sectionLines["kafka"]
            default:
                break
            }
        }
        return config
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return out }
            out.append(contentsOf: buffer[0..<n])
            if out.count > 16 << 20 { errno = EFBIG; return nil }
        }
    }

    /// Walks the YAML nodes with the file and the key path at hand, for errors that name both.
    struct Reader {
        let file: String
        let baseDirectory: String

        func error(_ node: Node, _ key: String, _ message: String) -> ConfigError {
            ConfigError(file: file, line: node.mark?.line, key: key.isEmpty ? nil : key, message: message)
        }

        func resolve(_ path: String) -> String {
            path.hasPrefix("/") || path == "-" || baseDirectory.isEmpty ? path : baseDirectory + path
        }

        /// A mapping's entries in file order; unknown keys are errors that list the allowed ones.
        func mapping(_ node: Node, key: String, allowed: [String]) throws(ConfigError) -> [(String, Node)] {
            guard let mapping = node.mapping else { throw error(node, key, "must be a mapping (key: value)") }
            var result: [(String, Node)] = []
            for (k, v) in mapping {
                guard let name = k.scalar?.string else { throw error(k, key, "keys must be plain words") }
                let path = key.isEmpty ? name : "\(key).\(name)"
                guard allowed.contains(name) else {
                    throw error(k, path, "unknown key '\(name)'; expected one of: \(allowed.joined(separator: ", "))")
                }
                result.append((name, v))
            }
            return result
        }

        func sequence(_ node: Node, key: String) throws(ConfigError) -> [Node] {
            guard let s = node.sequence else { throw error(node, key, "must be a list") }
            return Array(s)
        }

        func scalar(_ node: Node, key: String) throws(ConfigError) -> String {
            guard let s = node.scalar?.string else { throw error(node, key, "must be a single value") }
            return s
        }

        func names(_ node: Node, key: String) throws(ConfigError) -> [String] {
            var names: [String] = []
            for (i, item) in try sequence(node, key: key).enumerated() {
                let name = try scalar(item, key: "\(key)[\(i)]")
                guard !name.isEmpty, !name.contains(where: { $0 == " " || $0 == ":" }) else {
                    throw error(item, "\(key)[\(i)]", "'\(name)' is not a header or parameter name")
                }
                names.append(name)
            }
            return names
        }

        func cidrs(_ node: Node, key: String) throws(ConfigError) -> CIDRSet {
            var ranges: [CIDRRange] = []
            for (i, item) in try sequence(node, key: key).enumerated() {
                let text = try scalar(item, key: "\(key)[\(i)]")
                guard let range = CIDRRange(text) else {
                    throw error(item, "\(key)[\(i)]", "'\(text)' is not an IP address or CIDR range (like 10.0.0.0/8 or 2001:db8::/32)")
                }
                ranges.append(range)
            }
            return CIDRSet(ranges)
        }

        func networks(_ node: Node, into settings: inout CoverageSettings) throws(ConfigError) {
            let fields = try mapping(node, key: "networks",
                                     allowed: ["internal", "partners", "trusted_proxies", "gateways", "third_party_hosts"])
            for (k, v) in fields {
                let key = "networks.\(k)"
                switch k {
                case "internal": settings.internalNetworks = try cidrs(v, key: key)
                case "partners": settings.partnerNetworks = try cidrs(v, key: key)
                case "trusted_proxies": settings.trustedProxies = try cidrs(v, key: key)
                case "gateways": settings.gatewayNetworks = try cidrs(v, key: key)
                default:
                    var hosts: [String] = []
                    for (i, item) in try sequence(v, key: key).enumerated() {
                        let host = try scalar(item, key: "\(key)[\(i)]")
                        guard !host.isEmpty, !host.contains("/"), !host.contains(" ") else {
                            throw error(item, "\(key)[\(i)]", "'\(host)' is not a host name (like api.stripe.com or *.twilio.com)")
                        }
                        hosts.append(host)
                    }
                    settings.thirdPartyHosts = HostPatternSet(hosts)
                }
            }
        }

        func source(_ node: Node, key: String, warnings: inout [Warning]) throws(ConfigError) -> Source {
            // `- gateway=logs/kong/` is the command line's shorthand; the mapping form says more.
            if let text = node.scalar?.string {
                guard let parsed = SourceArgument(text) else {
                    throw error(node, key, "'\(text)' is neither a mapping nor ROLE=PATH")
                }
                return Source(path: resolve(parsed.path), options: SourceOptions(role: parsed.role))
            }
            var path: String?
            var options = SourceOptions()
            var formatNode: Node?
            for (k, v) in try mapping(node, key: key, allowed: ["path", "role", "format", "log_format", "host"]) {
                let value = try scalar(v, key: "\(key).\(k)")
                switch k {
                case "path": path = value
                case "role": options.role = try role(v, value, key: "\(key).role")
                case "format":
                    options.format = try format(v, value, key: "\(key).format")
                    formatNode = v
                case "log_format": options.customFormat = try customFormat(v, value, key: "\(key).log_format", warnings: &warnings)
                default: options.host = try host(v, value, key: "\(key).host")
                }
            }
            guard let path, !path.isEmpty else { throw error(node, "\(key).path", "a source needs a path") }
            if options.format == .custom, options.customFormat == nil, let formatNode {
                throw error(formatNode, "\(key).format", "format custom needs log_format ('nginx:…' or 'apache:…') in the same source")
            }
            return Source(path: resolve(path), options: options)
        }

        func role(_ node: Node, _ value: String, key: String) throws(ConfigError) -> SourceRole {
            guard let role = SourceRole(name: value) else {
                throw error(node, key, "unknown role '\(value)'; expected one of: gateway, waf, lb (ingress), service, egress")
            }
            return role
        }

        func format(_ node: Node, _ value: String, key: String) throws(ConfigError) -> LogFormat {
            guard let format = LogFormat(rawValue: value) else {
                throw error(node, key, "unknown format '\(value)'; expected one of: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return format
        }

        func host(_ node: Node, _ value: String, key: String) throws(ConfigError) -> String {
            guard !value.isEmpty, !value.contains("/"), !value.contains(" ") else {
                throw error(node, key, "'\(value)' is not a host name")
            }
            return value.lowercased()
        }

        /// `nginx:<log_format string>` or `apache:<LogFormat string>`, compiled as `--log-format` is;
        /// variables APICensus does not know are read as opaque fields and named in a warning.
        func customFormat(_ node: Node, _ value: String, key: String, warnings: inout [Warning]) throws(ConfigError) -> CustomFormat {
            let format: CustomFormat
            do {
                format = try CustomFormat.compile(value)
            } catch {
                throw self.error(node, key, "\(error)")
            }
            if !format.unknownVariables.isEmpty {
                let place = node.mark.map { "\(file):\($0.line)" } ?? file
                let section = String(key.prefix { $0 != "." && $0 != "[" })
                warnings.append(Warning(section: section, description: "\(place): \(key): read as opaque fields (not known to APICensus): \(format.unknownVariables.joined(separator: ", "))"))
            }
            return format
        }

        /// A single value, a number or a boolean as written; a list of them joined with commas.
        func scalarOrList(_ node: Node, key: String) throws(ConfigError) -> String {
            if let list = node.sequence {
                var items: [String] = []
                for (i, item) in list.enumerated() { items.append(try scalar(item, key: "\(key)[\(i)]")) }
                guard !items.isEmpty else { throw error(node, key, "must not be empty") }
                return items.joined(separator: ",")
            }
            let value = try scalar(node, key: key)
            guard !value.isEmpty else { throw error(node, key, "must not be empty") }
            return value
        }

        func kafka(_ node: Node, warnings: inout [Warning]) throws(ConfigError) -> Kafka {
            var kafka = Kafka()
            kafka.line = node.mark?.line
            for (k, v) in try mapping(node, key: "kafka", allowed: ["brokers", "group", "from", "properties", "topics"]) {
                let key = "kafka.\(k)"
                switch k {
                case "brokers": kafka.brokers = try scalarOrList(v, key: key)
                case "group":
                    let group = try scalar(v, key: key)
                    guard !group.isEmpty else { throw error(v, key, "must not be empty") }
                    kafka.group = group
                case "from":
                    let from = try scalar(v, key: key)
                    guard from == "earliest" || from == "latest" else { throw error(v, key, "must be earliest or latest, not '\(from)'") }
                    kafka.from = from
                case "properties":
                    guard let map = v.mapping else { throw error(v, key, "must be a mapping of librdkafka properties (name: value)") }
                    for (name, value) in map {
                        guard let n = name.scalar?.string, !n.isEmpty else { throw error(name, key, "property names must be plain words") }
                        var text = try scalar(value, key: "\(key).\(n)")
                        // A secret file named relative to the configuration lives beside it.
                        if text.hasPrefix("file:") { text = "file:" + resolve(String(text.dropFirst(5))) }
                        kafka.properties.append(Kafka.Property(name: n, value: text, line: value.mark?.line))
                    }
                default:
                    let list = try sequence(v, key: key)
                    guard !list.isEmpty else { throw error(v, key, "must name at least one topic") }
                    for (i, item) in list.enumerated() {
                        kafka.topics.append(try topic(item, key: "\(key)[\(i)]", warnings: &warnings))
                    }
                }
            }
            return kafka
        }

        func topic(_ node: Node, key: String, warnings: inout [Warning]) throws(ConfigError) -> Kafka.Topic {
            if let name = node.scalar?.string {
                guard !name.isEmpty else { throw error(node, key, "a topic needs a name") }
                return Kafka.Topic(name: name, line: node.mark?.line)
            }
            var topic = Kafka.Topic(name: "", line: node.mark?.line)
            var formatNode: Node?
            let allowed = ["name", "format", "log_format", "field_map", "envelope", "role", "host"]
            for (k, v) in try mapping(node, key: key, allowed: allowed) {
                let value = try scalar(v, key: "\(key).\(k)")
                switch k {
                case "name": topic.name = value
                case "format":
                    topic.format = try format(v, value, key: "\(key).format")
                    formatNode = v
                case "log_format": topic.customFormat = try customFormat(v, value, key: "\(key).log_format", warnings: &warnings)
                case "field_map":
                    do { topic.fieldMap = try FieldMap(parsing: value) } catch { throw self.error(v, "\(key).field_map", "\(error)") }
                case "envelope":
                    guard let envelope = Kafka.Envelope(rawValue: value) else {
                        throw error(v, "\(key).envelope", "must be auto or none, not '\(value)'")
                    }
                    topic.envelope = envelope
                case "role": topic.role = try role(v, value, key: "\(key).role")
                default: topic.host = try host(v, value, key: "\(key).host")
                }
            }
            guard !topic.name.isEmpty else { throw error(node, "\(key).name", "a topic needs a name") }
            if topic.format == .custom, topic.customFormat == nil, let formatNode {
                throw error(formatNode, "\(key).format", "format custom needs log_format ('nginx:…' or 'apache:…') in the same topic")
            }
            return topic
        }

        func route(_ node: Node, key: String) throws(ConfigError) -> RoutePattern {
            var pattern: String
            var host: String?
            if let text = node.scalar?.string {
                pattern = text
            } else {
                var p: String?
                for (k, v) in try mapping(node, key: key, allowed: ["pattern", "host"]) {
                    if k == "pattern" { p = try scalar(v, key: "\(key).pattern") } else { host = try scalar(v, key: "\(key).host") }
                }
                guard let p else { throw error(node, "\(key).pattern", "a route needs a pattern") }
                pattern = p
            }
            switch RoutePattern.parse(pattern, host: host) {
            case .success(let route): return route
            case .failure(let failure): throw error(node, key, failure.description)
            }
        }
    }
}

/// `ROLE=PATH`, as `--source` and the configuration's short form take it.
public struct SourceArgument: Sendable, Equatable {
    public var role: SourceRole
    public var path: String

    public init?(_ text: String) {
        guard let eq = text.firstIndex(of: "="), let role = SourceRole(name: String(text[..<eq])) else { return nil }
        let path = String(text[text.index(after: eq)...])
        guard !path.isEmpty else { return nil }
        self.role = role
        self.path = path
    }
}

/// A configuration problem, with the file, the line and the key it concerns.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var key: String?
    public var message: String

    public init(file: String, line: Int?, key: String?, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    init(yaml: YamlError, file: String) {
        self.file = file
        key = nil
        switch yaml {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            line = mark.line
            message = "not valid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            line = context.mark.line
            message = "duplicated key(s): \(duplicates.joined(separator: ", "))"
        default:
            line = nil
            message = "not valid YAML: \(yaml)"
        }
    }

    /// `config.yaml:12: networks.internal[1]: '10.0.0/8' is not …`
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": "
        if let key { s += "\(key): " }
        return s + message
    }
}
