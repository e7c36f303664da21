import APICensusCore
import Foundation
import Testing

/// `apicensus generate` writes every gateway/edge JSON format, and `apicensus batch` reads it back
/// with the format detected and the synthetic API's templates recovered.
@Suite struct GatewayJSONGenerateTests {
    static let styles = ["kong", "envoy_json", "caddy", "traefik_json", "cloudflare", "fastly"]

    @Test(arguments: styles)
    func generatedLogIsReadBackAndRecoversTheTemplates(style: String) throws {
        let lines = 12_000
        let log = try CLI.run(["generate", "--format", style, "--lines", String(lines), "--seed", "4"])
        #expect(log.status == 0, "\(style): \(log.stderr)")
        let report = try CLI.run(["batch", "-"], stdin: log.stdout)
        #expect(report.status == 0, "\(style): \(report.stderr)")
        let input = report.json["input"] as? [String: Any] ?? [:]
        #expect(input["parsed"] as? Int == lines, "\(style)")
        #expect(input["rejected"] as? Int == 0, "\(style)")
        let file = (input["files"] as? [[String: Any]])?.first ?? [:]
        #expect(file["format"] as? String == style)
        #expect(file["format_confidence"] as? Double == 1)

        // Every host of the synthetic organisation, its endpoints recovered as templates.
        let endpoints = report.json["endpoints"] as? [[String: Any]] ?? []
        for host in Set(SyntheticAPI.endpoints.map(\.host)).sorted() {
            let truth = SyntheticAPI.endpoints.filter { $0.host == host }.map { APIEndpoint(method: $0.method, template: $0.truthTemplate) }
            let inferred = endpoints.filter { $0["host"] as? String == host }.map {
                (method: $0["method"] as? String ?? "", template: $0["template"] as? String ?? "", calls: UInt64($0["calls"] as? Int ?? 0))
            }
            let score = TemplateScoring.score(truth: truth, inferred: inferred)
            print("generated \(style) \(host): precision \(score.precision) recall \(score.recall) F1 \(score.f1)")
            #expect(score.f1 >= 0.95, "\(style) \(host): precision \(score.precision) recall \(score.recall); missed \(score.missedTruth.prefix(5)); extra \(score.falsePositiveTemplates.prefix(5))")
        }
        // The synthetic credentials and query secrets never reach the report.
        for secret in ["eyJhbGciOiJSUzI1NiIs", "sk_live_", "synthetic_key_", "Bearer ", "Basic "] {
            #expect(!report.text.contains(secret), "\(style) leaks \(secret)")
        }
    }
}
