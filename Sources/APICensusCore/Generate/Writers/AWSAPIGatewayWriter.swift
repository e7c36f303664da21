/// AWS API Gateway access log records (a REST API behind a custom domain), written with the
/// `$context` variable names: `path` is the path called, `domainName` the host; JWT callers carry
/// an authorizer principal and API-key callers the key's id (never the key itself).
struct AWSAPIGatewayWriter: SyntheticLogWriter {
    let name = LogFormat.awsAPIGateway.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let q = EdgeJSONWriting.quoted
        var line = "{\"requestId\":\(q(uuid(r.requestId))),\"ip\":\(q(r.client)),\"requestTime\":\(q(r.clfTime)),"
        line += "\"requestTimeEpoch\":\(r.timeMillis),\"httpMethod\":\(q(r.method)),\"path\":\(q(r.path)),"
        line += "\"status\":\"\(r.status)\",\"protocol\":\"HTTP/\(r.httpVersion == "2.0" ? "2.0" : "1.1")\","
        line += "\"responseLength\":\"\(r.bytes)\",\"domainName\":\(q(r.host)),\"responseLatency\":\"\(r.durationMicros / 1000)\","
        line += "\"identity\":{\"userAgent\":\(q(r.userAgent))"
        if r.credential == .apiKey { line += ",\"apiKeyId\":\(q("k" + SyntheticBits.hex(UInt64(r.clientIndex), 9)))" }
        line += "}"
        if r.credential == .bearerJWT { line += ",\"authorizer\":{\"principalId\":\"client-\(r.clientIndex)\"}" }
        line += "}"
        out.append(contentsOf: line.utf8)
    }

    /// The 32 hex digits as a UUID, as API Gateway writes request ids.
    private func uuid(_ hex: String) -> String {
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}
