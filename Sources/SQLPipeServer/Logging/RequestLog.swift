import Foundation
import Hummingbird
import Logging

/// One log line per request: method, path, status, duration and user (when one was authenticated).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            // The error middleware inside this one answers everything; this is the last resort.
            let fallback = ErrorMapping.response(for: error, logger: context.logger)
            log(request, fallback.status.code, started, context)
            return fallback
        }
        log(request, response.status.code, started, context)
        return response
    }

    private func log(_ request: Request, _ status: Int, _ started: ContinuousClock.Instant, _ context: Context) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(status),
            "duration_ms": .string(String(format: "%.2f", milliseconds)),
            "client": .string(context.clientAddress),
        ]
        if let user = context.note.user { metadata["user"] = .string(user) }
        context.logger.info("request", metadata: metadata)
    }
}

/// How `sqlpipe serve` writes its log: one line per event on stderr, as text or as JSON.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// A swift-log handler writing one line per event to stderr: `key=value` text, or a JSON object.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let format: LogFormat
    let sink: LogSink

    public init(label: String, format: LogFormat, sink: LogSink = .standardError) {
        self.label = label
        self.format = format
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        if let id = all.removeValue(forKey: "hb.request.id") { all["request_id"] = id }
        let time = Date().formatted(Self.timestampStyle)
        let line: String
        switch format {
        case .text:
            var text = "\(time) \(event.level) \(event.message)"
            for (key, value) in all.sorted(by: { $0.key < $1.key }) {
                text += " \(key)=\(Self.textValue("\(value)"))"
            }
            line = text
        case .json:
            var object: [String: String] = ["time": time, "level": "\(event.level)", "message": "\(event.message)"]
            for (key, value) in all { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        }
        sink.write(line + "\n")
    }

    private static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// Quotes a value that holds spaces, quotes or `=`, so that every line splits back into its fields.
    private static func textValue(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) else {
            return value
        }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}

/// Where log lines go: stderr, or a closure (tests).
public struct LogSink: Sendable {
    let body: @Sendable (String) -> Void

    public init(_ body: @escaping @Sendable (String) -> Void) {
        self.body = body
    }

    public func write(_ line: String) { body(line) }

    public static let standardError = LogSink { line in
        lineLock.withLock { FileHandle.standardError.write(Data(line.utf8)) }
    }
}

private let lineLock = NSLock()
