import Testing
@testable import APICensusCore

@Suite struct IstioLogParserTests {
    static let inbound = EnvoyTextLogParserTests.istio
    static let outbound = #"[2022-08-22T13:08:23.188Z] "GET /reviews/0 HTTP/1.1" 200 - via_upstream - "-" 0 442 12 12 "-" "curl/7.79.1" "00bcf1d7-12c4-93b9-b36a-bc0faac8e428" "reviews:9080" "10.124.1.5:9080" outbound|9080||reviews.default.svc.cluster.local 10.124.2.6:50960 10.0.18.132:9080 10.124.2.6:52930 - default"#

    @Test func inboundRecordWithMeshMTLS() {
        let r = TextFormatTesting.one(.istio, Self.inbound)
        #expect(r.outcome == .call)
        #expect(r.method == "GET" && r.target == "/details/0" && r.status == 200 && r.bytes == 178)
        #expect(r.durationMicros == 2_000 && r.time == "2022-07-20T09:52:24.955Z")
        // The downstream peer is the client; the cluster is the service; the route is named.
        #expect(r.client == "10.68.1.7" && r.host == "details:9080" && r.upstream == "10.68.2.10:9080")
        #expect(r.service == "inbound|9080||" && r.route == "default")
        #expect(r.requestId == "785918d6-06b6-9312-bf77-6d9bd968dc21" && r.forwardedFor == "")
        // The mesh's SNI on an inbound connection: a client certificate the mesh CA verified.
        #expect(r.clientCertificate == .verified)
    }

    @Test func outboundAndPlaintextRecords() {
        let o = TextFormatTesting.one(.istio, Self.outbound)
        #expect(o.outcome == .call && o.service == "outbound|9080||reviews.default.svc.cluster.local")
        #expect(o.clientCertificate == .notLogged && o.client == "10.124.2.6")
        let plaintext = Self.inbound.replacingOccurrences(of: "outbound_.9080_._.details.default.svc.cluster.local", with: "-")
        #expect(TextFormatTesting.one(.istio, plaintext).clientCertificate == .none)
        // IPv6 downstream address in brackets.
        let v6 = Self.inbound.replacingOccurrences(of: " 10.68.1.7:39696 ", with: " [2a02:cf40::4e36]:5000 ")
        #expect(TextFormatTesting.one(.istio, v6).client == "2a02:cf40::4e36")
    }

    @Test func olderIstioFormats() {
        // Istio 1.1: the mixer status quoted after the flags, no route name.
        let old = #"[2019-03-06T09:31:27.360Z] "GET /status/418 HTTP/1.1" 418 - "-" 0 135 5 2 "-" "curl/7.60.0" "d209e46f-9ed5-9b61-bbdd-43e22662702a" "httpbin:8000" "127.0.0.1:80" inbound|8000|http|httpbin.default.svc.cluster.local - 172.30.146.73:80 172.30.146.82:38618 outbound_.8000_._.httpbin.default.svc.cluster.local"#
        let r = TextFormatTesting.one(.istio, old)
        #expect(r.outcome == .call && r.status == 418 && r.route == "" && r.client == "172.30.146.82")
        #expect(r.service == "inbound|8000|http|httpbin.default.svc.cluster.local" && r.clientCertificate == .verified)
        // 1.5-era: two quoted fields inserted.
        let mid = old.replacingOccurrences(of: #"418 - "-" 0"#, with: #"418 - "-" "-" 0"#)
        #expect(TextFormatTesting.one(.istio, mid).outcome == .call)
    }

    @Test func envoyAndOtherLinesAreNotIstio() {
        #expect(TextFormatTesting.one(.istio, EnvoyTextLogParserTests.http).outcome == .rejected(.malformed))
        #expect(TextFormatTesting.one(.istio, Self.inbound + " a b c").outcome == .rejected(.malformed))
        let quotedTail = Self.inbound.replacingOccurrences(of: " inbound|9080|| ", with: #" "inbound" "#)
        #expect(TextFormatTesting.one(.istio, quotedTail).outcome == .rejected(.malformed))
        // More than four inserted fields is not Istio's shape.
        let crowded = Self.inbound.replacingOccurrences(of: "via_upstream -", with: "a b c d e")
        #expect(TextFormatTesting.one(.istio, crowded).outcome == .rejected(.malformed))
    }

    @Test func generatedLogIsReadBack() {
        let r = TextFormatTesting.generatedRecovery(.istio)
        #expect(r.parsed == 20_000)
        #expect(r.f1 >= 0.95, "F1 \(r.f1)")
    }
}
