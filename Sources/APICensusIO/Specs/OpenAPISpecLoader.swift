import APICensusCore
import Foundation
import OpenAPIKit
import OpenAPIKit30
import OpenAPIKitCompat
import Yams

/// A spec file that could not be read or is not an OpenAPI 3.0/3.1 document.
public struct SpecLoadError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Reads OpenAPI 3.0 and 3.1 documents (YAML or JSON) with OpenAPIKit and reduces them to the
/// `APISpecification` Core works with. 3.0 documents are converted to the 3.1 model by
/// OpenAPIKitCompat, so one walk serves both.
public enum OpenAPISpecLoader {
    public struct Loaded {
        public var specification: APISpecification
        /// Things left out, worth a line on stderr (path items that reference other files).
        public var warnings: [String]
    }

    public static func load(path: String) throws(SpecLoadError) -> Loaded {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SpecLoadError(path: path, message: "cannot read the file: \((error as NSError).localizedDescription)")
        }
        return try parse(data, path: path)
    }

    /// Decodes a document already in memory; `path` names it in errors and in the report.
    public static func parse(_ data: Data, path: String) throws(SpecLoadError) -> Loaded {
        let isJSON = data.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{")
        // YAML is parsed once into a node tree that both decodes read (parsing dominates the cost).
        // Resolver and parser as YAMLDecoder sets them up for text (quoted keys such as '200' stay
        // strings); the parser owns the anchors, so it lives as long as the node is decoded.
        var yamlParser: Parser?
        var yamlNode: Node?
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if isJSON { return try JSONDecoder().decode(type, from: data) }
            if yamlNode == nil {
                guard let text = String(data: data, encoding: .utf8) else { throw YamlError.dataCouldNotBeDecoded(encoding: .utf8) }
                let parser = try Parser(yaml: text, resolver: Resolver.basic.appending(.merge))
                yamlNode = try parser.singleRoot() ?? ""
                yamlParser = parser
            }
            return try withExtendedLifetime(yamlParser) { try YAMLDecoder().decode(type, from: yamlNode!) }
        }
        struct VersionProbe: Decodable { var openapi: String?; var swagger: String? }
        let probe: VersionProbe
        do {
            probe = try decode(VersionProbe.self)
        } catch {
            throw SpecLoadError(path: path, message: "not a \(isJSON ? "JSON" : "YAML") document: \(describe(error))")
        }
        if let swagger = probe.swagger {
            throw SpecLoadError(path: path, message: "Swagger \(swagger) is not supported; convert it to OpenAPI 3 first")
        }
        guard let version = probe.openapi else {
            throw SpecLoadError(path: path, message: "no `openapi` version field: not an OpenAPI document")
        }
        let document: OpenAPIKit.OpenAPI.Document
        do {
            if version.hasPrefix("3.0") {
                document = try decode(OpenAPIKit30.OpenAPI.Document.self).convert(to: .v3_1_1)
            } else if version.hasPrefix("3.1") || version.hasPrefix("3.2") {
                document = try decode(OpenAPIKit.OpenAPI.Document.self)
            } else {
                throw SpecLoadError(path: path, message: "OpenAPI \(version) is not supported (3.0, 3.1 and 3.2 are)")
            }
        } catch let error as SpecLoadError {
            throw error
        } catch {
            throw SpecLoadError(path: path, message: "not a valid OpenAPI \(version) document: \(describe(error))")
        }
        return reduce(document, openAPIVersion: version, path: path)
    }

    static func reduce(_ document: OpenAPIKit.OpenAPI.Document, openAPIVersion: String, path: String) -> Loaded {
        var operations: [SpecOperation] = []
        let routes = document.routes
        var warnings: [String] = []
        if routes.count < document.paths.count {
            warnings.append("\(path): \(document.paths.count - routes.count) path item(s) reference other documents and were left out")
        }
        for route in routes {
            let pathServers = route.pathItem.servers ?? document.servers
            for endpoint in route.pathItem.endpoints {
                let servers = endpoint.operation.servers ?? pathServers
                // One operation per distinct base path, with the hosts of the servers that share it.
                var hostsByBase: [String: Set<String>] = [:]
                var relativeBases: Set<String> = servers.isEmpty ? [""] : []
                for server in servers {
                    let defaults = Dictionary(server.variables.map { ($0.key, $0.value.default) }, uniquingKeysWith: { a, _ in a })
                    let (host, base) = APISpecification.splitServerURL(server.urlTemplate.rawValue, defaults: defaults)
                    if let host { hostsByBase[base, default: []].insert(host) } else { relativeBases.insert(base) }
                }
                for base in Set(hostsByBase.keys).union(relativeBases).sorted() {
                    // A relative server URL for this base path makes it valid on every host.
                    let hosts = relativeBases.contains(base) ? [] : hostsByBase[base]!.sorted()
                    operations.append(SpecOperation(
                        method: endpoint.method.rawValue,
                        path: base + (route.path.rawValue == "/" && !base.isEmpty ? "" : route.path.rawValue),
                        hosts: hosts,
                        operationID: endpoint.operation.operationId,
                        deprecated: endpoint.operation.deprecated))
                }
            }
        }
        let spec = APISpecification(source: path, title: document.info.title, apiVersion: document.info.version,
                                    openAPIVersion: openAPIVersion, operations: operations)
        return Loaded(specification: spec, warnings: warnings)
    }

    /// A decoding error in words, with the key path (and line, for YAML syntax errors).
    static func describe(_ error: any Error) -> String {
        if let yaml = error as? YamlError { return "\(yaml)".replacingOccurrences(of: "\n", with: " ") }
        let openAPI = OpenAPIKit.OpenAPI.Error(from: error)
        return openAPI.localizedDescription.replacingOccurrences(of: "\n", with: " ")
    }
}
