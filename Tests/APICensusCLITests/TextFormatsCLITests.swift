import Foundation
import Testing

/// The load-balancer, CDN and proxy text formats through the real CLI: `apicensus generate` writes
/// each, `apicensus batch` recognises and reads it back, and no synthetic secret reaches the report.
@Suite struct TextFormatsCLITests {
    static let formats = ["aws_alb", "aws_elb", "aws_cloudfront", "w3c", "haproxy", "envoy", "istio", "traefik_clf"]

    @Test(arguments: formats)
    func generatedLogIsDetectedAndReadBack(format: String) throws {
        let log = try CLI.run(["generate", "--format", format, "--lines", "400", "--seed", "5"])
        #expect(log.status == 0, "\(log.stderr)")
        let report = try CLI.run(["batch", "-"], stdin: log.stdout)
        #expect(report.status == 0, "\(format): \(report.stderr)")
        let input = report.json["input"] as! [String: Any]
        #expect(input["parsed"] as? Int == 400, "\(format)")
        #expect(input["rejected"] as? Int == 0, "\(format)")
        #expect((input["files"] as! [[String: Any]])[0]["format"] as? String == format)
        // The generator puts API keys and tokens in query strings: only their names may appear.
        #expect(!report.text.contains("sk_live_"), "\(format)")
        let tokens = log.text.components(separatedBy: "access_token=").dropFirst().map { String($0.prefix(40)) }
        #expect(!tokens.isEmpty, "\(format)")
        for token in tokens.prefix(50) { #expect(!report.text.contains(token), "\(format)") }
    }

    @Test func headerDrivenFileLargerThanASplitRangeIsReadWhole() throws {
        // W3C lines mean nothing without their #Fields header: a file past the 16 MiB range the
        // runner splits plain files into must still be read by one parser from its start.
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("u_ex261010.log").path
        #expect(try CLI.run(["generate", "--format", "w3c", "--lines", "100000", "--seed", "3", "-o", path]).status == 0)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        #expect(size > 16 << 20)
        let report = try CLI.run(["batch", "--threads", "2", path])
        let input = report.json["input"] as! [String: Any]
        #expect(input["parsed"] as? Int == 100_000 && input["ignored"] as? Int == 4 && input["rejected"] as? Int == 0)
    }
}
