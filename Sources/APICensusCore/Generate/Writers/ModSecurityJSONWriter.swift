/// ModSecurity v3 JSON audit log records (`SecAuditEngine On`, so every transaction is logged):
/// requests answered 403 were blocked by the OWASP CRS anomaly-score rule after an SQL-injection
/// match; request headers carry the client's synthetic credentials.
struct ModSecurityJSONWriter: SyntheticLogWriter {
    let name = LogFormat.modSecurityJSON.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let q = EdgeJSONWriting.quoted
        var headers = [("Host", r.host), ("User-Agent", r.userAgent), ("Accept", "application/json")]
        if let auth = r.authorization(.edge) { headers.append(("Authorization", auth)) }
        if let key = r.apiKey(.edge) { headers.append(("X-API-Key", key)) }
        if r.referrer != "-" { headers.append(("Referer", r.referrer)) }
        if r.method == "POST" || r.method == "PUT" || r.method == "PATCH" { headers.append(("Content-Type", "application/json")) }
        var line = "{\"transaction\":{\"client_ip\":\(q(r.client)),\"time_stamp\":\(q(EdgeJSONWriting.asctime(r.timeMillis))),"
        line += "\"server_id\":\"5f0c8e7d2a9b4c1e3d6f8a0b2c4e6f8a1b3d5c7e\",\"client_port\":\(EdgeJSONWriting.clientPort(r)),"
        line += "\"host_ip\":\"10.0.1.5\",\"host_port\":443,\"unique_id\":\"\(r.timeMillis / 10).\(r.variant % 1_000_000)\","
        line += "\"request\":{\"method\":\(q(r.method)),\"http_version\":\(r.httpVersion == "2.0" ? "2.0" : "1.1"),"
        line += "\"uri\":\(q(r.target)),\"headers\":{" + headers.map { "\(q($0.0)):\(q($0.1))" }.joined(separator: ",") + "}},"
        line += "\"response\":{\"body\":\"\",\"http_code\":\(r.status),\"headers\":{\"Server\":\"nginx\","
        line += "\"Content-Length\":\"\(r.bytes)\",\"Content-Type\":\"application/json\"}},"
        line += "\"producer\":{\"modsecurity\":\"ModSecurity v3.0.12 (Linux)\",\"connector\":\"ModSecurity-nginx v1.0.3\","
        line += "\"secrules_engine\":\"Enabled\",\"components\":[\"OWASP_CRS/4.4.0\"]},\"messages\":["
        if r.status == 403 {
            line += "{\"message\":\"SQL Injection Attack Detected via libinjection\",\"details\":{\"match\":\"detected SQLi using libinjection.\","
            line += "\"reference\":\"v10,9\",\"ruleId\":\"942100\",\"file\":\"/etc/modsecurity/crs/rules/REQUEST-942-APPLICATION-ATTACK-SQLI.conf\","
            line += "\"lineNumber\":\"46\",\"data\":\"Matched Data: s&sos found within ARGS:q\",\"severity\":\"2\",\"ver\":\"OWASP_CRS/4.4.0\","
            line += "\"rev\":\"\",\"tags\":[\"attack-sqli\",\"paranoia-level/1\"],\"maturity\":\"0\",\"accuracy\":\"0\"}},"
            line += "{\"message\":\"Inbound Anomaly Score Exceeded (Total Score: 5)\",\"details\":{\"match\":\"Matched \\\"Operator `Ge' with parameter `5' against variable `TX:BLOCKING_INBOUND_ANOMALY_SCORE' (Value: `5' )\","
            line += "\"reference\":\"\",\"ruleId\":\"949110\",\"file\":\"/etc/modsecurity/crs/rules/REQUEST-949-BLOCKING-EVALUATION.conf\","
            line += "\"lineNumber\":\"222\",\"data\":\"\",\"severity\":\"0\",\"ver\":\"OWASP_CRS/4.4.0\",\"rev\":\"\","
            line += "\"tags\":[\"anomaly-evaluation\"],\"maturity\":\"0\",\"accuracy\":\"0\"}}"
        }
        line += "]}}"
        out.append(contentsOf: line.utf8)
    }
}
