import APICensusCore
import Yams

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The YAML configuration file (`--config FILE`, `Schemas/config.schema.json`): sources with their
/// roles, networks, gateway-evidence headers, API-key names, route patterns, and paths handed on to
/// the spec and rules readers. The Kafka service reads the same file; its `kafka:` section belongs
/// to it and is carried here unread. Any other unknown key is an error, named with its line.
public struct ConfigFile: Sendable {
    public struct Source: Sendable, Equatable {
        public var path: String
        public var options: SourceOptions
    }

    public var path: String
    public var sources: [Source] = []
    public var coverage = CoverageSettings()
    public var routes = RoutePatternSet()
    /// A maturity rules file (`rules:`), for the maturity scoring.
    public var rulesPath: String?
    /// OpenAPI documents (`specs:`), for the drift analysis.
    public var specPaths: [String] = []
    /// The `kafka:` section, unread here (line where it starts), for the Kafka service.
    public var kafkaSectionLine: Int?

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
        for (key, node) in top {
            switch key {
            case "version":
                let v = try reader.scalar(node, key: key)
                guard v == "1" else { throw reader.error(node, key, "unsupported version '\(v)'; this APICensus reads version 1") }
            case "sources":
                for (i, item) in try reader.sequence(node, key: key).enumerated() {
                    config.sources.append(try reader.source(item, key: "sources[\(i)]"))
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
                guard node.mapping != nil else { throw reader.error(node, key, "must be a mapping") }
                config.kafkaSectionLine = node.mark?.line
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

        func source(_ node: Node, key: String) throws(ConfigError) -> Source {
            // `- gateway=logs/kong/` is the command line's shorthand; the mapping form says more.
            if let text = node.scalar?.string {
                guard let parsed = SourceArgument(text) else {
                    throw error(node, key, "'\(text)' is neither a mapping nor ROLE=PATH")
                }
                return Source(path: resolve(parsed.path), options: SourceOptions(role: parsed.role))
            }
            var path: String?
            var options = SourceOptions()
            for (k, v) in try mapping(node, key: key, allowed: ["path", "role", "format", "host"]) {
                let value = try scalar(v, key: "\(key).\(k)")
                switch k {
                case "path": path = value
                case "role":
                    guard let role = SourceRole(name: value) else {
                        throw error(v, "\(key).role", "unknown role '\(value)'; expected one of: gateway, waf, lb (ingress), service, egress")
                    }
                    options.role = role
                case "format":
                    guard let format = LogFormat(rawValue: value) else {
                        throw error(v, "\(key).format", "unknown format '\(value)'; expected one of: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    options.format = format
                default:
                    guard !value.isEmpty, !value.contains("/"), !value.contains(" ") else {
                        throw error(v, "\(key).host", "'\(value)' is not a host name")
                    }
                    options.host = value.lowercased()
                }
            }
            guard let path, !path.isEmpty else { throw error(node, "\(key).path", "a source needs a path") }
            return Source(path: resolve(path), options: options)
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
