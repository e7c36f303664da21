/// What one criterion came to on the evidence.
public enum CriterionOutcome: String, Sendable, Equatable {
    case passed, failed
    /// Left out: neither passed nor failed (the inputs cannot show it, or nothing was counted).
    case notObservable = "not_observable"
}

public struct CriterionResult: Sendable, Equatable {
    public var criterion: MaturityCriterion
    public var stage: Int
    /// The metric's value, when it has one.
    public var value: Double?
    public var outcome: CriterionOutcome
    /// Why it is not observable, when it is not.
    public var reason: String?
}

/// One stage measured on one dimension.
public struct StageDimensionResult: Sendable, Equatable {
    public var stage: Int
    public var dimension: MaturityDimension?
    public var results: [CriterionResult]
    public var passShare: Double

    public var passed: Int { results.filter { $0.outcome == .passed }.count }
    public var failed: Int { results.filter { $0.outcome == .failed }.count }
    public var notObservable: Int { results.filter { $0.outcome == .notObservable }.count }
    public var observable: Int { passed + failed }
    /// Met: at least one criterion observable, the passing share reached, every observable
    /// required criterion passed. Never met on no evidence.
    public var met: Bool {
        observable > 0 && Double(passed) >= passShare * Double(observable) - 1e-9
            && !results.contains { $0.criterion.required && $0.outcome == .failed }
    }
    /// passed / observable, nil when nothing is observable.
    public var share: Double? { observable > 0 ? Double(passed) / Double(observable) : nil }
}

public struct DimensionAssessment: Sendable, Equatable {
    public var dimension: MaturityDimension
    /// nil when no stage can be claimed (no API endpoints in the input).
    public var stage: Int?
    public var reasons: [String]
    public var stages: [StageDimensionResult]
}

public struct MaturityProgress: Sendable, Equatable {
    public var nextStage: Int
    public var passed: Int
    public var failed: Int
    public var notObservable: Int
    public var share: Double?
    /// Failed criteria of the next stage and of the stages below it: what stands in the way.
    public var toDo: [String]
}

public struct MaturityAssessment: Sendable, Equatable {
    /// The stage both dimensions reach (the lower of the two); nil when no stage can be claimed.
    public var stage: Int?
    public var stageName: String?
    public var reasons: [String]
    public var dimensions: [DimensionAssessment]
    /// Into the next stage; nil at stage 5 or when no stage is claimed.
    public var progress: MaturityProgress?
    public var rulesVersion: String
    public var rulesSource: String
    public var criteria: [CriterionResult]
}

/// Scores an `EvidenceSummary` with a set of rules.
///
/// A dimension is at stage s when stages 1 … s are all *met* on that dimension: at least one of the
/// stage's criteria is observable, at least `pass_share` of the observable ones pass, and every
/// observable required criterion passes. Stage 1 (API learning) is the floor: it is claimed on the
/// evidence that APIs are in use (`inventory.endpoints` ≥ 1), even when its practices are not yet
/// in place, since there is no lower stage. Criteria the inputs cannot observe (a missing role or
/// field, a ratio with nothing to count, a practice logs never show) are left out of the share:
/// never counted as passed or failed. A stage with no observable criterion is not met (a stage is
/// claimed only on evidence), so climbing stops there. The overall stage is the lower of the two
/// dimensions' stages.
public enum MaturityEngine {
    public static func assess(_ summary: EvidenceSummary, rules: MaturityRules) -> MaturityAssessment {
        var all: [CriterionResult] = []
        for stage in rules.stages {
            for c in stage.criteria { all.append(evaluate(c, stage: stage.stage, summary: summary)) }
        }
        let apis = summary.metrics[EvidenceMetricID.inventoryEndpoints]?.value ?? 0
        var dimensions: [DimensionAssessment] = []
        for d in MaturityDimension.allCases {
            var stages: [StageDimensionResult] = []
            for stage in rules.stages {
                stages.append(StageDimensionResult(stage: stage.stage, dimension: d,
                                                   results: all.filter { $0.stage == stage.stage && $0.criterion.dimension == d },
                                                   passShare: stage.passShare ?? rules.passShare))
            }
            dimensions.append(assessDimension(d, stages: stages, rules: rules, apisInUse: apis >= 1))
        }
        let stage = dimensions.contains { $0.stage == nil } ? nil : dimensions.compactMap(\.stage).min()
        var reasons: [String] = []
        if let stage {
            let names = dimensions.map { "\($0.dimension.rawValue) \($0.stage!)" }.joined(separator: ", ")
            reasons.append("stage \(stage) (\(rules.stage(stage).name)): the lower of the two dimensions (\(names))")
        } else {
            reasons.append("no stage claimed: no API endpoints in the input")
        }
        var progress: MaturityProgress?
        if let stage, stage < 5 {
            let next = stage + 1
            let nextResults = all.filter { $0.stage == next }
            let passed = nextResults.filter { $0.outcome == .passed }.count
            let failed = nextResults.filter { $0.outcome == .failed }.count
            progress = MaturityProgress(
                nextStage: next, passed: passed, failed: failed,
                notObservable: nextResults.filter { $0.outcome == .notObservable }.count,
                share: passed + failed > 0 ? Double(passed) / Double(passed + failed) : nil,
                toDo: all.filter { $0.stage <= next && $0.outcome == .failed }.map(\.criterion.id))
        }
        return MaturityAssessment(stage: stage, stageName: stage.map { rules.stage($0).name }, reasons: reasons,
                                  dimensions: dimensions, progress: progress, rulesVersion: rules.rulesVersion,
                                  rulesSource: rules.source, criteria: all)
    }

