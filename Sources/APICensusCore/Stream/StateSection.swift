/// The `state` property of a report, a merge output or a snapshot: what `apicensus merge` needs to
/// combine documents exactly. Deltas carry per-partition states with their offset ranges (so replays
/// can be told apart); `base` is state not tied to offsets, whose inputs are listed in `inputs`.
public struct StateSection: Sendable {
    public var inputs: [InputDescription]
    public var base: AggregateState?
    /// Deltas with their encoded form (kept as read, so a merge need not encode them again).
    public var deltas: [DeltaChain.Candidate]

    public init(inputs: [InputDescription] = [], base: AggregateState?, deltas: [DeltaChain.Candidate]) {
        self.inputs = inputs
        self.base = base
        self.deltas = deltas
    }

    public init(inputs: [InputDescription] = [], base: AggregateState?, deltas: [PartitionDelta]) {
        self.init(inputs: inputs, base: base, deltas: deltas.map(DeltaChain.Candidate.init))
    }

    public var json: JSONOutput {
        .object([
            ("encoding", .string(StateCodec.encodingName)),
            ("inputs", .array(inputs.map { input in
                .object([
                    ("path", .string(input.path)),
                    ("encoding", .string(input.encoding)),
                    ("format", input.format.map { .string($0.rawValue) } ?? .null),
                    ("format_confidence", input.formatConfidence.map { .number($0) } ?? .null),
                    ("size_on_disk", input.sizeOnDisk.map { .int($0) } ?? .null),
                ])
            })),
            ("base", base.map { .string(Base64.encode($0.encoded())) } ?? .null),
            ("deltas", .array(deltas.map { c in
                .object([
                    ("topic", .string(c.delta.key.topic)),
                    ("partition", .int(Int64(c.delta.key.partition))),
                    ("start", .int(c.delta.range.start)),
                    ("end", .int(c.delta.range.end)),
                    ("data", .string(Base64.encode(c.data))),
                ])
            })),
        ])
    }
}
