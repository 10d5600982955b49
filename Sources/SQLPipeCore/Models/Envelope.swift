/// The wrappers every response comes in: `{"connection": {...}}`, `{"connections": [...], "metadata": {...}}`
/// and `{"message": "..."}`. The CLI's `--json` and the server encode the same values.
public struct Envelope<Value: Encodable & Sendable>: Encodable, Sendable {
    public let key: String
    public let value: Value
    public let metadata: PageMetadata?

    public init(_ key: String, _ value: Value) {
        self.key = key
        self.value = value
        self.metadata = nil
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: EnvelopeKey.self)
        try container.encode(value, forKey: EnvelopeKey(key))
        if let metadata {
            try container.encode(metadata, forKey: EnvelopeKey("metadata"))
        }
    }

    private init(key: String, value: Value, metadata: PageMetadata?) {
        self.key = key
        self.value = value
        self.metadata = metadata
    }
}

extension Envelope {
    /// A page of a list, under its plural name, with its `metadata`.
    public static func page<Item>(_ key: String, _ page: Page<Item>) -> Envelope<[Item]> where Value == [Item] {
        Envelope<[Item]>(key: key, value: page.items, metadata: page.metadata)
    }
}

extension Envelope where Value == String {
    public static func message(_ text: String) -> Envelope<String> { Envelope("message", text) }
}

private struct EnvelopeKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
