import Testing
@testable import APICensusCore

/// The whole core pipeline (parser → typed paths → aggregation → template inference) recovers the
/// synthetic organisation that `apicensus generate` draws its traffic from.
@Suite struct SyntheticRecoveryTests {
    @Test func generatedTrafficRecoversTheSyntheticAPI() {
        var generator = LogGenerator(style: .vhostCombined, seed: 21)
        var bytes: [UInt8] = []
        for _ in 0..<200_000 { generator.appendLine(to: &bytes) }
        var aggregator = CallAggregator()
        var parser = CombinedLogParser(format: .combined)
        bytes.withUnsafeBufferPointer {
            _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser)
        }
        let endpoints = ReportBuilder.endpoints(from: aggregator.snapshot(), options: ReportOptions())
        for host in Set(SyntheticAPI.endpoints.map(\.host)).sorted() {
            let truth = SyntheticAPI.endpoints.filter { $0.host == host }.map { APIEndpoint(method: $0.method, template: $0.truthTemplate) }
            let inferred = endpoints.filter { $0.host == host }.map { (method: $0.method, template: $0.template, calls: $0.stats.calls) }
            let score = TemplateScoring.score(truth: truth, inferred: inferred)
            print("synthetic \(host): precision \(score.precision) recall \(score.recall) F1 \(score.f1); missed \(score.missedTruth.prefix(5)); extra \(score.falsePositiveTemplates.prefix(5))")
            #expect(score.f1 >= 0.95, "\(host)")
        }
    }
}
