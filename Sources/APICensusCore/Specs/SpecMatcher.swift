/// Finds the spec path a logged call belongs to. Spec paths take precedence over learned templates:
/// a typed path that matches a spec path is counted under the spec's template (`/users/{userId}`),
/// whatever template inference would have made of it.
///
/// Matching follows OpenAPI's rules: a path parameter stands for exactly one non-empty segment (or
/// the part of a segment between literal text: `{name}.json`), literal segments must be equal, and
/// when several paths match the most concrete one wins (`/users/me` before `/users/{id}`), segment
/// by segment from the left. A typed placeholder of the normalizer (`{int}`, `{uuid}`) is a value,
/// so only a parameter can match it. A trailing slash is ignored on both sides. Hosts: an operation
/// whose servers name hosts matches calls to those hosts (a server variable matches any text), and
/// calls whose log names no host; relative server URLs match every host.
public struct SpecIndex: Sendable {
    /// One spec path under one set of hosts, with its operations by method.
    public struct Route: Sendable, Equatable {
        public var path: String
        public var hosts: [String]
        public var operations: [String: SpecOperation]
        /// The spec files (sources) that declare this route.
        public var sources: [String]
        let segments: [SegmentPattern]
        /// `hosts` parsed once (a server variable in a host matches any text).
        let hostPatterns: [SegmentPattern]
    }

    struct SegmentPattern: Sendable, Equatable {
        /// Literal pieces; a parameter sits between each two consecutive pieces. One piece: a
        /// literal segment. `{id}` is ["", ""], `{name}.json` is ["", ".json"].
        let pieces: [String]
        var isLiteral: Bool { pieces.count == 1 }
        /// 2 literal, 1 literal text around a parameter, 0 a bare parameter.
        var concreteness: Int { pieces.count == 1 ? 2 : (pieces.allSatisfy(\.isEmpty) ? 0 : 1) }

        init(_ segment: String) {
            var pieces: [String] = []
            var current = ""
            var inParameter = false
            for ch in segment {
                if inParameter {
                    if ch == "}" { inParameter = false }
                } else if ch == "{" {
                    pieces.append(current)
                    current = ""
                    inParameter = true
                } else {
                    current.append(ch)
                }
            }
            pieces.append(current)
            self.pieces = pieces
        }

        func matches(_ segment: Substring) -> Bool {
            if pieces.count == 1 { return segment == pieces[0] }
            return SpecIndex.glob(pieces, segment)
        }
    }

    /// A trie over the routes' segments: literal children by text, pattern children (parameters)
    /// tried one by one. A call's path walks it once instead of being compared with every route.
    struct TrieNode: Sendable {
        var literals: [String: Int] = [:]
        var patterns: [(pattern: SegmentPattern, node: Int)] = []
        /// Routes ending here.
        var routes: [Int] = []
    }

    public let specs: [APISpecification]
    public private(set) var routes: [Route] = []
    private var nodes: [TrieNode] = [TrieNode()]

    public init(specs: [APISpecification]) {
        self.specs = specs
        struct RouteKey: Hashable { var path: String; var hosts: [String] }
        var index: [RouteKey: Int] = [:]
        for spec in specs {
            for op in spec.operations {
                let path = SpecIndex.canonicalPath(op.path)
                let key = RouteKey(path: path, hosts: op.hosts.sorted())
                if let i = index[key] {
                    if routes[i].operations[op.method] == nil { routes[i].operations[op.method] = op }
                    if !routes[i].sources.contains(spec.source) { routes[i].sources.append(spec.source) }
                } else {
                    index[key] = routes.count
                    let segments = SpecIndex.pathSegments(path).map { SegmentPattern(String($0)) }
                    routes.append(Route(path: path, hosts: key.hosts, operations: [op.method: op], sources: [spec.source],
                                        segments: segments, hostPatterns: key.hosts.map(SegmentPattern.init)))
                }
            }
        }
        for (i, r) in routes.enumerated() {
            var node = 0
            for p in r.segments {
                if p.isLiteral {
                    if let next = nodes[node].literals[p.pieces[0]] { node = next; continue }
                    nodes.append(TrieNode())
                    nodes[node].literals[p.pieces[0]] = nodes.count - 1
                } else {
                    if let next = nodes[node].patterns.first(where: { $0.pattern == p })?.node { node = next; continue }
                    nodes.append(TrieNode())
                    nodes[node].patterns.append((p, nodes.count - 1))
                }
                node = nodes.count - 1
            }
            nodes[node].routes.append(i)
        }
    }

