import Testing
@testable import APICensusCore

@Suite struct EnvoyJSONParserTests {
    func parse(_ line: String) -> (LineOutcome, GatewayCall) { GatewayJSON.parse(.envoyJSON, line) }

    /// 2026-10-10T13:55:36Z
    static let t0: Int64 = 1_791_640_536_000

    @Test func catalogExampleYieldsEveryField() {
        let (outcome, c) = parse(FormatDescriptor.envoyJSON.example)
        #expect(outcome == .call)
        #expect(c.method == "GET" && c.target == "/api/v1/users/42?expand=orders" && c.version == "HTTP/1.1")
        #expect(c.host == "api.example.com" && c.status == 200 && c.bytes == 512 && c.micros == 4000 && c.millis == Self.t0)
        #expect(c.client == "203.0.113.7" && c.forwardedFor == "203.0.113.7" && c.userAgent == "curl/8.5.0")
        #expect(c.requestId == "3bbc0252-2d5c-49fe-bd89-104e9b61770b")
        #expect(c.upstream == "10.0.3.7:8080" && c.service == "users" && c.route == "users-route")
        #expect(c.tlsProtocol == "TLSv1.3" && c.tlsCipher == "TLS_AES_128_GCM_SHA256")
        #expect(c.clientCertificate == .notLogged && c.valid)
    }

    /// Envoy Gateway's default JSON: `:authority`, `x-envoy-origin-path`, dashed header keys, nulls.
    @Test func envoyGatewayDefaultShape() {
        let line = #"{":authority":"www.example.com","bytes_received":0,"bytes_sent":121258,"connection_termination_details":null,"downstream_local_address":"10.42.0.77:10443","downstream_remote_address":"[fd00:1234:5678::5a24]:59292","duration":11,"method":"GET","protocol":"HTTP/2","requested_server_name":null,"response_code":200,"response_code_details":"via_upstream","response_flags":"-","route_name":"httproute/app/www/rule/0/match/0/www_example_com","start_time":"2025-12-31T16:37:40.479Z","upstream_cluster":"httproute/app/www/rule/0","upstream_host":"10.42.0.82:8080","upstream_local_address":"10.42.0.77:51216","upstream_transport_failure_reason":null,"user-agent":"Mozilla/5.0","x-envoy-origin-path":"/assets/image.webp","x-envoy-upstream-service-time":null,"x-forwarded-for":"192.168.1.100, 10.42.0.1","x-request-id":"3bbc0252-2d5c-49fe-bd89-104e9b61770b"}"#
        let (outcome, c) = parse(line)
        #expect(outcome == .call)
        #expect(c.method == "GET" && c.target == "/assets/image.webp" && c.host == "www.example.com" && c.version == "HTTP/2")
        #expect(c.status == 200 && c.bytes == 121_258 && c.micros == 11_000 && c.millis == 1_767_199_060_479)
        #expect(c.client == "fd00:1234:5678::5a24")  // port and brackets dropped
        #expect(c.forwardedFor == "192.168.1.100, 10.42.0.1" && c.userAgent == "Mozilla/5.0")
        #expect(c.service == "httproute/app/www/rule/0" && c.upstream == "10.42.0.82:8080")
        #expect(c.requestId == "3bbc0252-2d5c-49fe-bd89-104e9b61770b")
    }

    /// Istio's JSON encoding and older Envoys: every value a string, `-` for none.
    @Test func stringlyTypedValuesAndPlaceholders() {
        let line = #"{"authority":"reviews:9080","bytes_received":"0","bytes_sent":"-","downstream_local_address":"10.0.0.5:9080","downstream_remote_address":"10.0.0.9:41234","duration":"3","istio_policy_status":"-","method":"POST","path":"/reviews/0","protocol":"HTTP/1.1","request_id":"-","requested_server_name":"outbound_.9080_._.reviews.default.svc.cluster.local","response_code":"503","response_flags":"UF,URX","route_name":"default","start_time":"2026-10-10T13:55:36.000Z","upstream_cluster":"inbound|9080||","upstream_host":"-","upstream_local_address":"-","upstream_service_time":"-","user_agent":"-","x_forwarded_for":"-","downstream_peer_subject":"-","downstream_tls_version":"TLSv1.3"}"#
        let (outcome, c) = parse(line)
        #expect(outcome == .call)
        #expect(c.method == "POST" && c.target == "/reviews/0" && c.status == 503 && c.micros == 3000 && c.millis == Self.t0)
        #expect(c.bytes == -1 && c.requestId == "" && c.upstream == "" && c.userAgent == "" && c.forwardedFor == "")
        #expect(c.service == "inbound|9080||" && c.client == "10.0.0.9")
        #expect(c.tlsProtocol == "TLSv1.3" && c.clientCertificate == .none)  // peer subject logged as `-`
    }

