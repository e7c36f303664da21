/// The report's `indicators`, `zero_trust` and `maturity` sections, all computed from one
/// `EvidenceSummary` (plus the inventory-derived growth and response-size metrics).
extension ReportBuilder {
    static func number(_ v: Double?, decimals: Int = 4) -> JSONOutput {
        guard let v else { return .null }
        return .number(v, decimals: decimals)
    }

    static func indicatorsSection(_ indicators: [Indicator]) -> JSONOutput {
        .array(indicators.map { i in
            let evidence: JSONOutput = i.evidence.map { e in
                .object([("numerator", number(e.numerator)), ("denominator", number(e.denominator))]
                        + e.details.map { ($0.0, number($0.1)) })
            } ?? .null
            return .object([
                ("id", .string(i.id)),
                ("title", .string(i.title)),
                ("value", number(i.value)),
                ("unit", .string(i.unit.rawValue)),
                ("observable", .bool(i.observable)),
                ("evidence", evidence),
                ("dimension", .string(i.dimension.rawValue)),
                ("zero_trust_step", i.zeroTrustStep.map { .string($0.rawValue) } ?? .null),
                ("reason", i.reason.map { .string($0) } ?? .null),
            ])
        })
    }

    static func zeroTrustSection(_ measures: [ZeroTrustMeasure]) -> JSONOutput {
        .object(measures.map { m in
            (m.step.rawValue, .object([
                ("ratio", number(m.ratio)),
                ("observable", .bool(m.observable)),
                ("metric", .string(m.metric)),
                ("evidence", m.observable
                    ? .object([("numerator", number(m.numerator)), ("denominator", number(m.denominator)),
                               ("related", .object(m.related.map { ($0.0, number($0.1)) }))])
                    : .null),
                ("reason", m.reason.map { .string($0) } ?? .null),
            ]))
        })
    }

    static func maturitySection(_ a: MaturityAssessment) -> JSONOutput {
        func criterion(_ r: CriterionResult) -> JSONOutput {
            .object([
                ("id", .string(r.criterion.id)),
                ("stage", .int(Int64(r.stage))),
                ("title", .string(r.criterion.title)),
                ("metric", r.criterion.metric.map { .string($0) } ?? .null),
                ("op", r.criterion.op.map { .string($0.rawValue) } ?? .null),
                ("threshold", number(r.criterion.threshold)),
                ("required", .bool(r.criterion.required)),
                ("value", number(r.value)),
                ("outcome", .string(r.outcome.rawValue)),
                ("reason", r.reason.map { .string($0) } ?? .null),
            ])
        }
        let dimensions: [(String, JSONOutput)] = a.dimensions.map { d in
            (d.dimension.rawValue, .object([
                ("stage", d.stage.map { .int(Int64($0)) } ?? .null),
                ("reasons", .array(d.reasons.map { .string($0) })),
                ("stages", .array(d.stages.map { s in
                    .object([
                        ("stage", .int(Int64(s.stage))),
                        ("met", .bool(s.met)),
                        ("passed", .int(Int64(s.passed))),
                        ("failed", .int(Int64(s.failed))),
                        ("not_observable", .int(Int64(s.notObservable))),
                        ("pass_share", number(s.passShare)),
                    ])
                })),
                ("criteria", .array(d.stages.flatMap(\.results).map(criterion))),
            ]))
        }
        let progress: JSONOutput = a.progress.map { p in
            .object([
                ("next_stage", .int(Int64(p.nextStage))),
                ("passed", .int(Int64(p.passed))),
                ("failed", .int(Int64(p.failed))),
                ("not_observable", .int(Int64(p.notObservable))),
                ("share", number(p.share)),
                ("to_do", .array(p.toDo.map { .string($0) })),
            ])
        } ?? .null
        return .object([
            ("stage", a.stage.map { .int(Int64($0)) } ?? .null),
            ("stage_name", a.stageName.map { .string($0) } ?? .null),
            ("reasons", .array(a.reasons.map { .string($0) })),
            ("dimensions", .object(dimensions)),
            ("progress", progress),
            ("rules_version", .string(a.rulesVersion)),
            ("rules_source", .string(a.rulesSource)),
        ])
    }
}

extension ReportBuilder {
    /// `indicators`, `zero_trust` and `maturity` from the evidence summary of the run. The `docs.*`
    /// metrics come from the drift (or say that no spec was supplied); growth and oversized
    /// responses are read off the inventory.
    static func scoringSections(summary evidence: EvidenceSummary, inventory: Inventory, state: AggregateState,
                                options: ReportOptions, isAPI: (Endpoint) -> Bool) -> [(String, JSONOutput)] {
        var summary = evidence
        for (k, v) in inventory.drift?.metrics ?? DocumentationDrift.unobservableMetrics { summary.metrics[k] = v }
        let extra: [String: ComputedMetric] = [
            IndicatorCatalog.growthID: IndicatorCatalog.growth(endpoints: inventory.endpoints, firstMillis: state.firstMillis,
                                                               lastMillis: state.lastMillis, isAPI: isAPI),
            IndicatorCatalog.oversizedID: IndicatorCatalog.oversizedResponses(
                endpoints: inventory.endpoints, responseBytesLogged: summary.observableFields.contains(.responseBytes), isAPI: isAPI),
        ]
        return [
            ("indicators", indicatorsSection(IndicatorCatalog.indicators(summary: summary, extra: extra))),
            ("zero_trust", zeroTrustSection(ZeroTrustAssessment.measures(summary))),
            ("maturity", maturitySection(MaturityEngine.assess(summary, rules: options.maturityRules))),
        ]
    }
}
