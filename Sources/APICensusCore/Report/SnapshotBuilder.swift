/// What a snapshot says about itself.
public struct SnapshotMeta: Sendable, Equatable {
    public enum WindowKind: String, Sendable {
        /// Everything since the consumer started.
        case cumulative
        /// Only the current fixed-length window (`--window 5m`).
        case tumbling
    }

    /// 1, 2, 3… per consumer instance.
    public var sequence: UInt64
    /// Which consumer wrote it (host and process, for example): merges name it in messages.
    public var instance: String
    public var windowKind: WindowKind
    public var windowStartMillis: Int64
    public var windowEndMillis: Int64
    /// True for the last snapshot before the consumer stops.
    public var isFinal: Bool

    public init(sequence: UInt64, instance: String, windowKind: WindowKind, windowStartMillis: Int64,
                windowEndMillis: Int64, isFinal: Bool) {
        self.sequence = sequence
        self.instance = instance
        self.windowKind = windowKind
        self.windowStartMillis = windowStartMillis
        self.windowEndMillis = windowEndMillis
        self.isFinal = isFinal
    }
}

/// Writes the JSON line a consumer prints at each snapshot (`Schemas/snapshot.schema.json`): the
/// report's sections for the state so far, what the snapshot is (`snapshot`), the offset ranges it
/// carries (`offsets`), and the state of those ranges (`state`) so that `apicensus merge` can combine
/// snapshots from many instances and restarts, counting each message once.
public enum SnapshotBuilder {
    /// - Parameters:
    ///   - cumulative: everything the window has counted, `deltas` included.
    ///   - deltas: what each partition added since the previous snapshot, with its offsets
    ///     `[first offset, next offset)`; these are the offsets committed after the line is flushed.
    ///   - base: state new since the previous snapshot that no offset range holds, if any, with the
    ///     inputs its indexes refer to.
    /// - Returns: one line of compact JSON ending with `\n`.
    public static func snapshotLine(cumulative: StreamAggregate, deltas: [PartitionDelta], meta: SnapshotMeta,
                                    options: ReportOptions, base: AggregateState? = nil,
                                    baseInputs: [InputDescription] = []) -> [UInt8] {
        var bytes = document(cumulative: cumulative, deltas: deltas, meta: meta, options: options,
                             base: base, baseInputs: baseInputs).bytes(indent: nil)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    public static func document(cumulative: StreamAggregate, deltas: [PartitionDelta], meta: SnapshotMeta,
                                options: ReportOptions, base: AggregateState? = nil,
                                baseInputs: [InputDescription] = []) -> JSONOutput {
        guard case .object(var fields) = cumulative.report(options: options) else { preconditionFailure("a report is an object") }
        let ordered = deltas.sorted { ($0.key, $0.range) < ($1.key, $1.range) }
        fields.append(("snapshot", .object([
            ("sequence", .uint(meta.sequence)),
            ("instance", .string(meta.instance)),
            ("window", .object([
                ("kind", .string(meta.windowKind.rawValue)),
                ("start", .string(ReportBuilder.isoTime(meta.windowStartMillis))),
                ("end", .string(ReportBuilder.isoTime(meta.windowEndMillis))),
            ])),
            ("final", .bool(meta.isFinal)),
        ])))
        fields.append(("offsets", .array(ordered.map { d in
            .object([
                ("topic", .string(d.key.topic)),
                ("partition", .int(Int64(d.key.partition))),
                ("start", .int(d.range.start)),
                ("end", .int(d.range.end)),
            ])
        })))
        fields.append(("state", StateSection(inputs: baseInputs, base: base, deltas: ordered).json))
        return .object(fields)
    }
}
