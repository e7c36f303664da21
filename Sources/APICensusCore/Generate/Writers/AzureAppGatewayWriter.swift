/// Azure Application Gateway v2 access log records, as diagnostic settings write them to storage
/// (one record per line).
struct AzureAppGatewayWriter: SyntheticLogWriter {
    let name = LogFormat.azureAppGateway.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let q = EdgeJSONWriting.quoted
        var line = "{\"time\":\(q(r.isoTime)),"
        line += "\"resourceId\":\"/SUBSCRIPTIONS/6B1C2D3E-0000-4000-8000-00000000A1B2/RESOURCEGROUPS/SHOP-PROD/PROVIDERS/MICROSOFT.NETWORK/APPLICATIONGATEWAYS/SHOP-AGW\","
        line += "\"operationName\":\"ApplicationGatewayAccess\","
        line += "\"category\":\"ApplicationGatewayAccessLog\",\"properties\":{\"instanceId\":\"appgw_\(r.variant % 3)\","
        line += "\"clientIP\":\(q(r.client)),\"clientPort\":\(EdgeJSONWriting.clientPort(r)),\"httpMethod\":\(q(r.method)),"
        line += "\"originalRequestUriWithArgs\":\(q(r.target)),\"requestUri\":\(q(r.target)),\"userAgent\":\(q(r.userAgent)),"
        line += "\"httpStatus\":\(r.status),\"httpVersion\":\"HTTP/\(r.httpVersion)\",\"receivedBytes\":\(200 + Int(r.variant % 900)),"
        line += "\"sentBytes\":\(r.bytes),\"clientResponseTime\":0,\"timeTaken\":\(r.durationSeconds),"
        line += "\"WAFEvaluationTime\":\"0.000\",\"WAFMode\":\"Prevention\","
        line += "\"transactionId\":\(q(r.requestId)),\"originalHost\":\(q(r.host)),\"host\":\(q(r.host)),"
        line += "\"sslEnabled\":\(r.tlsProtocol == nil ? "\"off\"" : "\"on\""),"
        line += "\"sslCipher\":\(q(r.tlsCipher ?? "")),\"sslProtocol\":\(q(r.tlsProtocol ?? "")),"
        line += "\"sslClientVerify\":\"NONE\",\"sslClientCertificateFingerprint\":\"\",\"sslClientCertificateIssuerName\":\"\","
        line += "\"serverRouted\":\"10.1.0.\(4 + r.variant % 4):443\",\"serverStatus\":\"\(r.status)\","
        line += "\"serverResponseLatency\":\"\(r.durationSeconds)\",\"upstreamSourcePort\":\"\(EdgeJSONWriting.clientPort(r))\","
        line += "\"listenerName\":\"https-listener\",\"ruleName\":\"shop-api-rule\",\"backendPoolName\":\"shop-api-pool\","
        line += "\"backendSettingName\":\"shop-api-https\",\"error_info\":\"ERRORINFO_NO_ERROR\"}}"
        out.append(contentsOf: line.utf8)
    }
}
