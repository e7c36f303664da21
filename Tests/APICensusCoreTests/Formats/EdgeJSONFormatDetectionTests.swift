import Testing
@testable import APICensusCore

/// The cloud and WAF JSON formats side by side: each one is detected on its own lines, claims no
/// other format's lines, and reads back what the generator writes in it.
@Suite struct EdgeJSONFormatDetectionTests {
    static let formats: [FormatDescriptor] = [.awsAPIGateway, .awsWAF, .gcpLoadBalancer, .azureAppGateway, .azureFrontDoor, .modSecurityJSON]

    func detect(_ text: String) -> FormatDetector.Detection? {
        Array(text.utf8).withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }
    }

    @Test func examplesAreDetectedAndClaimedByNoOtherFormat() {
        for d in Self.formats {
            #expect(detect(d.example + "\n" + d.example + "\n") == .init(format: d.format, confidence: 1), "\(d.format)")
            for other in FormatCatalog.all where other.format != d.format && other.format != .jsonLines {
                var parser = other.makeParser(.default)
                #expect(edgeParse(&parser, d.example).outcome != .call, "\(other.format) claims the \(d.format) example")
            }
        }
    }

    @Test func genericJSONLinesStayGenericAndTiesGoToTheStricterFormat() {
        #expect(detect(EdgeNearMiss.nginxJSON + "\n" + EdgeNearMiss.nginxJSON + "\n")?.format == .jsonLines)
        // An API Gateway template with a `path` key is also readable as generic JSON: the stricter format wins.
        let gateway = #"{"requestId":"a1","ip":"203.0.113.7","requestTime":"10/Oct/2026:13:55:36 +0000","httpMethod":"GET","path":"/users/42","status":"200"}"#
        var generic = JSONLinesParser()
        #expect(edgeParse(&generic, gateway).outcome == .call)
        #expect(detect(gateway + "\n" + gateway + "\n")?.format == .awsAPIGateway)
    }

    @Test func generatedLogsAreDetectedAndRecoverTheSyntheticAPI() {
        for d in Self.formats {
            var generator = LogGenerator(style: LogGenerator.Style(rawValue: d.format.rawValue)!, seed: 5)
            var bytes: [UInt8] = []
            for _ in 0..<12_000 { generator.appendLine(to: &bytes) }
            let detection = bytes.withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }
            #expect(detection == .init(format: d.format, confidence: 1), "\(d.format)")

            var aggregator = CallAggregator()
            var parser = AnyLineParser(format: d.format, fieldMap: .default)
            bytes.withUnsafeBufferPointer {
                _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser)
            }
            let state = aggregator.snapshot()
            #expect(state.files[0]?.parsed == 12_000 && state.files[0]?.rejected == 0, "\(d.format)")
            let endpoints = ReportBuilder.endpoints(from: state, options: ReportOptions())
            for host in Set(SyntheticAPI.endpoints.map(\.host)).sorted() {
                let truth = SyntheticAPI.endpoints.filter { $0.host == host }.map { APIEndpoint(method: $0.method, template: $0.truthTemplate) }
                let inferred = endpoints.filter { $0.host == host }.map { (method: $0.method, template: $0.template, calls: $0.stats.calls) }
                let score = TemplateScoring.score(truth: truth, inferred: inferred)
                #expect(score.f1 >= 0.95, "\(d.format) \(host): F1 \(score.f1), missed \(score.missedTruth.prefix(3)), extra \(score.falsePositiveTemplates.prefix(3))")
            }
        }
    }
}
