import Foundation

// TemplateInference: from typed paths (PathNormalizer output) and their call counts, decide which
// literal segments are parameter values and fold them into `{param}`. Both mistakes are bugs:
// folding a resource word (`/api/{param}` for Slack's 174 methods) loses endpoints, keeping values
// (`/users/alice`, `/users/bob`, …) floods the inventory. A plain distinct-count threshold gets both
// wrong on real APIs (Slack has 174 literal methods, a cluster has 20 namespaces), so a position is
// folded on *evidence*, with the threshold as one input among several.
//
// Data model. Per host, the typed paths form a trie of segments (method-agnostic; the method of each
// call is kept as evidence at the node where the path ends). A segment is split into a *stem* and a
// *suffix* (`{hex}.json` → `{hex}` + `.json`, `prebuilt-invoice:analyze` → `prebuilt-invoice` +
// `:analyze`; a `.ext` suffix only for well-known file extensions so that Slack's `chat.postMessage`
// is not cut). The trie is processed top-down: at each node the sibling stems are examined, the
// values among them are merged (subtrees included) into one `{param}` child per suffix, then the
// children are processed. Merging before descending pools evidence: the pod names under 20
// namespaces are judged together once the namespaces are folded.
//
// Rules at one node (n = number of distinct literal stems, T = --collapse-threshold, default 50):
//  R0 Never folded: versions (`v1`, `v2beta1`, `v2.1`), dates in the first two positions (`/2010-04-01`),
//     the empty segment of a trailing slash. They are API structure, not values.
//  R1 Value shape. A stem is *id-like* when it is a prefixed id (`cus_NffrFeUfNVaHib`: lower-case
//     prefix, `_`, ≥ 12 alphanumerics with upper case or digits), or one of its `-_.` chunks looks
//     generated: ≥ 3 letter/digit alternations (`7d4b9c`), a hex run with digits (≥ 5), ≥ 3 upper-case
//     letters not followed by two lower-case ones (base62, but not camelCase `IpAccessControlLists`),
//     a vowel-less run of ≥ 5 (Kubernetes' hash alphabet, `xk2pq`), ≥ 10 chars mixing classes with
//     few vowels, long consonant runs or ≥ 2 digits, a numeric chunk in a multi-chunk stem (`web-0`,
//     `ip-10-0-1-23`, `my-model-2024`), or digits and dots (`1.2`). Short codes (`US`, `usd`) are
//     id-like when they make up ≥ 80% of ≥ 3 (upper case) or ≥ 5 (lower case) siblings. Stems that
//     pass 1 folded somewhere on the host count as id-like when they are ≥ 2 and ≥ half of the
//     siblings (R6). Everything else is *word-like* (`search`, `kube-system`, `chat.postMessage`,
//     `k8s`, `oauth2`, `findByStatus`).
//  The node is a *parameter position* when any of:
//  P1 a typed sibling exists (`{int}`, `{uuid}`, …), or ≥ 2 id-like stems;
//  P2 structural similarity: ≥ 3 stems (and ≥ half of them) have word-like children and those
//     children largely coincide (mean share of a stem's child words also found under the other
//     stems ≥ 0.35). Namespaces all have `pods`, `services` below them; resource words have
//     disjoint subtrees (their own object names). Versions, ids and `""` do not count as shared
//     children: a version under a word marks an API group (`/apis/apps/v1`), ids under words mark
//     collections (`/customers/{id}`, `/charges/{id}`), so neither is evidence of a value.
//  P3 open set: parameter values keep appearing as traffic grows, so many are rare. Open when
//     ≥ 10% of the stems have ≤ 3 calls or the Good–Turing unseen mass N1/N ≥ 0.5%; counts when
//     n > T, or when n ≥ 20 and the Chao1 richness estimate n + f1²/(2·f2) exceeds T (the set
//     seen so far is a sample of a larger one). A closed set of RPC names or resources (Slack's
//     174 methods, Stripe's ~100 resources under /v1) is hit many times each and stays literal,
//     however large.
//  P4 same-endpoint method mix: ≥ 3 stems with ≥ 12 calls, mostly leaves, ≥ 80% of them with ≥ 2
//     methods and a profile consistent with the pool (G-test below), the common methods including
//     PUT, PATCH or DELETE, and no structural evidence against (P2 similarity < 0.15). Instances
//     (`clusterroles/admin`, GET/PUT/PATCH/DELETE) qualify; collections (GET/POST/DELETE, each with
//     its own children) and RPC leaves (one method each) do not.
//  P5 naming convention: ≥ 5 stems (and ≥ half) share a `-`/`_`-separated first or last chunk
//     (`vault-role`, `tempo-role`; `card_payments`, `sepa_debit_payments`). Dots do not separate
//     here: `networking.k8s.io` and `apps.k8s.io` are distinct API groups.
//  Which stems fold in a parameter position:
//  F1 typed and id-like stems always;
//  F2 in a position dominated by ids (a typed sibling, or id-like ≥ word-like), a word-like stem is a
//     distinct endpoint (`/pet/findByStatus` beside `/pet/{int}`, `/customers/search` beside
//     `cus_…`, `Local.json` beside `{hex}.json`, `/credit_notes/preview`) unless there is positive
//     evidence that it is a value: it looks generated (a digit, few vowels), it shares the values'
//     naming convention (P5 family of ≥ 3), or its traffic profile is consistent with the values'
//     (G-test) AND it has their structure (`prebuilt-invoice` has `analyzeResults` below it like
//     custom model ids) or their ≥ 3-method mix (`/proxy/metrics` takes every method); a stem with
//     under 10 calls cannot be tested, and then the values' structure alone folds it (a rarely used
//     bucket `heidi` has `objects/{hex}` below it like every other bucket);
//  F3 otherwise (a population of word-like values: user names, namespaces) word-like stems fold
//     unless their traffic profile (terminal calls per method and calls per child word, per suffix)
//     differs significantly from the pooled profile of the values: G = 2·Σ o·ln(o/e) > 25 + 2·(k−1)
//     with ≥ 10 calls, the pool weighting each value by min(calls, median) so that a few heavy
//     values cannot mask a literal, iterated twice without the literals found. `/user/login` (GET
//     only, no children) beside 5000 user names (GET/PUT/DELETE) stays; a busy user name folds.
//  R6 Two passes per host: pass 1 collects the literal stems folded anywhere; pass 2 reruns from
//     scratch using them as value evidence (R1). A name folded under `/namespaces/{ns}/configmaps/`
//     with plenty of traffic is a value under the GET-only `/watch/namespaces/{ns}/configmaps/` too.
//  All stems folded at a position become one `{param}` (per suffix); when only one typed
//  placeholder is there and nothing else folds, its name is kept (`{int}`, `{hex}.json`).
// Limits: multi-segment parameters (Kubernetes `proxy/{path}`) are not recognised as such: each
// segment is judged on its own. Small closed sets of word-like values with no structural, naming
// or method evidence (4 component statuses, 8 proxy paths) stay literal: nothing in the traffic
// distinguishes them from resource words.
// Determinism: `add` only accumulates a dictionary of counts; `resolve` iterates in sorted order,
// so the result depends only on the multiset of added (host, path, method, calls): not on the
// order of `add` calls, file order or thread count (per-thread instances combine with `merge`).
// Debugging: APICENSUS_TEMPLATE_DEBUG=1 prints each decision.

