import Foundation

/// The two groupings every stage of the maturity model is measured on.
public enum MaturityDimension: String, Codable, CaseIterable, Sendable, Comparable {
    /// Non-security traits: how many APIs, of which kinds, used by whom.
    case apiBarometer = "api_barometer"
    /// Security practices and tooling: protection, mediation, access control, documentation.
    case securityPractices = "security_practices"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

public enum ComparisonOperator: String, Codable, Sendable, CaseIterable {
    case atLeast = ">=", above = ">", atMost = "<=", below = "<", equal = "=="

    func holds(_ value: Double, _ threshold: Double) -> Bool {
        switch self {
        case .atLeast: value >= threshold
        case .above: value > threshold
        case .atMost: value <= threshold
        case .below: value < threshold
        case .equal: value == threshold
        }
    }
}

/// One criterion of a stage: a metric compared with a threshold, or a practice that access logs
/// can never show (`observable: false` with the reason), listed so a reader sees the whole model.
public struct MaturityCriterion: Sendable, Equatable {
    public var id: String
    public var dimension: MaturityDimension
    public var title: String
    /// An `EvidenceSummary` metric id; nil for never-observable practices.
    public var metric: String?
    public var op: ComparisonOperator?
    public var threshold: Double?
    /// A required criterion must pass (when observable) for its stage to be met, whatever the share.
    public var required: Bool
    /// False for practices logs cannot show (team education, build pipelines, …).
    public var observable: Bool
    public var reason: String?

    public init(id: String, dimension: MaturityDimension, title: String, metric: String?, op: ComparisonOperator?,
                threshold: Double?, required: Bool = false, observable: Bool = true, reason: String? = nil) {
        self.id = id
        self.dimension = dimension
        self.title = title
        self.metric = metric
        self.op = op
        self.threshold = threshold
        self.required = required
        self.observable = observable
        self.reason = reason
    }
}

public struct MaturityStageRules: Sendable, Equatable {
    public var stage: Int
    public var name: String
    /// Overrides the document's `pass_share` for this stage.
    public var passShare: Double?
    public var criteria: [MaturityCriterion]
}

/// The versioned rules the maturity stage is computed with. The built-in set ships inside the tool
/// (`Rules/maturity-rules.json`, embedded as `MaturityRules.builtInJSON`); `--rules FILE` replaces
/// it with a document of the same shape (`Schemas/rules.schema.json`, `docs/maturity.md`).
public struct MaturityRules: Sendable, Equatable {
    public var rulesVersion: String
    public var description: String?
    /// Share of a stage's observable criteria (per dimension) that must pass for the stage to be met.
    public var passShare: Double
    /// Stages 1 to 5, in order.
    public var stages: [MaturityStageRules]
    /// Where the rules came from: `built-in` or the file given with `--rules`.
    public var source = "built-in"

    /// The built-in rules (decoded once; a test checks the embedded text equals the data file).
    public static let builtIn: MaturityRules = {
        do {
            return try MaturityRules(json: Array(builtInJSON.utf8))
        } catch {
            preconditionFailure("the built-in maturity rules do not decode: \(error)")
        }
    }()

    /// Metric ids a criterion may name.
    public static var knownMetrics: Set<String> { Set(EvidenceMetricID.evidenceIDs + EvidenceMetricID.docsIDs) }

    public func stage(_ n: Int) -> MaturityStageRules { stages[n - 1] }

    /// Decodes and checks a rules document. Errors name the key path (`stages[2].criteria[1].op`).
    public init(json: [UInt8], source: String = "built-in") throws(MaturityRulesError) {
        let value: RulesJSONValue
        do {
            value = try JSONDecoder().decode(RulesJSONValue.self, from: Data(json))
        } catch {
            throw MaturityRulesError(path: "", message: "not valid JSON: \(MaturityRulesError.describe(error))")
        }
        try self.init(document: value, source: source)
    }

