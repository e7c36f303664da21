import Testing
@testable import APICensusCore

/// Every catalogued format must parse its own example and be recognised from it: the example is what
/// `apicensus formats` shows users, and detection is how their files get read without configuration.
struct FormatCatalogTests {
    static var nonSequential: [FormatDescriptor] { FormatCatalog.all.filter { !$0.readsSequentially } }

    @Test(arguments: FormatCatalog.all.map(\.format))
    func exampleParsesAsACall(format: LogFormat) {
        let descriptor = FormatCatalog.descriptor(for: format)
        var parser = descriptor.makeParser(.default)
        var call = RawCall()
        var outcome = LineOutcome.ignored
        // Sequential formats may need header lines first: the example then holds several lines.
        for line in descriptor.example.split(separator: "\n", omittingEmptySubsequences: false) {
            Array(line.utf8).withUnsafeBufferPointer { outcome = parser.parse($0, into: &call) }
        }
        // A record that ends only with its input (ModSecurity error-log transactions) completes here.
        if outcome == .ignored, let last = parser.finish(into: &call) { outcome = last }
        #expect(outcome == .call, "\(format.rawValue) example did not parse: \(descriptor.example)")
        #expect(call.method.count > 0 || !call.requestIsValid, "\(format.rawValue) example has no method")
    }

    @Test(arguments: FormatCatalog.all.map(\.format))
    func exampleIsDetectedAsItsOwnFormat(format: LogFormat) {
        let descriptor = FormatCatalog.descriptor(for: format)
        let sample = Array((descriptor.example + "\n").utf8)
        let detection = sample.withUnsafeBufferPointer { FormatDetector.detect(sample: $0) }
        #expect(detection?.format == format, "\(format.rawValue) example detected as \(detection?.format.rawValue ?? "nothing")")
    }

    @Test func namesAreUniqueAndEveryFormatIsCatalogued() {
        let names = FormatCatalog.all.map(\.format.rawValue)
        #expect(Set(names).count == names.count)
        // `custom` is compiled from the user's format string at run time (FormatSet), not catalogued.
        #expect(Set(FormatCatalog.all.map(\.format)) == Set(LogFormat.allCases).subtracting([.custom]))
    }

    @Test(arguments: FormatCatalog.all.map(\.format))
    func yieldsAreWhatTheExampleFills(format: LogFormat) {
        // A format claiming a field must fill it on its own example when the example carries it;
        // the converse (filling a field it does not claim) would hide evidence from the indicators.
        // Sequential formats read the whole example (header lines first) and are judged on the record
        // it ends with (handed out by `finish` when it completes only with its input).
        let descriptor = FormatCatalog.descriptor(for: format)
        var parser = descriptor.makeParser(.default)
        var call = RawCall()
        var outcome = LineOutcome.ignored
        // One buffer for the whole example: the record's views point into it until the end.
        let bytes = Array(descriptor.example.utf8)
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            for i in 0...buffer.count where i == buffer.count || buffer[i] == UInt8(ascii: "\n") {
                let lineOutcome = parser.parse(Bytes(rebasing: buffer[start..<i]), into: &call)
                start = i + 1
                if lineOutcome == .call || !descriptor.readsSequentially { outcome = lineOutcome }
                if lineOutcome == .call { break }
            }
            if outcome != .call, let last = parser.finish(into: &call) { outcome = last }
            #expect(outcome == .call, "\(format.rawValue) example gave no record")
            guard outcome == .call else { return }
            for field in CallField.allCases where call.fills(field) {
                #expect(descriptor.yields.contains(field), "\(format.rawValue) fills \(field.rawValue) but does not declare it")
            }
        }
    }
}

extension RawCall {
    /// Whether this record carries a value for the field (for the catalog's consistency test).
    func fills(_ field: CallField) -> Bool {
        switch field {
        case .method: method.count > 0
        case .target: target.count > 0
        case .httpVersion: httpVersion.count > 0
        case .host: host.count > 0
        case .client: client.count > 0
        case .user: user.count > 0 && !(user.count == 1 && user[0] == UInt8(ascii: "-"))
        case .referrer: referrer.count > 0
        case .userAgent: userAgent.count > 0
        case .status: status >= 0
        case .responseBytes: responseBytes >= 0
        case .timestamp: timestampMillis != RawCall.unknownTime
        case .duration: durationMicros >= 0
        case .scheme: scheme.count > 0
        case .tlsProtocol: tlsProtocol.count > 0
        case .tlsCipher: tlsCipher.count > 0
        case .clientCertificate: clientCertificate != .notLogged
        case .upstream: upstream.count > 0
        case .route: route.count > 0
        case .service: service.count > 0
        case .consumer: consumer.count > 0
        case .wafAction: wafAction.count > 0
        case .wafRule: wafRule.count > 0
        case .requestId: requestId.count > 0
        case .forwardedFor: forwardedFor.count > 0
        case .authorization: authorization.count > 0
        case .cookie: cookie.count > 0
        case .apiKey: apiKey.count > 0
        case .contentType: contentType.count > 0
        case .requestHeaders: requestHeaders.count > 0
        }
    }
}