public struct TemplateInference: Sendable {
    public let collapseThreshold: Int
    struct Key: Hashable, Sendable { var host: String; var path: String; var method: String }
    var counts: [Key: UInt64] = [:]

    public init(collapseThreshold: Int = 50) {
        self.collapseThreshold = max(1, collapseThreshold)
    }

    public mutating func add(host: String, typedPath: String, method: String, calls: UInt64) {
        counts[Key(host: host, path: typedPath, method: method), default: 0] &+= calls
    }

    /// Adds all observations of another instance (per-thread inference merged at the end).
    public mutating func merge(_ other: TemplateInference) {
        for (k, c) in other.counts { counts[k, default: 0] &+= c }
    }

    static func buildTree(_ entries: [(String, String, UInt64)]) -> Node {
        let root = Node()
        for (path, method, c) in entries {
            var node = root
            node.total &+= c
            for seg in APICatalog.segments(of: path) {
                let next: Node
                if let x = node.children[seg] { next = x } else { next = Node(); node.children[seg] = next }
                node = next
                node.total &+= c
            }
            node.terminal[method, default: 0] &+= c
        }
        return root
    }

    public func resolve() -> TemplateMap {
        var byHost: [String: [(String, String, UInt64)]] = [:]
        for (k, c) in counts { byHost[k.host, default: []].append((k.path, k.method, c)) }
        var result: [String: [String: String]] = [:]
        for host in byHost.keys.sorted() {
            let entries = byHost[host]!
            // Pass 1 learns which literal stems are values somewhere on this host; pass 2 uses that
            // vocabulary as evidence (a name folded under `/namespaces/{ns}/configmaps/` is a value
            // under `/watch/namespaces/{ns}/configmaps/` too).
            var known: Set<String> = []
            var root = Node()
            for pass in 0..<2 {
                root = Self.buildTree(entries)
                var engine = Engine(threshold: collapseThreshold)
                engine.knownValues = known
                engine.process(root, depth: 0)
                if pass == 0 { known = engine.folded }
            }
            var map: [String: String] = [:]
            for (path, _, _) in entries where map[path] == nil {
                map[path] = Engine.template(root, path)
            }
            result[host] = map
        }
        return TemplateMap(map: result)
    }
}

