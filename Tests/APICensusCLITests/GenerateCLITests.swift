import Foundation
import Testing

@Suite struct GenerateCLITests {
    @Test func sameSeedSameBytesAndGzipRoundTrips() throws {
        let dir = try CLI.temporaryDirectory()
        let a = try CLI.run(["generate", "--lines", "500", "--seed", "9"])
        let b = try CLI.run(["generate", "--lines", "500", "--seed", "9"])
        let c = try CLI.run(["generate", "--lines", "500", "--seed", "10"])
        #expect(a.status == 0 && a.stdout == b.stdout && a.stdout != c.stdout)
        #expect(a.text.split(separator: "\n").count == 500)
        let gz = dir.appendingPathComponent("g.gz").path
        #expect(try CLI.run(["generate", "--lines", "500", "--seed", "9", "--gzip", "-o", gz]).status == 0)
        let unzipped = dir.appendingPathComponent("g.txt").path
        #expect(try CLI.shell("gzip -dc '\(gz)' > '\(unzipped)'") == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: unzipped)) == a.stdout)
    }

    @Test func truthListsTheTemplates() throws {
        let plain = try CLI.run(["generate", "--truth"])
        let hosts = try CLI.run(["generate", "--truth", "--format", "vhost_combined"])
        #expect(plain.status == 0 && hosts.status == 0)
        let lines = plain.text.split(separator: "\n")
        #expect(lines.count > 150)
        #expect(lines.contains("GET /v1/users/{int}"))
        #expect(hosts.text.contains("GET api.shop.example /v1/users/me"))
    }

    @Test func everyStyleIsReadBackByBatch() throws {
        for style in ["combined", "common", "json", "vhost_combined"] {
            let log = try CLI.run(["generate", "--format", style, "--lines", "300", "--seed", "1"])
            let report = try CLI.run(["batch", "-"], stdin: log.stdout)
            #expect(report.status == 0, "\(style): \(report.stderr)")
            let input = report.json["input"] as! [String: Any]
            #expect(input["parsed"] as? Int == 300, "\(style)")
            let expected = style == "json" ? "json" : (style == "common" ? "common" : "combined")
            #expect((input["files"] as! [[String: Any]])[0]["format"] as? String == expected, "\(style)")
        }
    }
}