    init(document: RulesJSONValue, source: String) throws(MaturityRulesError) {
        let r = Reader(value: document, path: "")
        try r.onlyKeys(["$schema", "rules_version", "description", "pass_share", "stages"])
        rulesVersion = try r.string("rules_version")
        guard !rulesVersion.isEmpty else { throw MaturityRulesError(path: "rules_version", message: "must not be empty") }
        description = try r.optionalString("description")
        passShare = try r.number("pass_share")
        guard passShare > 0 && passShare <= 1 else { throw MaturityRulesError(path: "pass_share", message: "must be in (0, 1]") }
        self.source = source
        var stages: [MaturityStageRules] = []
        var ids = Set<String>()
        let known = MaturityRules.knownMetrics
        for s in try r.array("stages") {
            try s.onlyKeys(["stage", "name", "pass_share", "criteria"])
            let stageValue = try s.number("stage")
            guard stageValue == stageValue.rounded(), stageValue >= 1, stageValue <= 5 else {
                throw MaturityRulesError(path: s.path + ".stage", message: "must be an integer from 1 to 5")
            }
            let number = Int(stageValue)
            let share = try s.optionalNumber("pass_share")
            if let share, !(share > 0 && share <= 1) { throw MaturityRulesError(path: s.path + ".pass_share", message: "must be in (0, 1]") }
            var criteria: [MaturityCriterion] = []
            for c in try s.array("criteria") {
                try c.onlyKeys(["id", "dimension", "title", "metric", "op", "threshold", "required", "observable", "reason"])
                let id = try c.string("id")
                guard ids.insert(id).inserted else { throw MaturityRulesError(path: c.path + ".id", message: "duplicate criterion id '\(id)'") }
                let dimensionName = try c.string("dimension")
                guard let dimension = MaturityDimension(rawValue: dimensionName) else {
                    throw MaturityRulesError(path: c.path + ".dimension", message: "'\(dimensionName)' is not one of \(MaturityDimension.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let observable = try c.optionalBool("observable") ?? true
                var criterion = MaturityCriterion(id: id, dimension: dimension, title: try c.string("title"), metric: nil, op: nil,
                                                  threshold: nil, required: try c.optionalBool("required") ?? false,
                                                  observable: observable, reason: try c.optionalString("reason"))
                if observable {
                    let metric = try c.string("metric")
                    guard known.contains(metric) else {
                        throw MaturityRulesError(path: c.path + ".metric", message: "unknown metric '\(metric)'; known: \(known.sorted().joined(separator: ", "))")
                    }
                    let opName = try c.string("op")
                    guard let op = ComparisonOperator(rawValue: opName) else {
                        throw MaturityRulesError(path: c.path + ".op", message: "'\(opName)' is not one of \(ComparisonOperator.allCases.map(\.rawValue).joined(separator: " "))")
                    }
                    criterion.metric = metric
                    criterion.op = op
                    criterion.threshold = try c.number("threshold")
                } else {
                    if c.has("metric") || c.has("op") || c.has("threshold") {
                        throw MaturityRulesError(path: c.path, message: "a criterion with observable false names no metric, op or threshold")
                    }
                    guard criterion.reason?.isEmpty == false else {
                        throw MaturityRulesError(path: c.path + ".reason", message: "a criterion with observable false says why (reason)")
                    }
                }
                criteria.append(criterion)
            }
            stages.append(MaturityStageRules(stage: number, name: try s.string("name"), passShare: share, criteria: criteria))
        }
        guard stages.map(\.stage) == [1, 2, 3, 4, 5] else {
            throw MaturityRulesError(path: "stages", message: "must list stages 1, 2, 3, 4 and 5 in order (found \(stages.map(\.stage)))")
        }
        self.stages = stages
    }

    /// A cursor into the decoded JSON with its key path, for errors that say where.
    struct Reader {
        let value: RulesJSONValue
        let path: String

        private var object: [String: RulesJSONValue] {
            if case .object(let o) = value { return o }
            return [:]
        }

        private func key(_ k: String) -> String { path.isEmpty ? k : path + "." + k }

        func has(_ k: String) -> Bool {
            if let v = object[k], v != .null { return true }
            return false
        }

        func onlyKeys(_ allowed: Set<String>) throws(MaturityRulesError) {
            guard case .object(let o) = value else { throw MaturityRulesError(path: path, message: "must be an object") }
            if let extra = o.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw MaturityRulesError(path: key(extra), message: "unknown key; allowed: \(allowed.sorted().joined(separator: ", "))")
            }
        }

        func string(_ k: String) throws(MaturityRulesError) -> String {
            guard let v = try optionalString(k) else { throw MaturityRulesError(path: key(k), message: "required string is missing") }
            return v
        }

        func optionalString(_ k: String) throws(MaturityRulesError) -> String? {
            guard has(k) else { return nil }
            guard case .string(let s) = object[k]! else { throw MaturityRulesError(path: key(k), message: "must be a string") }
            return s
        }

        func number(_ k: String) throws(MaturityRulesError) -> Double {
            guard let v = try optionalNumber(k) else { throw MaturityRulesError(path: key(k), message: "required number is missing") }
            return v
        }

        func optionalNumber(_ k: String) throws(MaturityRulesError) -> Double? {
            guard has(k) else { return nil }
            guard case .number(let n) = object[k]!, n.isFinite else { throw MaturityRulesError(path: key(k), message: "must be a number") }
            return n
        }

        func optionalBool(_ k: String) throws(MaturityRulesError) -> Bool? {
            guard has(k) else { return nil }
            guard case .bool(let b) = object[k]! else { throw MaturityRulesError(path: key(k), message: "must be true or false") }
            return b
        }

        func array(_ k: String) throws(MaturityRulesError) -> [Reader] {
            guard has(k), case .array(let a) = object[k]! else { throw MaturityRulesError(path: key(k), message: "required array is missing") }
            return a.enumerated().map { Reader(value: $0.element, path: "\(key(k))[\($0.offset)]") }
        }
    }
}

/// Any JSON value, decoded without guessing: booleans stay booleans, numbers numbers.
enum RulesJSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([RulesJSONValue]), object([String: RulesJSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([RulesJSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: RulesJSONValue].self)) }
    }
}

/// A rules document that cannot be used, with where in it.
public struct MaturityRulesError: Error, CustomStringConvertible, Equatable {
    /// Key path in the document (`stages[2].criteria[1].op`); empty for the document itself.
    public var path: String
    public var message: String
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context):
            let underlying = context.underlyingError.map { " (\($0))" } ?? ""
            return context.debugDescription + underlying
        default:
            return "\(error)"
        }
    }
}