public struct TemplateMap: Sendable {
    let map: [String: [String: String]]

    /// The final template of a typed path added to the inference (the typed path itself if unknown).
    public func template(host: String, typedPath: String) -> String {
        map[host]?[typedPath] ?? typedPath
    }

    /// All (host, typed path, template) triples, sorted.
    public var entries: [(host: String, typedPath: String, template: String)] {
        map.keys.sorted().flatMap { h in map[h]!.keys.sorted().map { (h, $0, map[h]![$0]!) } }
    }
}

final class Node {
    var children: [String: Node] = [:]
    var terminal: [String: UInt64] = [:]
    var total: UInt64 = 0
    var redirect: [String: String] = [:]

    /// Adds `other`'s counts and subtree into self (other is consumed).
    func absorb(_ other: Node) {
        total &+= other.total
        for (m, c) in other.terminal { terminal[m, default: 0] &+= c }
        for (k, child) in other.children {
            if let mine = children[k] { mine.absorb(child) } else { children[k] = child }
        }
    }
}

enum Shape { case structural, idLike, word }

/// A traffic-profile category: calls ending here with a method (`terminal`), or going to a child
/// word (`{}` for any value child), per suffix variant. Strings are shared, not built, per key.
struct ProfileKey: Hashable, Comparable {
    let terminal: Bool
    let suffix: String
    let name: String
    static func < (a: ProfileKey, b: ProfileKey) -> Bool {
        (a.terminal ? 0 : 1, a.suffix, a.name) < (b.terminal ? 0 : 1, b.suffix, b.name)
    }
}

struct Engine {
    let threshold: Int
    let debug = ProcessInfo.processInfo.environment["APICENSUS_TEMPLATE_DEBUG"] != nil
    var path = ""
    /// Literal stems folded at some position (collected by pass 1).
    var knownValues: Set<String> = []
    var folded: Set<String> = []

