/// An API description (an OpenAPI document) reduced to what drift detection needs: which
/// operations exist, under which path templates and hosts, and which are deprecated. The I/O layer
/// reads and decodes the file (OpenAPIKit); Core only ever sees this value.
public struct APISpecification: Sendable, Equatable {
    /// The file as given on the command line (shown in the report).
    public var source: String
    public var title: String
    /// `info.version` of the document.
    public var apiVersion: String
    /// `openapi` of the document (`3.0.3`, `3.1.0`).
    public var openAPIVersion: String
    public var operations: [SpecOperation]

    public init(source: String, title: String, apiVersion: String, openAPIVersion: String, operations: [SpecOperation]) {
        self.source = source
        self.title = title
        self.apiVersion = apiVersion
        self.openAPIVersion = openAPIVersion
        self.operations = operations
    }
}

/// One operation (method + path) of a spec, with the server base path already prefixed.
public struct SpecOperation: Sendable, Equatable, Hashable {
    /// Upper-case method (`GET`).
    public var method: String
    /// The full path template: server base path + spec path (`/v1/users/{userId}`).
    public var path: String
    /// Host patterns from the servers that apply (lower case, no port; `{var}` matches one or more
    /// characters of a host label). Empty: the spec does not say (relative server URLs), any host.
    public var hosts: [String]
    public var operationID: String?
    public var deprecated: Bool

    public init(method: String, path: String, hosts: [String] = [], operationID: String? = nil, deprecated: Bool = false) {
        self.method = method.uppercased()
        self.path = path
        self.hosts = hosts
        self.operationID = operationID
        self.deprecated = deprecated
    }
}

extension APISpecification {
    /// A server URL (`https://api.example.com:8443/v1`, `/api`, `https://{region}.example.com`)
    /// split into a host pattern (lower case, without port; nil for relative URLs) and a base path
    /// (no trailing slash; empty for the root). Server variables in the path take their default
    /// value, given in `defaults`.
    public static func splitServerURL(_ url: String, defaults: [String: String] = [:]) -> (host: String?, basePath: String) {
        var rest = Substring(url)
        var host: String?
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            var authority = rest[..<end]
            if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
            // Drop the port unless it is inside an IPv6 literal.
            if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
                authority = authority[..<colon]
            }
            host = authority.lowercased()
            rest = rest[end...]
        } else if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            host = rest[..<end].lowercased()
            rest = rest[end...]
        }
        if let q = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<q] }
        var path = String(rest)
        for (name, value) in defaults { path = path.replacing("{\(name)}", with: value) }
        while path.hasSuffix("/") { path.removeLast() }
        if !path.isEmpty && !path.hasPrefix("/") { path = "/" + path }
        if let h = host, h.isEmpty { host = nil }
        return (host, path)
    }
}
