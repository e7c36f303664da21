/// Route templates the user states (`/api/dog/{id}`), for teams without an OpenAPI spec: a typed
/// path that matches one is filed under it, before (and instead of) learned templating.
///
/// A pattern is a path whose segments are literals or `{name}` (any one segment); a last segment
/// `{name+}` or `*` matches one or more segments. Optionally bound to one host. When several
/// patterns match, the one with the most literal segments wins, then the earlier one.
public struct RoutePattern: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter
        case rest
    }

    public let pattern: String
    /// Lower-cased host, or nil for every host.
    public let host: String?
    public let segments: [Segment]

    /// Reads a pattern; nil (with the reason) when it is not a path of literals and `{name}`s.
    public static func parse(_ pattern: String, host: String? = nil) -> Result<RoutePattern, RoutePatternError> {
        guard pattern.hasPrefix("/") else { return .failure(.init(pattern: pattern, reason: "must start with /")) }
        var segments: [Segment] = []
        let parts = pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for (i, part) in parts.enumerated() {
            let isLast = i == parts.count - 1
            if part == "*" || (part.hasPrefix("{") && part.hasSuffix("+}")) {
                guard isLast else { return .failure(.init(pattern: pattern, reason: "'\(part)' is allowed as the last segment only")) }
                segments.append(.rest)
            } else if part.hasPrefix("{") && part.hasSuffix("}") && part.count > 2 {
                segments.append(.parameter)
            } else if part.contains("{") || part.contains("}") {
                return .failure(.init(pattern: pattern, reason: "a parameter must be a whole segment, like {id}"))
            } else {
                segments.append(.literal(String(part)))
            }
        }
        return .success(RoutePattern(pattern: pattern, host: host?.lowercased(), segments: segments))
    }

    var literalCount: Int { segments.reduce(0) { if case .literal = $1 { $0 + 1 } else { $0 } } }

    /// Does this typed path (`/api/dog/{int}`, `/api/dog/rex`) match?
    public func matches(host: String, path: [Substring]) -> Bool {
        if let h = self.host, h != host { return false }
        var i = 0
        for segment in segments {
            switch segment {
            case .rest: return i < path.count
            case .parameter:
                guard i < path.count, !path[i].isEmpty else { return false }
            case .literal(let s):
                guard i < path.count, path[i] == s else { return false }
            }
            i += 1
        }
        return i == path.count
    }
}

public struct RoutePatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public var pattern: String
    public var reason: String
    public var description: String { "route pattern '\(pattern)': \(reason)" }
}

/// The user's route patterns, most specific first.
public struct RoutePatternSet: Sendable, Equatable {
    public private(set) var patterns: [RoutePattern] = []

    public init(_ patterns: [RoutePattern] = []) {
        // Stable: among equally specific patterns the configuration's order decides.
        self.patterns = patterns.enumerated().sorted {
            let (a, b) = ($0.element, $1.element)
            if a.literalCount != b.literalCount { return a.literalCount > b.literalCount }
            if (a.host != nil) != (b.host != nil) { return a.host != nil }
            return $0.offset < $1.offset
        }.map(\.element)
    }

    public var isEmpty: Bool { patterns.isEmpty }

    /// The pattern a typed path belongs to, if any.
    public func match(host: String, typedPath: String) -> String? {
        guard !patterns.isEmpty, typedPath.hasPrefix("/") else { return nil }
        let path = typedPath.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for p in patterns where p.matches(host: host, path: path) { return p.pattern }
        return nil
    }
}
