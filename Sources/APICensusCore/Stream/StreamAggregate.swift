/// Everything a stream consumer (or a merge) has counted: one state per partition, built from
/// deltas whose offsets are known, plus a base state not tied to offsets (batch reports merged in)
/// with the inputs its indexes refer to.
public struct StreamAggregate: Sendable, Equatable {
    /// The inputs of `base`, in order: `base`'s input index `i` is `baseInputs[i]`.
    public var baseInputs: [InputDescription] = []
    public var base = AggregateState()
    /// Each partition's state; input indexes inside are meaningless (all are "this partition").
    public var partitions: [PartitionKey: AggregateState] = [:]
    /// How the consumer read each partition (format in use, the topic's role, envelope), for the
    /// report's `input.files`; partitions without one (in a merge) are described from their records.
    public var partitionInputs: [PartitionKey: InputDescription] = [:]

    public init() {}

    /// Adds a partition delta. The caller makes sure each offset is absorbed once (a consumer does by
    /// construction; a merge by `DeltaChain`).
    public mutating func absorb(_ delta: PartitionDelta) {
        partitions[delta.key, default: AggregateState()].merge(delta.state.remappingInputs { _ in 0 })
    }

    /// Adds a state not tied to offsets whose input indexes refer to `inputs`; the inputs are
    /// appended after the ones already here.
    public mutating func absorb(base other: AggregateState, inputs: [InputDescription]) {
        let shift = baseInputs.count
        baseInputs.append(contentsOf: inputs)
        base.merge(other.remappingInputs { $0 + shift })
    }

    /// The inputs as a report lists them: base inputs first, then the partitions by topic and number.
    public var inputs: [InputDescription] {
        baseInputs + partitions.keys.sorted().map { key in
            var description = partitionInputs[key] ?? key.inputDescription
            description.observedRole = partitions[key]?.run.mainRole
            return description
        }
    }

    /// One state whose input indexes match `inputs`, ready for `ReportBuilder`.
    public var combined: AggregateState {
        var state = base
        for (i, key) in partitions.keys.sorted().enumerated() {
            let index = baseInputs.count + i
            state.merge(partitions[key]!.remappingInputs { _ in index })
        }
        return state
    }

    /// The report document for everything counted so far (without the `state` property).
    public func report(options: ReportOptions) -> JSONOutput {
        ReportBuilder.report(state: combined, inputs: inputs, options: options)
    }
}