    static let knownExtensions: Set<String> = [
        "json", "xml", "csv", "tsv", "txt", "html", "htm", "pdf", "png", "jpg", "jpeg", "gif", "svg", "webp", "ico",
        "zip", "gz", "tgz", "yaml", "yml", "js", "css", "mp3", "mp4", "wav", "atom", "rss", "ics", "md", "log",
        "bin", "tar", "doc", "docx", "xls", "xlsx", "map", "wasm", "avif", "php", "asp", "aspx",
    ]

    /// `{hex}.json` → ("{hex}", ".json"); `a:verb` → ("a", ":verb"); `x.pdf` → ("x", ".pdf").
    static func split(_ seg: String) -> (stem: String, suffix: String) {
        let u = Array(seg.utf8)
        if u.first == UInt8(ascii: "{"), let close = u.firstIndex(of: UInt8(ascii: "}")) {
            return (String(decoding: u[...close], as: UTF8.self), String(decoding: u[(close + 1)...], as: UTF8.self))
        }
        if let colon = u.firstIndex(of: UInt8(ascii: ":")), colon > 0 {
            return (String(decoding: u[..<colon], as: UTF8.self), String(decoding: u[colon...], as: UTF8.self))
        }
        if let dot = u.lastIndex(of: UInt8(ascii: ".")), dot > 0 {
            let ext = String(decoding: u[(dot + 1)...], as: UTF8.self)
            if knownExtensions.contains(ext.lowercased()) {
                return (String(decoding: u[..<dot], as: UTF8.self), "." + ext)
            }
        }
        return (seg, "")
    }

    static func isTyped(_ stem: String) -> Bool { stem.utf8.first == UInt8(ascii: "{") }