    /// Routes whose path matches the segments (hosts not checked), in route order.
    private func candidates(_ segments: [Substring]) -> [Int] {
        var found: [Int] = []
        func walk(_ node: Int, _ depth: Int) {
            if depth == segments.count { found.append(contentsOf: nodes[node].routes); return }
            let seg = segments[depth]
            if let next = nodes[node].literals[String(seg)] { walk(next, depth + 1) }
            for (pattern, next) in nodes[node].patterns where pattern.matches(seg) { walk(next, depth + 1) }
        }
        walk(0, 0)
        return found.sorted()
    }

    public var isEmpty: Bool { routes.isEmpty }

    /// The route a call belongs to, or nil. `host` as the aggregate keeps it (lower case, maybe a
    /// port), empty when the log has none.
    public func route(host: String, typedPath: String) -> Route? {
        let segments = SpecIndex.pathSegments(typedPath)
        let callHost = SpecIndex.hostWithoutPort(host)
        var best: (index: Int, score: [Int])?
        for i in candidates(segments) {
            let r = routes[i]
            guard SpecIndex.hostMatches(callHost, r.hostPatterns) else { continue }
            // Most concrete path first, then a route that names the host over one for any host.
            let score = r.segments.map(\.concreteness) + [r.hosts.isEmpty ? 0 : 1]
            if best == nil || best!.score.lexicographicallyPrecedes(score) { best = (i, score) }
        }
        return best.map { routes[$0.index] }
    }

    /// Does any route's host set include this host (or name no host at all)?
    public func coversHost(_ host: String) -> Bool {
        let h = SpecIndex.hostWithoutPort(host)
        return routes.contains { SpecIndex.hostMatches(h, $0.hostPatterns) }
    }

    // MARK: Helpers

    /// `/a/b/` → `/a/b`; `` → `/`.
    static func canonicalPath(_ path: String) -> String {
        var p = path.isEmpty ? "/" : path
        if !p.hasPrefix("/") { p = "/" + p }
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }

    /// Segments of a path, ignoring a trailing slash (`/` has none).
    static func pathSegments(_ path: String) -> [Substring] {
        var segs = path.split(separator: "/", omittingEmptySubsequences: false)
        if segs.first == "" { segs.removeFirst() }
        if segs.last == "" { segs.removeLast() }
        return segs
    }

    static func hostWithoutPort(_ host: String) -> String {
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return host }
            return String(host[...close])
        }
        let colons = host.filter { $0 == ":" }.count
        if colons == 1, let colon = host.firstIndex(of: ":") { return String(host[..<colon]) }
        return host
    }

    static func hostMatches(_ host: String, _ patterns: [SegmentPattern]) -> Bool {
        if host.isEmpty || patterns.isEmpty { return true }
        return patterns.contains { $0.matches(Substring(host)) }
    }

    /// Does `text` match pieces[0] + X + pieces[1] + X + … where every X is one or more characters?
    static func glob(_ pieces: [String], _ text: Substring) -> Bool {
        guard text.hasPrefix(pieces[0]), text.hasSuffix(pieces[pieces.count - 1]) else { return false }
        var rest = text.dropFirst(pieces[0].count)
        let lastCount = pieces[pieces.count - 1].count
        guard rest.count >= lastCount else { return false }
        rest = rest.dropLast(lastCount)
        // Each middle piece is searched leftmost after at least one character of parameter.
        for piece in pieces.dropFirst().dropLast() {
            guard !rest.isEmpty else { return false }
            let from = rest.index(after: rest.startIndex)
            guard let r = rest[from...].firstRange(of: piece) else { return false }
            rest = rest[r.upperBound...]
        }
        return !rest.isEmpty
    }
}
