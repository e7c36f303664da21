import Testing
@testable import APICensusCore

/// A URL's user-info (`https://user:password@host/`) or a Host header carrying one is a credential:
/// the host is an inventory key the report prints, so the user-info never becomes part of it — not
/// from a JSON format's URL field (Kong's `request.url`, GCP's `requestUrl`, Front Door's
/// `requestUri`), nor from a Host value (Cloudflare's `ClientRequestHost`, Fastly's `host`).
struct HostUserInfoTests {
    static let secret = "s3cr3tPassw0rd"

    /// The report of one line of `format`, and the host of its call.
    static func report(_ format: LogFormat, _ line: String) -> (report: String, host: String, outcome: LineOutcome) {
        var aggregator = CallAggregator()
        var parser = AnyLineParser(format: format, fieldMap: .default)
        let parsed = GatewayJSON.parse(format, line)
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBufferPointer { _ = aggregator.consume(chunk: $0, input: 0, chunkIndex: 0, firstLine: 0, startOffset: 0, parser: &parser) }
        let text = ReportBuilder.report(state: aggregator.snapshot(), inputs: [], options: ReportOptions()).serialized()
        return (text, parsed.1.host, parsed.0)
    }

    @Test func kongURLWithUserInfoAndNoHostHeader() {
        let line = #"{"request":{"method":"GET","url":"https://alice:\#(Self.secret)@api.example.com:8443/v1/users/42?x=1","headers":{"accept":"*/*"}},"response":{"status":200},"client_ip":"203.0.113.7","started_at":1791640536000,"latencies":{"request":4}}"#
        let r = Self.report(.kong, line)
        #expect(r.outcome == .call && r.host == "api.example.com:8443")
        #expect(!r.report.contains(Self.secret) && !r.report.contains("alice"))
        #expect(r.report.contains("api.example.com:8443"))
        // The path after the authority is still the target.
        #expect(GatewayJSON.parse(.kong, line).1.target == "/v1/users/42?x=1")
    }

    @Test func urlFieldsOfTheCloudFormats() {
        for (format, from, to) in [(LogFormat.gcpLoadBalancer, "https://api.example.com/", "https://alice:\(Self.secret)@api.example.com/"),
                                   (.azureFrontDoor, "https://api.example.com:443/", "https://alice:\(Self.secret)@api.example.com:443/")] {
            var line = FormatCatalog.descriptor(for: format).example
            #expect(line.contains(from), "\(format)")
            line = line.replacingOccurrences(of: from, with: to)
            if format == .azureFrontDoor { line = line.replacingOccurrences(of: #""hostName":"api.example.com","#, with: "") }
            let r = Self.report(format, line)
            #expect(r.outcome == .call && !r.report.contains(Self.secret) && !r.report.contains("alice"), "\(format)")
            #expect(r.report.contains("\"api.example.com\""), "\(format)")
        }
    }

    @Test func hostValuesWithUserInfo() {
        for (format, key) in [(LogFormat.cloudflare, "ClientRequestHost"), (.fastly, "host")] {
            let line = FormatCatalog.descriptor(for: format).example
                .replacingOccurrences(of: #""\#(key)":"api.example.com""#, with: #""\#(key)":"alice:\#(Self.secret)@API.example.com""#)
            #expect(line.contains(Self.secret), "\(format)")
            let r = Self.report(format, line)
            #expect(r.outcome == .call && !r.report.contains(Self.secret) && !r.report.contains("alice"), "\(format)")
            #expect(r.report.contains("\"api.example.com\""), "\(format)")
        }
    }

    @Test func hostNormalisationDropsUserInfo() {
        func normalized(_ s: String) -> String {
            let out = UnsafeMutablePointer<UInt8>.allocate(capacity: HostName.maxLength)
            defer { out.deallocate() }
            let n = Array(s.utf8).withUnsafeBufferPointer { HostName.writeNormalized($0, to: out) }
            return String(decoding: UnsafeBufferPointer(start: out, count: n), as: UTF8.self)
        }
        #expect(normalized("alice:pw@Api.Example.com:443") == "api.example.com")
        #expect(normalized("a@b@api.example.com") == "api.example.com")
        #expect(normalized("API.example.com.") == "api.example.com")
        #expect(normalized("[::1]:8080") == "[::1]:8080")
        #expect(normalized("-") == "")
    }
}
