import Foundation
import Testing

/// `apicensus generate` in each cloud and WAF JSON format, read back by `apicensus batch`.
@Suite struct GenerateEdgeJSONFormatsTests {
    static let styles = ["aws_apigateway", "aws_waf", "gcp_lb", "azure_appgw", "azure_frontdoor", "modsecurity_json"]

    @Test func everyCloudAndWAFStyleIsReadBackByBatch() throws {
        for style in Self.styles {
            let log = try CLI.run(["generate", "--format", style, "--lines", "300", "--seed", "3"])
            #expect(log.status == 0, "\(style): \(log.stderr)")
            let report = try CLI.run(["batch", "-"], stdin: log.stdout)
            #expect(report.status == 0, "\(style): \(report.stderr)")
            let input = report.json["input"] as? [String: Any] ?? [:]
            #expect(input["parsed"] as? Int == 300, "\(style)")
            let files = input["files"] as? [[String: Any]] ?? []
            #expect(files.first?["format"] as? String == style, "\(style)")
            // The synthetic credentials the headers carry are classified, never written out.
            let secrets = Self.credentials(in: log.text)
            if ["aws_waf", "modsecurity_json"].contains(style) { #expect(secrets.count > 10, "\(style)") }
            for secret in secrets {
                #expect(!report.text.contains(secret) && !report.stderr.contains(secret), "\(style) leaks a credential")
            }
        }
    }

    /// Bearer tokens, Basic credentials and API keys written by the generator.
    static func credentials(in text: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: #"(?:Bearer |Basic )([A-Za-z0-9._~+/=-]{12,})|(k_[0-9a-f]{32})"#)
        var found = Set<String>()
        let range = NSRange(text.startIndex..., in: text)
        for match in pattern.matches(in: text, range: range) {
            for group in 1...2 {
                if let r = Range(match.range(at: group), in: text) { found.insert(String(text[r])) }
            }
        }
        return found
    }
}
