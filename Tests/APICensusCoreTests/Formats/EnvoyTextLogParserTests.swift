import Testing
@testable import APICensusCore

@Suite struct EnvoyTextLogParserTests {
    static let http = #"[2019-04-11T00:51:07.980Z] "GET /elastic/?q=1 HTTP/1.1" 301 - 0 120 41 39 "172.17.0.3, 10.0.0.1" "curl/7.59.0" "078d1daa-b786-4d6d-85a5-7e4366adaa19" "www.elastic.co" "151.101.66.217:80""#
    static let istio = #"[2022-07-20T09:52:24.955Z] "GET /details/0 HTTP/1.1" 200 - via_upstream - "-" 0 178 2 1 "-" "curl/7.79.1" "785918d6-06b6-9312-bf77-6d9bd968dc21" "details:9080" "10.68.2.10:9080" inbound|9080|| 127.0.0.6:47889 10.68.2.10:9080 10.68.1.7:39696 outbound_.9080_._.details.default.svc.cluster.local default"#

    @Test func defaultFormatRecord() {
        let r = TextFormatTesting.one(.envoy, Self.http)
        #expect(r.outcome == .call)
        #expect(r.time == "2019-04-11T00:51:07.980Z")
        #expect(r.method == "GET" && r.target == "/elastic/?q=1" && r.version == "HTTP/1.1")
        #expect(r.status == 301 && r.bytes == 120 && r.durationMicros == 41_000)
        // The default format logs no peer address: the first X-Forwarded-For address is the client.
        #expect(r.client == "172.17.0.3" && r.forwardedFor == "172.17.0.3, 10.0.0.1")
        #expect(r.userAgent == "curl/7.59.0" && r.requestId == "078d1daa-b786-4d6d-85a5-7e4366adaa19")
        #expect(r.host == "www.elastic.co" && r.upstream == "151.101.66.217:80")
    }

    @Test func tcpAndUnroutedRecords() {
        let tcp = TextFormatTesting.one(.envoy, #"[2019-04-06T06:20:05.972Z] "- - -" 0 UF,URX 0 0 0 - "-" "-" "-" "-" "127.0.0.1:9200""#)
        #expect(tcp.outcome == .call && !tcp.valid && tcp.requestLine == "" && tcp.status == -1)
        #expect(tcp.client == "" && tcp.upstream == "127.0.0.1:9200" && tcp.durationMicros == 0)
        let noRoute = TextFormatTesting.one(.envoy, #"[2019-04-11T00:31:55.439Z] "GET /elastic HTTP/2" 404 NR 0 0 0 - "-" "curl/7.59.0" "58436667" "192.168.99.107:30901" "-""#)
        #expect(noRoute.outcome == .call && noRoute.status == 404 && noRoute.upstream == "" && noRoute.version == "HTTP/2")
    }

    @Test func variants() {
        // Ambassador's prefix; IPv6 in X-Forwarded-For and the upstream; Envoy Gateway's tcp:// upstream.
        #expect(TextFormatTesting.one(.envoy, "ACCESS " + Self.http).outcome == .call)
        // As it comes out of Docker's JSON envelope, with its newline.
        #expect(TextFormatTesting.one(.envoy, "ACCESS " + Self.http + "\n").outcome == .call)
        let v6 = #"[2026-01-24T01:38:00.000Z] "POST /api/proxy6 HTTP/1.1" 201 - 0 1024 40 20 "fd00:1234:5678::5a24, [fd00:1234:5678::1]:54321" "curl/8.10.1" "multi-ip-clf-v6" "proxy6.example.com" "tcp://[fd00:1234:5678::e18]:8080""#
        let r = TextFormatTesting.one(.envoy, v6)
        #expect(r.outcome == .call && r.client == "fd00:1234:5678::5a24" && r.upstream == "tcp://[fd00:1234:5678::e18]:8080")
        // An escaped quote inside the user agent.
        let quoted = Self.http.replacingOccurrences(of: "curl/7.59.0", with: #"agent \"x\""#)
        #expect(TextFormatTesting.one(.envoy, quoted).userAgent == #"agent \"x\""#)
    }

    @Test func istioAndOtherLinesAreNotEnvoy() {
        #expect(TextFormatTesting.one(.envoy, Self.istio).outcome == .rejected(.malformed))
        #expect(TextFormatTesting.one(.envoy, Self.http + " extra").outcome == .rejected(.malformed))
        let combined = #"203.0.113.7 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 12 "-" "curl/8""#
        #expect(TextFormatTesting.one(.envoy, combined).outcome == .rejected(.malformed))
        #expect(TextFormatTesting.one(.envoy, Self.http.replacingOccurrences(of: "2019-04-11T", with: "2019-04-11X")).outcome == .rejected(.badTimestamp))
        #expect(TextFormatTesting.one(.envoy, Self.http.replacingOccurrences(of: " 301 ", with: " 3o1 ")).outcome == .rejected(.badStatus))
        #expect(TextFormatTesting.one(.envoy, Self.http.replacingOccurrences(of: " 0 120 ", with: " 0 many ")).outcome == .rejected(.malformed))
    }

    @Test func detectionTellsEnvoyFromIstio() {
        #expect(TextFormatTesting.detect(Self.http + "\n" + Self.http) == .envoy)
        #expect(TextFormatTesting.detect(Self.istio + "\n" + Self.istio) == .istio)
    }

    @Test func generatedLogIsReadBack() {
        let r = TextFormatTesting.generatedRecovery(.envoy)
        #expect(r.parsed == 20_000)
        #expect(r.f1 >= 0.95, "F1 \(r.f1)")
    }
}