    static func assessDimension(_ d: MaturityDimension, stages: [StageDimensionResult], rules: MaturityRules,
                                apisInUse: Bool) -> DimensionAssessment {
        guard apisInUse else {
            return DimensionAssessment(dimension: d, stage: nil, reasons: ["no API endpoints in the input: no stage is claimed"],
                                       stages: stages)
        }
        var reached = 0
        var reasons: [String] = []
        for s in stages {
            let name = rules.stage(s.stage).name
            if s.met {
                reached = s.stage
                reasons.append("stage \(s.stage) (\(name)) met: \(describe(s))")
                continue
            }
            if s.observable == 0 {
                reasons.append("stage \(s.stage) (\(name)) not claimed: none of its \(d.rawValue) criteria is observable from these inputs\(notObservableList(s))")
            } else {
                reasons.append("stage \(s.stage) (\(name)) not met: \(describe(s))")
            }
            if s.stage == 1 {
                reasons.append("stage 1 is the floor: APIs are in use, so the \(d.rawValue) dimension is at stage 1")
            }
            break
        }
        return DimensionAssessment(dimension: d, stage: max(1, reached), reasons: reasons, stages: stages)
    }

    static func describe(_ s: StageDimensionResult) -> String {
        var text = "\(s.passed) of \(s.observable) observable criteria passed (needs \(percent(s.passShare)))"
        let failed = s.results.filter { $0.outcome == .failed }
        if !failed.isEmpty {
            text += "; failed: " + failed.map { r in
                "\(r.criterion.id) (\(r.criterion.metric!) \(format(r.value)) \(r.criterion.op!.failureSymbol) \(format(r.criterion.threshold)))"
            }.joined(separator: ", ")
        }
        return text + notObservableList(s)
    }

    static func notObservableList(_ s: StageDimensionResult) -> String {
        let left = s.results.filter { $0.outcome == .notObservable }
        guard !left.isEmpty else { return "" }
        return "; left out (not observable): " + left.map { "\($0.criterion.id) (\($0.reason ?? "not observable"))" }.joined(separator: ", ")
    }

    public static func evaluate(_ c: MaturityCriterion, stage: Int, summary: EvidenceSummary) -> CriterionResult {
        guard c.observable, let metricID = c.metric, let op = c.op, let threshold = c.threshold else {
            return CriterionResult(criterion: c, stage: stage, value: nil, outcome: .notObservable,
                                   reason: c.reason ?? "access logs cannot show this")
        }
        guard let metric = summary.metrics[metricID] else {
            return CriterionResult(criterion: c, stage: stage, value: nil, outcome: .notObservable,
                                   reason: "\(metricID) was not measured")
        }
        guard metric.observable else {
            return CriterionResult(criterion: c, stage: stage, value: nil, outcome: .notObservable,
                                   reason: metric.reasonIfNotObservable ?? "\(metricID) is not observable from these inputs")
        }
        guard let value = metric.value else {
            return CriterionResult(criterion: c, stage: stage, value: nil, outcome: .notObservable,
                                   reason: "nothing to count for \(metricID) (denominator 0)")
        }
        return CriterionResult(criterion: c, stage: stage, value: value, outcome: op.holds(value, threshold) ? .passed : .failed, reason: nil)
    }

    static func percent(_ share: Double) -> String {
        let p = (share * 1000).rounded() / 10
        return p == p.rounded() ? "\(Int(p))%" : "\(p)%"
    }

    /// A value for a reason text: at most 3 decimals, no trailing zeros.
    static func format(_ v: Double?) -> String {
        guard let v else { return "n/a" }
        return JSONOutput.format(v, decimals: 3)
    }
}

extension ComparisonOperator {
    /// The relation that holds when the criterion fails (`0.4 < 0.5` for a `>= 0.5` criterion).
    var failureSymbol: String {
        switch self {
        case .atLeast: "<"
        case .above: "<="
        case .atMost: ">"
        case .below: ">="
        case .equal: "!="
        }
    }
}
