/// Precision/recall of inferred endpoint templates against a ground-truth endpoint list.
public struct TemplateScore: Sendable {
    public var precision: Double
    public var recall: Double
    public var f1: Double
    /// Inferred endpoints that correspond to exactly one truth line.
    public var truePositives: Int
    /// Inferred endpoints that correspond to no truth line (under-folded values, over-folded words).
    public var falsePositives: Int
    /// Truth lines that no inferred endpoint corresponds to.
    public var falseNegatives: Int
    /// Diagnostics: `METHOD /template (calls)` of the false positives, sorted by calls (descending).
    public var falsePositiveTemplates: [String] = []
    /// Diagnostics: `METHOD /template` of the truth lines not recalled.
    public var missedTruth: [String] = []
    public var truthCount: Int = 0
    public var inferredCount: Int = 0
}

public enum TemplateScoring {
    /// Structural key: every `{…}` becomes `{}` (parameter names and types ignored), literals and
    /// suffixes kept: `/Calls/{Sid}.json` and `/Calls/{hex}.json` both give `/Calls/{}.json`.
    public static func shapeKey(_ template: String) -> String {
        var out = ""
        var inBrace = false
        for ch in template {
            if inBrace { if ch == "}" { inBrace = false; out.append("}") }; continue }
            if ch == "{" { inBrace = true; out.append("{") } else { out.append(ch) }
        }
        return out
    }

    /// Scores inferred endpoints (method + template, with calls) against truth endpoints.
    /// Truth lines with the same method and shape key are indistinguishable from traffic and count once.
    public static func score(truth: [APIEndpoint], inferred: [(method: String, template: String, calls: UInt64)]) -> TemplateScore {
        var truthKeys: [String: String] = [:]   // key → original line
        var truthMultiplicity: [String: Int] = [:]
        for e in truth {
            let k = e.method + " " + shapeKey(e.template)
            truthMultiplicity[k, default: 0] += 1
            if truthKeys[k] == nil { truthKeys[k] = e.method + " " + e.template }
        }
        var merged: [String: UInt64] = [:]
        for i in inferred { merged[i.method + " " + shapeKey(i.template), default: 0] &+= i.calls }
        var tp = 0, fp = 0
        var fps: [(String, UInt64)] = []
        var recalled = Set<String>()
        for (k, c) in merged {
            if truthKeys[k] != nil { tp += 1; recalled.insert(k) } else { fp += 1; fps.append((k, c)) }
        }
        let missed = truthKeys.keys.filter { !recalled.contains($0) }.sorted().map { truthKeys[$0]! }
        let precision = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
        let recall = truthKeys.isEmpty ? 0 : Double(recalled.count) / Double(truthKeys.count)
        let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        return TemplateScore(
            precision: precision, recall: recall, f1: f1, truePositives: tp, falsePositives: fp,
            falseNegatives: missed.count,
            falsePositiveTemplates: fps.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map { "\($0.0) (\($0.1))" },
            missedTruth: missed, truthCount: truthKeys.count, inferredCount: merged.count)
    }

    /// Generator → PathNormalizer → TemplateInference → score, for one API endpoint list. Prints nothing.
    public static func evaluate(apiText: String, seed: UInt64, calls: Int, collapseThreshold: Int) -> TemplateScore {
        let catalog = APICatalog(text: apiText)
        var gen = APITrafficGenerator(catalog: catalog, seed: seed)
        var normalizer = PathNormalizer()
        var typedCounts: [String: [String: UInt64]] = [:]   // method → typed path → calls
        var out: [UInt8] = []
        out.reserveCapacity(256)
        for _ in 0..<calls {
            let (method, path) = gen.next()
            var p = path
            _ = p.withUTF8 { normalizer.normalize($0, into: &out) }
            typedCounts[method, default: [:]][String(decoding: out, as: UTF8.self), default: 0] &+= 1
        }
        let host = "api.example"
        var inference = TemplateInference(collapseThreshold: collapseThreshold)
        for (m, paths) in typedCounts { for (p, c) in paths { inference.add(host: host, typedPath: p, method: m, calls: c) } }
        let map = inference.resolve()
        var inferred: [String: UInt64] = [:]
        for (m, paths) in typedCounts {
            for (p, c) in paths { inferred[m + " " + map.template(host: host, typedPath: p), default: 0] &+= c }
        }
        let list = inferred.map { (k, c) -> (method: String, template: String, calls: UInt64) in
            let sp = k.split(separator: " ", maxSplits: 1)
            return (String(sp[0]), String(sp[1]), c)
        }
        return score(truth: catalog.endpoints, inferred: list)
    }
}

extension TemplateScore {
    /// Same as `TemplateScoring.evaluate`: generator → PathNormalizer → TemplateInference → score.
    public static func evaluate(apiText: String, seed: UInt64, calls: Int, collapseThreshold: Int) -> TemplateScore {
        TemplateScoring.evaluate(apiText: apiText, seed: seed, calls: calls, collapseThreshold: collapseThreshold)
    }
}
