/// How one input's lines are parsed: the format, the envelope around each line, and whether lines of
/// other formats are parsed by theirs (per-line fallback for streams that mix formats).
public struct FormatPlan: Sendable, Hashable, CustomStringConvertible {
    public var format: LogFormat
    public var envelope: EnvelopeKind?
    /// Every line that `format` does not accept is offered to the other formats (`MixedFormatParser`).
    public var perLine: Bool

    public init(format: LogFormat, envelope: EnvelopeKind? = nil, perLine: Bool = false) {
        self.format = format
        self.envelope = envelope
        self.perLine = perLine
    }

    public var description: String {
        format.rawValue + (envelope.map { " in \($0.rawValue)" } ?? "") + (perLine ? ", per line" : "")
    }
}

/// The formats one run reads: the catalogued ones, plus the user's compiled custom format when one is
/// configured (its descriptor is built at run time, so it cannot be in `FormatCatalog.all`).
/// Detection, the batch runner and the per-line fallback all take their parsers from here.
public struct FormatSet: Sendable {
    public let fieldMap: FieldMap
    public let custom: CustomFormat?
    /// The custom format's descriptor (when configured) first, then the catalog in its order.
    public let descriptors: [FormatDescriptor]

    public init(fieldMap: FieldMap = .default, custom: CustomFormat? = nil) {
        self.fieldMap = fieldMap
        self.custom = custom
        descriptors = (custom.map { [$0.descriptor] } ?? []) + FormatCatalog.all
    }

    /// The descriptor of `format`; nil for `custom` when no custom format is configured.
    public func descriptor(for format: LogFormat) -> FormatDescriptor? {
        descriptors.first { $0.format == format }
    }

    public func readsSequentially(_ format: LogFormat?) -> Bool {
        format.flatMap { descriptor(for: $0)?.readsSequentially } ?? false
    }

    /// A parser for `format` alone (no envelope). A format without a descriptor (`custom` with no
    /// custom format configured) rejects every line as `unknown_format`.
    public func makeParser(_ format: LogFormat) -> any LineParser {
        guard let d = descriptor(for: format) else { return UnrecognisedFormatParser() }
        return d.makeParser(fieldMap)
    }

    /// A parser that follows the whole plan: envelope, format and per-line fallback.
    public func makeParser(_ plan: FormatPlan) -> any LineParser {
        if plan.perLine, !readsSequentially(plan.format) { return MixedFormatParser(primary: plan, formats: self) }
        let inner = AnyLineParser(makeParser(plan.format))
        if let envelope = plan.envelope { return EnvelopedParser(envelope: envelope, inner: inner) }
        return inner
    }
}
