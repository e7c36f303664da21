/// One line of an API endpoint list: `METHOD /path/{param}/template`.
public struct APIEndpoint: Sendable, Hashable {
    public let method: String
    public let template: String

    public init(method: String, template: String) {
        self.method = method
        self.template = template
    }

    /// Path segments of the template (empty segments kept only as a trailing `""`).
    public var segments: [String] { APICatalog.segments(of: template) }
}

/// Which real API a catalog describes; the generator uses it to pick realistic parameter values.
public enum APIFlavor: String, Sendable {
    case stripe, twilio, kubernetes, slack, azure, petstore, generic
}

/// An endpoint list in the `/work/shared/apis` format: `#` header lines, then `METHOD /template` lines.
public struct APICatalog: Sendable {
    public let endpoints: [APIEndpoint]
    public let flavor: APIFlavor

    public init(text: String) {
        var eps: [APIEndpoint] = []
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.trimmingCharacters(in: " \t")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[1].hasPrefix("/") else { continue }
            eps.append(APIEndpoint(method: String(parts[0]).uppercased(),
                                   template: parts[1].trimmingCharacters(in: " \t")))
        }
        endpoints = eps
        flavor = APICatalog.detectFlavor(eps)
    }

    static func detectFlavor(_ eps: [APIEndpoint]) -> APIFlavor {
        let ts = eps.map(\.template)
        func any(_ f: (String) -> Bool) -> Bool { ts.contains(where: f) }
        if any({ $0.hasPrefix("/2010-04-01/") }) { return .twilio }
        if any({ $0.contains("/namespaces/{namespace}/") }) { return .kubernetes }
        if any({ $0.hasPrefix("/v1/customers") }) { return .stripe }
        if any({ $0.contains("documentModels") }) { return .azure }
        if any({ $0.contains("/pet/") || $0.hasSuffix("/pet") }) { return .petstore }
        if !ts.isEmpty && !any({ $0.contains("{") }) { return .slack }
        return .generic
    }

    /// `/a/b/` → ["a", "b", ""]; `/` → [].
    public static func segments(of path: String) -> [String] {
        var segs = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if path.count > 1 && path.hasSuffix("/") { segs.append("") }
        return segs
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s = s.dropFirst() }
        while let l = s.last, chars.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
