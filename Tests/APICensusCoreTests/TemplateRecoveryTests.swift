import Foundation
import Testing
@testable import APICensusCore

/// End to end: realistic synthetic traffic from six real APIs' endpoint lists → PathNormalizer →
/// TemplateInference → structural comparison with the lists. F1 ≥ 0.95 is required on each API.
@Suite struct TemplateRecoveryTests {
    static let apis = ["stripe", "kubernetes", "petstore", "twilio_api_v2010", "slack_web", "azure_document_intelligence"]
    static let seed: UInt64 = 20_240_131
    static let calls = Int(ProcessInfo.processInfo.environment["APICENSUS_RECOVERY_CALLS"] ?? "") ?? 200_000

    static func text(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/apis/\(name)", withExtension: "txt"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test(arguments: apis)
    func recovery(api: String) throws {
        let score = TemplateScoring.evaluate(apiText: try Self.text(api), seed: Self.seed, calls: Self.calls,
                                             collapseThreshold: 50)
        print(String(format: "RECOVERY %@ calls=%d seed=%llu precision=%.4f recall=%.4f f1=%.4f tp=%d fp=%d fn=%d truth=%d inferred=%d",
                     api, Self.calls, Self.seed, score.precision, score.recall, score.f1, score.truePositives,
                     score.falsePositives, score.falseNegatives, score.truthCount, score.inferredCount))
        let verbose = ProcessInfo.processInfo.environment["APICENSUS_RECOVERY_VERBOSE"] != nil
        for f in score.falsePositiveTemplates.prefix(verbose ? 100_000 : 15) { print("  FP \(api): \(f)") }
        for m in score.missedTruth.prefix(verbose ? 100_000 : 15) { print("  FN \(api): \(m)") }
        #expect(score.f1 >= 0.95, "\(api): F1 \(score.f1)")
    }
}