    static func isStructural(_ stem: String, depth: Int) -> Bool {
        let u = Array(stem.utf8)
        if u.isEmpty { return true }
        if u.withUnsafeBufferPointer({ PathNormalizer.isVersionBytes($0) }) { return true }
        if depth < 2 && u.count == 10 && u[4] == 45 && u[7] == 45
            && u.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || ($0.element >= 48 && $0.element <= 57) }) {
            return true
        }
        return false
    }

    static func isIdLike(_ stem: String) -> Bool {
        let u = Array(stem.utf8)
        if u.isEmpty { return false }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func isLower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
        func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
        // Prefixed ids: `cus_NffrFeUfNVaHib`, `txi_ZpBgynzqdiIHwi` (lower-case prefix, one `_`, a ≥ 12
        // char alphanumeric tail with upper case or digits).
        if let us = u.firstIndex(of: 95), us >= 2, us <= 10, u[..<us].allSatisfy(isLower) {
            let tail = u[(us + 1)...]
            if tail.count >= 12 && tail.allSatisfy({ isDigit($0) || isLower($0) || isUpper($0) })
                && tail.contains(where: { isUpper($0) || isDigit($0) }) && tail.contains(where: isLower) { return true }
        }
        // digits and dots only (`1.2`, `10.0.0.1`)
        if u.allSatisfy({ isDigit($0) || $0 == 46 }) && u.contains(where: isDigit) { return true }
        func isSep(_ c: UInt8) -> Bool { c == 45 || c == 95 || c == 46 || c == 126 || c == 43 || c == 64 || c == 58 }
        var chunks: [ArraySlice<UInt8>] = []
        var start = 0
        for i in 0...u.count {
            if i == u.count || isSep(u[i]) {
                if i > start { chunks.append(u[start..<i]) }
                start = i + 1
            }
        }
        for ch in chunks {
            let digits = ch.filter(isDigit).count
            if digits == ch.count { if chunks.count > 1 { return true } else { continue } }
            var alternations = 0
            var shortUppers = 0      // upper-case letters not followed by ≥ 2 lower-case ones
            var consonantRun = 0, maxConsonantRun = 0
            var letters = 0, vowelCount = 0, uppers = 0, lowers = 0
            let arr = Array(ch)
            for (i, c) in arr.enumerated() {
                if i > 0 && isDigit(c) != isDigit(arr[i - 1]) { alternations += 1 }
                if isUpper(c) {
                    uppers += 1
                    let lowRun = arr[(i + 1)...].prefix(while: isLower).count
                    if i + 1 < arr.count && lowRun < 2 { shortUppers += 1 }
                }
                if isLower(c) { lowers += 1 }
                if isLower(c) || isUpper(c) {
                    letters += 1
                    if Engine.isVowel(c) { vowelCount += 1; consonantRun = 0 }
                    else {
                        consonantRun = (i > 0 && isUpper(c) && isLower(arr[i - 1])) ? 1 : consonantRun + 1
                        maxConsonantRun = max(maxConsonantRun, consonantRun)
                    }
                } else { consonantRun = 0 }
            }
            if alternations >= 3 { return true }
            if ch.count >= 8 && shortUppers >= 3 { return true }
            let hexOnly = ch.allSatisfy { isDigit($0) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
            if hexOnly && ch.count >= 5 && digits > 0 { return true }
            // consonant-only runs (Kubernetes' hash alphabet has no vowels)
            if ch.count >= 5 && letters > 0 && vowelCount == 0 && letters + digits == ch.count { return true }
            // base62: ≥ 10 chars mixing classes with few vowels or long consonant runs
            let classes = (digits > 0 ? 1 : 0) + (lowers > 0 ? 1 : 0) + (uppers > 0 ? 1 : 0)
            if ch.count >= 10 && classes >= 2 && letters > 0
                && (Double(vowelCount) < 0.22 * Double(letters) || maxConsonantRun >= 5 || digits >= 2) { return true }
        }
        return false
    }

    /// Country/currency-like codes: `US`, `GBR`, `usd`.
    @inline(__always) static func isVowel(_ c: UInt8) -> Bool {
        switch c | 0x20 { case 97, 101, 105, 111, 117, 121: return true; default: return false }
    }

    static func isCode(_ stem: String) -> Bool {
        let u = Array(stem.utf8)
        return ((u.count == 2 || u.count == 3) && u.allSatisfy { $0 >= 65 && $0 <= 90 })
            || (u.count == 3 && u.allSatisfy { $0 >= 97 && $0 <= 122 })
    }

    final class Stem {
        let stem: String
        var variants: [(suffix: String, seg: String, node: Node)] = []
        var calls: UInt64 = 0
        var shape: Shape = .word
        var childWords: Set<String> = []
        var terminalMethods: [String: UInt64] = [:]
        var terminalCalls: UInt64 = 0
        var profile: [ProfileKey: Double] = [:]
        init(_ s: String) { stem = s }
    }

    mutating func process(_ node: Node, depth: Int) {
        if node.children.count > 0 { decide(node, depth: depth) }
        let saved = path
        // Children are independent of each other: any order gives the same result.
        for k in (debug ? node.children.keys.sorted() : Array(node.children.keys)) {
            path = debug ? saved + "/" + k : saved
            process(node.children[k]!, depth: depth + 1)
        }
        path = saved
    }

    static func buildStems(_ node: Node) -> [String: Stem] {
        var stems: [String: Stem] = [:]
        var childCache: [String: (stem: String, word: Bool)] = [:]
        for seg in node.children.keys {
            let (stem, suffix) = split(seg)
            let s = stems[stem] ?? { let x = Stem(stem); stems[stem] = x; return x }()
            let child = node.children[seg]!
            s.variants.append((suffix, seg, child))
            s.calls &+= child.total
            for (m, c) in child.terminal {
                s.terminalMethods[m, default: 0] &+= c
                s.terminalCalls &+= c
                s.profile[ProfileKey(terminal: true, suffix: suffix, name: m), default: 0] += Double(c)
            }
            for (cseg, gc) in child.children {
                let info: (stem: String, word: Bool)
                if let cached = childCache[cseg] { info = cached } else {
                    let cstem = split(cseg).stem
                    info = (cstem, !isTyped(cstem) && !isStructural(cstem, depth: 99) && !isIdLike(cstem) && !isCode(cstem))
                    childCache[cseg] = info
                }
                if info.word { s.childWords.insert(info.stem) }
                s.profile[ProfileKey(terminal: false, suffix: suffix, name: info.word ? info.stem : "{}"), default: 0] += Double(gc.total)
            }
        }
        for s in stems.values where s.variants.count > 1 { s.variants.sort { $0.seg < $1.seg } }
        return stems
    }

    mutating func decide(_ node: Node, depth: Int) {
        let stems = Engine.buildStems(node)
        let names = stems.keys.sorted()
        var typed: [Stem] = [], literal: [Stem] = []
        for n in names {
            let s = stems[n]!
            if Engine.isTyped(n) { typed.append(s) }
            else if Engine.isStructural(n, depth: depth) { s.shape = .structural }
            else { literal.append(s); s.shape = Engine.isIdLike(n) ? .idLike : .word }
        }
        if literal.isEmpty && typed.count <= 1 { return }
        let codes = literal.filter { Engine.isCode($0.stem) }
        let upperCodes = codes.filter { $0.stem.utf8.allSatisfy { $0 >= 65 && $0 <= 90 } }.count
        if codes.count >= (upperCodes == codes.count ? 3 : 5) && codes.count * 5 >= literal.count * 4 {
            for c in codes { c.shape = .idLike }
        }
        let known = literal.filter { $0.shape == .word && knownValues.contains($0.stem) }
        if known.count >= 2 && known.count * 2 >= literal.count { for k in known { k.shape = .idLike } }
        let ids = literal.filter { $0.shape == .idLike }
        let words = literal.filter { $0.shape == .word }
        let n = literal.count

        // P2: structural similarity of word-like children.
        let withKids = literal.filter { !$0.childWords.isEmpty }
        var df: [String: Int] = [:]
        for s in withKids { for k in s.childWords { df[k, default: 0] += 1 } }
        var sim = 0.0
        if withKids.count >= 2 {
            for s in withKids {
                var acc = 0.0
                for k in s.childWords.sorted() { acc += Double(df[k]! - 1) / Double(withKids.count - 1) }
                sim += acc / Double(s.childWords.count)
            }
            sim /= Double(withKids.count)
        }
        let structFor = withKids.count >= 3 && withKids.count * 2 >= n && sim >= 0.35
        let structAgainst = withKids.count >= 2 && sim < 0.15

        // P3: open set.
        let totalCalls = literal.reduce(0.0) { $0 + Double($1.calls) }
        let n1 = literal.filter { $0.calls <= 1 }.count
        let n12 = literal.filter { $0.calls <= 3 }.count
        let f1 = Double(literal.filter { $0.calls == 1 }.count), f2 = Double(literal.filter { $0.calls == 2 }.count)
        let chao1 = Double(n) + (f2 > 0 ? f1 * f1 / (2 * f2) : f1 * (f1 - 1) / 2)
        let open = (n > threshold || (n >= 20 && chao1 > Double(threshold))) && (Double(n12) >= 0.1 * Double(n) || (totalCalls > 0 && Double(n1) / totalCalls >= 0.005))

        // P4: same multi-method mix on leaves.
        var methodFor = false
        if !structAgainst {
            let informative = literal.filter { $0.calls >= 12 }
            var methodTotals: [String: UInt64] = [:]
            var terminalTotal: UInt64 = 0
            for s in literal { for (m, c) in s.terminalMethods { methodTotals[m, default: 0] &+= c; terminalTotal &+= c } }
            let common = Set(methodTotals.filter { Double($0.value) >= 0.05 * Double(terminalTotal) }.keys)
            let mutating = common.contains("PUT") || common.contains("PATCH") || common.contains("DELETE")
            let leafish = informative.reduce(0.0) { $0 + Double($1.terminalCalls) }
                >= 0.5 * informative.reduce(0.0) { $0 + Double($1.calls) }
            if informative.count >= 3 && common.count >= 2 && mutating && leafish {
                let multi = informative.filter { s in s.terminalMethods.filter { $0.value > 0 }.count >= 2 }.count
                let distinct = Engine.distinctStems(informative, values: literal)
                methodFor = multi * 10 >= informative.count * 8 && (informative.count - distinct.count) * 10 >= informative.count * 8
            }
        }

        // P5: naming convention: ≥ 5 stems (and ≥ half) share a `-`/`_`-separated first or last chunk
        // (`vault-role`, `tempo-role`; `card_payments`, `sepa_debit_payments`).
        var affixCount: [String: Int] = [:]
        var affixes: [String: [String]] = [:]
        for st in literal {
            let a = Engine.affixes(st.stem)
            affixes[st.stem] = a
            for x in a { affixCount[x, default: 0] += 1 }
        }
        let largestAffix = affixCount.values.max() ?? 0
        let affixFor = largestAffix >= 5 && largestAffix * 2 >= n
        func inAffixFamily(_ st: Stem) -> Bool { (affixes[st.stem] ?? []).contains { (affixCount[$0] ?? 0) >= 3 } }

        let paramPosition = !typed.isEmpty || ids.count >= 2 || structFor || open || methodFor || affixFor
        if debug && (paramPosition || n > 3) {
            print("DECIDE \(path.isEmpty ? "/" : path) n=\(n) typed=\(typed.map(\.stem)) ids=\(ids.count) words=\(words.count) sim=\(String(format: "%.2f", sim)) kids=\(withKids.count) structFor=\(structFor) affix=\(affixFor) open=\(open) methodFor=\(methodFor) ids:\(ids.prefix(6).map(\.stem)) words:\(words.prefix(8).map { "\($0.stem)(\($0.calls))" })")
        }
        var fold: [Stem] = []
        if paramPosition {
            fold = typed + ids
            let idDominated = !typed.isEmpty || ids.count >= words.count
            let distinct = Engine.distinctStems(words, values: fold + words)
            for w in words {
                if idDominated && words.count <= threshold {
                    // A word beside ids is a distinct endpoint unless there is positive evidence that
                    // it is a value: it looks generated, shares the values' naming convention, or
                    // has the values' traffic profile with their structure (`prebuilt-invoice` has
                    // `analyzeResults` below it like custom models) or their ≥ 3-method mix
                    // (`/proxy/metrics` takes every method like `/proxy/api-12-x7k2p`).
                    let sharedKids = w.childWords.filter { (df[$0] ?? 0) >= 2 }.count
                    let structural = structFor && !w.childWords.isEmpty && sharedKids * 2 >= w.childWords.count
                    let methods = w.terminalMethods.filter { Double($0.value) >= 0.05 * Double(max(w.terminalCalls, 1)) }.count
                    // Below 10 calls the profile cannot be tested; then the values' structure alone
                    // decides (a rarely used bucket named `heidi` has `objects/{hex}` below it like
                    // every other bucket), as a leaf word has no structure to share.
                    let consistent = w.calls >= 10 && !distinct.contains(w.stem)
                    let untestable = w.calls < 10
                    if Engine.weakRandom(w.stem) || inAffixFamily(w) || (consistent && (structural || methods >= 3))
                        || (untestable && structural) {
                        fold.append(w)
                    }
                    continue
                }
                if !distinct.contains(w.stem) || inAffixFamily(w) { fold.append(w) }
            }
        }
        if fold.isEmpty || (fold.count == 1 && ids.isEmpty && typed.count == 1) { return }

        // One placeholder: keep the type name when a single type folds alone.
        let typeNames = Set(typed.map(\.stem))
        let name = (fold.count == typed.count && typeNames.count == 1) ? typeNames.first! : "{param}"
        for s in fold where !Engine.isTyped(s.stem) { folded.insert(s.stem) }
        for s in fold.sorted(by: { $0.stem < $1.stem }) {
            for v in s.variants {
                let key = name + v.suffix
                node.children.removeValue(forKey: v.seg)
                node.redirect[v.seg] = key
                if let existing = node.children[key], existing !== v.node { existing.absorb(v.node) }
                else { node.children[key] = v.node }
            }
        }
        // A typed child that was kept under its own key but renamed must not linger.
    }

    /// Stems (with ≥ 10 calls) whose traffic profile differs significantly from the pooled profile of `values`.
    static func distinctStems(_ words: [Stem], values: [Stem]) -> Set<String> {
        if words.isEmpty { return [] }
        var distinct = Set<String>()
        for _ in 0..<2 {
            let members = values.filter { !distinct.contains($0.stem) }
            let memberIDs = Set(members.map { ObjectIdentifier($0) })
            let sortedCalls = members.map(\.calls).sorted()
            let cap = Double(max(1, sortedCalls.isEmpty ? 1 : sortedCalls[sortedCalls.count / 2]))
            var pool: [ProfileKey: Double] = [:]
            var poolTotal = 0.0
            for m in members {
                let c = Double(m.calls)
                if c == 0 { continue }
                let w = min(c, cap) / c
                for k in m.profile.keys.sorted() { pool[k, default: 0] += m.profile[k]! * w }
            }
            for k in pool.keys.sorted() { poolTotal += pool[k]! }
            var next = Set<String>()
            for s in words where s.calls >= 10 {
                let kCount = Double(pool.count + s.profile.keys.filter { pool[$0] == nil }.count)
                let c = s.profile.values.reduce(0, +)
                if c <= 0 { continue }
                var g = 0.0
                for k in s.profile.keys.sorted() {
                    let o = s.profile[k]!
                    if o <= 0 { continue }
                    let own = memberIDs.contains(ObjectIdentifier(s)) ? o * min(Double(s.calls), cap) / Double(s.calls) : 0
                    let pk = (pool[k, default: 0] - own + 0.5) / (poolTotal - min(Double(s.calls), cap) * (own > 0 ? 1 : 0) + 0.5 * kCount)
                    g += 2 * o * log(o / (c * max(pk, 1e-12)))
                }
                if g > 25 + 2 * (kCount - 1) { next.insert(s.stem) }
            }
            if next == distinct { break }
            distinct = next
        }
        return distinct
    }

    /// `vault-role` → ["vault-", "-role"]; single-chunk stems have none. Only `-` and `_` separate
    /// (dots are domain-like: `networking.k8s.io` and `apps.k8s.io` are distinct API groups).
    static func affixes(_ stem: String) -> [String] {
        let u = Array(stem.utf8)
        guard let first = u.firstIndex(where: { $0 == 45 || $0 == 95 }), let last = u.lastIndex(where: { $0 == 45 || $0 == 95 }),
              first > 0, last < u.count - 1 else { return [] }
        return [String(decoding: u[...first], as: UTF8.self), String(decoding: u[last...], as: UTF8.self)]
    }

    /// Weak evidence of a generated value in a low-traffic word-like stem: a digit, or few vowels.
    static func weakRandom(_ stem: String) -> Bool {
        let u = Array(stem.utf8)
        if u.contains(where: { $0 >= 48 && $0 <= 57 }) { return true }
        let letters = u.filter { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
        let vowels = letters.filter(Engine.isVowel)
        return letters.count >= 6 && Double(vowels.count) < 0.25 * Double(letters.count)
    }

    static func template(_ root: Node, _ path: String) -> String {
        var node: Node? = root
        var out = ""
        let segs = APICatalog.segments(of: path)
        if segs.isEmpty { return "/" }
        for seg in segs {
            let key = node?.redirect[seg] ?? seg
            out += "/" + key
            node = node?.children[key]
        }
        return out
    }
}
