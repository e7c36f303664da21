import CRdKafka

/// librdkafka's in-process mock cluster: real Kafka protocol on localhost listeners, brokers that
/// can be taken down, request errors that can be injected. The fast tests run consumers (and the
/// whole consume service) against it.
public final class KafkaMockCluster: @unchecked Sendable {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    private let context: KafkaCallbackContext
    /// `host:port,…` for `bootstrap.servers`.
    public let bootstrapServers: String

    /// Kafka API keys used when injecting errors.
    public enum APIKey: Int16, Sendable {
        case produce = 0, fetch = 1, listOffsets = 2, metadata = 3, offsetCommit = 8, offsetFetch = 9
        case findCoordinator = 10, joinGroup = 11, heartbeat = 12, syncGroup = 14
    }

    public init(brokers: Int, logHandler: @escaping KafkaLogHandler) throws {
        // The cluster needs a client instance to live in; a producer with no bootstrap is enough.
        let properties = KafkaProperties([("client.id", "apicensus-mock-cluster")])
        let context = KafkaCallbackContext(properties: properties, logHandler: logHandler)
        self.context = context
        let conf = try KafkaClientConfiguration.make(properties, context: context)
        var errstr = [CChar](repeating: 0, count: 512)
        guard let owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaConfigurationError("cannot create the mock cluster's client: \(errorText(errstr))")
        }
        guard let cluster = rd_kafka_mock_cluster_new(owner, Int32(brokers)) else {
            rd_kafka_destroy(owner)
            throw KafkaConfigurationError("cannot create a mock cluster")
        }
        self.owner = owner
        self.cluster = cluster
        _ = Unmanaged.passRetained(context)
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
        Unmanaged.passUnretained(context).release()
    }

    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws {
        let err = rd_kafka_mock_topic_create(cluster, name, Int32(partitions), Int32(replicationFactor))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(err) }
    }

    /// The next `errors.count` requests of this kind fail with these error codes, in order.
    public func injectRequestErrors(_ api: APIKey, _ errors: [KafkaMockError]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0.rawValue) }
        codes.withUnsafeBufferPointer {
            rd_kafka_mock_push_request_errors_array(cluster, api.rawValue, codes.count, $0.baseAddress)
        }
    }

    /// Closes the broker's connections and refuses new ones (ids start at 1).
    public func setBrokerDown(_ id: Int32) {
        _ = rd_kafka_mock_broker_set_down(cluster, id)
    }

    public func setBrokerUp(_ id: Int32) {
        _ = rd_kafka_mock_broker_set_up(cluster, id)
    }

    /// Makes broker `id` the coordinator of a consumer group.
    public func setGroupCoordinator(group: String, broker id: Int32) {
        _ = rd_kafka_mock_coordinator_set(cluster, "group", group, id)
    }
}

/// Error codes worth injecting into a mock cluster.
public enum KafkaMockError: Int32, Sendable {
    case notLeaderForPartition = 6
    case requestTimedOut = 7
    case notCoordinator = 16
    case coordinatorNotAvailable = 15
    case coordinatorLoadInProgress = 14
    case rebalanceInProgress = 27
    case unknownServerError = -1
    case brokerNotAvailable = 8
}
