import Testing
@testable import APICensusCore

@Suite struct AWSClassicELBLogParserTests {
    static let https = #"2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 "GET https://www.example.com:443/api/v1/users/7 HTTP/1.1" "curl/7.38.0" DHE-RSA-AES128-SHA TLSv1.2"#

    @Test func httpsRecord() {
        let r = TextFormatTesting.one(.awsELB, Self.https)
        #expect(r.outcome == .call)
        #expect(r.method == "GET" && r.target == "https://www.example.com:443/api/v1/users/7" && r.version == "HTTP/1.1")
        #expect(r.host == "www.example.com:443" && r.scheme == "https")
        #expect(r.client == "192.168.131.39" && r.upstream == "10.0.0.1:80")
        #expect(r.status == 200 && r.bytes == 57 && r.durationMicros == 2_471)
        #expect(r.time == "2015-05-13T23:39:43.945Z")
        #expect(r.userAgent == "curl/7.38.0" && r.tlsCipher == "DHE-RSA-AES128-SHA" && r.tlsProtocol == "TLSv1.2")
    }

    @Test func tcpListenerRecordsHaveNoRequest() {
        let tcp = #"2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001069 0.000028 0.000041 - - 82 305 "- - - " "-" - -"#
        let r = TextFormatTesting.one(.awsELB, tcp)
        #expect(r.outcome == .call && !r.valid)
        #expect(r.method == "" && r.requestLine == "" && r.status == -1 && r.bytes == 305)
        #expect(r.userAgent == "" && r.tlsProtocol == "")
    }

    @Test func olderRecordsAndUndispatchedRequests() {
        // Before May 2015: no user agent or TLS fields.
        let old = #"2014-02-15T23:39:43.945958Z my-lb 192.168.131.39:2817 - -1 -1 -1 503 0 0 0 "GET http://www.example.com:80/ HTTP/1.1""#
        let r = TextFormatTesting.one(.awsELB, old)
        #expect(r.outcome == .call && r.status == 503 && r.upstream == "" && r.durationMicros == -1 && r.scheme == "http")
        // IPv6 client, written without brackets.
        let v6 = Self.https.replacingOccurrences(of: "192.168.131.39:2817", with: "2001:db8::42:2817")
        #expect(TextFormatTesting.one(.awsELB, v6).client == "2001:db8::42")
    }

    @Test func commentsAreIgnoredAndNearMissesRejected() {
        #expect(TextFormatTesting.one(.awsELB, "# line below is a TCP request").outcome == .ignored)
        let alb = "https " + Self.https
        #expect(TextFormatTesting.one(.awsELB, alb).outcome == .rejected(.malformed))
        let combined = #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8""#
        #expect(TextFormatTesting.one(.awsELB, combined).outcome == .rejected(.malformed))
        let badTime = Self.https.replacingOccurrences(of: "2015-05-13T23:39", with: "2015-13-13T23:39")
        #expect(TextFormatTesting.one(.awsELB, badTime).outcome == .rejected(.badTimestamp))
        let badStatus = Self.https.replacingOccurrences(of: " 200 200 ", with: " 2x0 200 ")
        #expect(TextFormatTesting.one(.awsELB, badStatus).outcome == .rejected(.badStatus))
        let trailingJunk = Self.https.replacingOccurrences(of: #"HTTP/1.1" "curl"#, with: #"HTTP/1.1" junk "curl"#)
        #expect(TextFormatTesting.one(.awsELB, trailingJunk).outcome == .rejected(.malformed))
    }

    @Test func detectedAsELBNotALB() {
        #expect(TextFormatTesting.detect("# comment\n" + Self.https + "\n" + Self.https) == .awsELB)
    }

    @Test func generatedLogIsReadBack() {
        let r = TextFormatTesting.generatedRecovery(.awsELB)
        #expect(r.parsed == 20_000)
        #expect(r.f1 >= 0.95, "F1 \(r.f1)")
    }
}
