import Testing
@testable import APICensusCore

/// The credentials generated logs carry (`SyntheticRecord.authorization` / `apiKey`): of the client's
/// kind, in every style, and well-formed enough that parsers and the secret classifier see real shapes.
@Suite struct SyntheticCredentialTests {
    /// base64url without padding → bytes (padding restored for `Base64.decode`).
    private func decodeURL(_ segment: Substring) throws -> [UInt8] {
        var text = String(segment.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
        while text.utf8.count % 4 != 0 { text += "=" }
        return try Base64.decode(Array(text.utf8))
    }

    @Test(arguments: [SyntheticCredentialStyle.gateway, .edge, .custom])
    func credentialsFollowTheClientsKind(style: SyntheticCredentialStyle) throws {
        var generator = LogGenerator(style: .combined, seed: 11)
        var seen: Set<SyntheticCredential> = []
        for _ in 0..<2000 {
            let r = generator.nextRecord()
            seen.insert(r.credential)
            let authorization = r.authorization(style)
            #expect((r.apiKey(style) != nil) == (r.credential == .apiKey))
            #expect(authorization?.split(separator: " ").first.map(String.init) == r.authorizationScheme)
            switch r.credential {
            case .bearerJWT:
                let token = try #require(authorization?.dropFirst("Bearer ".count))
                let segments = token.split(separator: ".", omittingEmptySubsequences: false)
                try #require(segments.count == 3)
                let header = String(decoding: try decodeURL(segments[0]), as: UTF8.self)
                let claims = String(decoding: try decodeURL(segments[1]), as: UTF8.self)
                #expect(header.hasPrefix(#"{"alg":"RS256","typ":"JWT""#))
                #expect(claims.hasPrefix(#"{"sub":"client-\#(r.clientIndex)","#))
                #expect(try !decodeURL(segments[2]).isEmpty)
            case .basic:
                let encoded = try #require(authorization?.dropFirst("Basic ".count))
                let text = String(decoding: try Base64.decode(Array(encoded.utf8)), as: UTF8.self)
                #expect(text.hasPrefix("client\(r.clientIndex):") && text.count > "client\(r.clientIndex):".count)
            case .bearerOpaque:
                #expect(authorization.map { $0.hasPrefix("Bearer ") && $0.count > 20 } == true)
            case .apiKey, .none:
                #expect(authorization == nil)
            }
        }
        #expect(seen == [.bearerJWT, .bearerOpaque, .basic, .apiKey, .none])
    }
}