    @Test func originalPathWinsOverTheRewrittenOne() {
        let c = parse(#"{"method":"GET","path":"/internal/v2/users","x-envoy-original-path":"/api/users?id=1","response_code":200,"response_flags":"-"}"#).1
        #expect(c.target == "/api/users?id=1")
        let c2 = parse(#"{":method":"PUT",":path":"/a\/b",":scheme":"https","response_code":204,"upstream_cluster":"c","downstream_peer_subject":"CN=client,O=Example"}"#).1
        #expect(c2.method == "PUT" && c2.target == "/a/b" && c2.scheme == "https" && c2.clientCertificate == .presented)
    }

    @Test func noResponseAndGarbage() {
        // Envoy logs response_code 0 when the client went away before a response.
        let c = parse(#"{"method":"GET","path":"/slow","response_code":0,"response_flags":"DC","duration":30000}"#).1
        #expect(c.status == 0 && c.micros == 30_000_000)
        let (outcome, g) = parse(#"{"method":"-","path":"-","response_code":400,"response_flags":"DPE","downstream_remote_address":"198.51.100.7:1234"}"#)
        #expect(outcome == .call && !g.valid && g.client == "198.51.100.7")
    }

    /// Envoy's application log shares stdout with the access log in most deployments.
    @Test func envoysOwnLogLinesAreToldApart() {
        #expect(parse("[2019-02-12 18:37:42.921][000007][info][upstream] [source/common/upstream/cluster_manager_impl.cc:500] cm init: all clusters initialized").0 == .rejected(.errorLog))
        #expect(parse("[2024-05-01 10:00:00.000][1][warning][config] [source/extensions/config_subscription/grpc/grpc_stream.h:152] StreamAggregatedResources gRPC config stream closed").0 == .rejected(.errorLog))
    }

    @Test func badValuesAreRejectedWithTheirReason() {
        #expect(parse(#"{"method":"GET","path":"/","response_code":"ok","response_flags":"-"}"#).0 == .rejected(.badStatus))
        #expect(parse(#"{"method":"GET","path":"/","response_code":200,"response_flags":"-","start_time":"noon"}"#).0 == .rejected(.badTimestamp))
        #expect(parse(#"{"method":"GET","path":"/","response_code":200,"#).0 == .rejected(.invalidJSON))
        #expect(parse("").0 == .ignored)
    }

    @Test func nearMissesAreRejected() {
        GatewayJSON.expectRejectsOthers(.envoyJSON)
        // Envoy's default TEXT format is another format's.
        #expect(parse(#"[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80""#).0 == .rejected(.invalidJSON))
        // method/path/status keys of a generic JSON log without Envoy's own keys.
        #expect(parse(#"{"method":"GET","path":"/a","response_code":200,"time":"2026-10-10T13:55:36Z"}"#).0 == .rejected(.missingField))
        #expect(parse(#"{"method":"GET","path":"/a","status":200,"response_flags":"-"}"#).0 == .rejected(.missingField))
        // A Docker envelope around an Envoy text line is not Envoy JSON.
        #expect(parse(#"{"message":"ACCESS [2019-02-12T18:37:42.921Z] \"GET /httpbin/ip HTTP/1.1\" 200 - 0 43 217 216","stream":"stdout","time":"2019-02-12T18:37:43.139620629Z"}"#).0 == .rejected(.missingField))
    }

    /// The generic `json` format reads `method` + `path` too; detection must still say Envoy.
    @Test func detectionPrefersEnvoyOverGenericJSON() {
        GatewayJSON.expectDetected(.envoyJSON)
        let generic = GatewayJSON.parse(.jsonLines, FormatDescriptor.envoyJSON.example).0
        #expect(generic == .call)  // the tie that specificity breaks
        #expect(FormatDescriptor.envoyJSON.specificity > FormatDescriptor.jsonLines.specificity)
    }
}
