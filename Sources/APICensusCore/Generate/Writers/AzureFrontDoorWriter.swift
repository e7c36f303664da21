/// Azure Front Door (Standard/Premium) access log records, one per line.
struct AzureFrontDoorWriter: SyntheticLogWriter {
    let name = LogFormat.azureFrontDoor.rawValue
    let logsHost = true

    func append(_ r: SyntheticRecord, to out: inout [UInt8]) {
        let q = EdgeJSONWriting.quoted
        let tls = r.tlsProtocol.map { $0 == "TLSv1" ? "TLS 1.0" : "TLS " + $0.dropFirst(4) }
        var line = "{\"time\":\(q(r.isoTime)),"
        line += "\"resourceId\":\"/SUBSCRIPTIONS/6B1C2D3E-0000-4000-8000-00000000A1B2/RESOURCEGROUPS/SHOP-PROD/PROVIDERS/MICROSOFT.CDN/PROFILES/SHOP-EDGE\","
        line += "\"category\":\"FrontDoorAccessLog\",\"operationName\":\"Microsoft.Cdn/Profiles/AccessLog/Write\",\"properties\":{"
        line += "\"trackingReference\":\(q(Base64.encode(SyntheticBits.bytes(r.variant, 24)))),"
        line += "\"httpMethod\":\(q(r.method)),\"httpVersion\":\"\(r.httpVersion).0.0\","
        line += "\"requestUri\":\(q("\(tls == nil ? "http" : "https")://\(r.host):\(tls == nil ? 80 : 443)\(r.target)")),"
        line += "\"hostName\":\(q(r.host)),\"requestBytes\":\"\(200 + Int(r.variant % 900))\",\"responseBytes\":\"\(r.bytes)\","
        line += "\"userAgent\":\(q(r.userAgent)),\"clientIp\":\(q(r.client)),\"clientPort\":\"\(EdgeJSONWriting.clientPort(r))\","
        line += "\"socketIp\":\(q(r.client)),\"timeToFirstByte\":\"\(r.durationSeconds)\",\"timeTaken\":\"\(r.durationSeconds)\","
        line += "\"requestProtocol\":\(tls == nil ? "\"HTTP\"" : "\"HTTPS\""),\"securityProtocol\":\(q(tls ?? "")),"
        line += "\"securityCipher\":\(q(r.tlsCipher ?? "")),\"securityCurves\":\"\",\"endpoint\":\"shop-edge.z01.azurefd.net\","
        line += "\"httpStatusCode\":\"\(r.status)\",\"pop\":\"AMS\",\"cacheStatus\":\"CONFIG_NOCACHE\",\"errorInfo\":\"NoError\","
        line += "\"result\":\"N/A\",\"referer\":\(q(r.referrer == "-" ? "" : r.referrer)),"
        line += "\"originUrl\":\(q("https://shop-api.internal.example:443\(r.target)")),\"originIp\":\"10.2.0.\(4 + r.variant % 4):443\","
        line += "\"originName\":\"shop-api.internal.example:443\",\"routeName\":\"shop-api-route\","
        line += "\"sni\":\(q(r.host)),\"clientCountry\":\"Netherlands\"}}"
        out.append(contentsOf: line.utf8)
    }
}
