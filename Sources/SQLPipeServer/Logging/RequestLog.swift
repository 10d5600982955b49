import Foundation
import Hummingbird
import Logging
import SQLPipeCore

/// One log line per request (method, path, status, duration and user, when one was authenticated), and the
/// request's count and duration in the metrics, by route pattern rather than path.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    let metrics: ServerMetrics

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
        metrics.requestAnswered(
            method: request.method.rawValue, route: context.endpointPath, status: status, duration: elapsed)
        let milliseconds = elapsed.seconds * 1000
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "path": .string(request.uri.path),
            "status": .stringConvertible(status),
            "duration_ms": .string(Self.twoDecimals(milliseconds)),
            "client": .string(context.clientAddress),
        ]
        if let user = context.note.user { metadata["user"] = .string(user) }
        context.logger.info("request", metadata: metadata)
    }

    /// 12.345 → "12.35", without `String(format:)` (this runs once per request).
    static func twoDecimals(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0\(fraction)" : "\(fraction)")
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
        let time = Self.timestamp()
        var line = ""
        line.reserveCapacity(256)
        switch format {
        case .text:
            line += time + " \(event.level) " + TerminalText.escaped("\(event.message)")
            for (key, value) in all.sorted(by: { $0.key < $1.key }) {
                line += " " + key + "=" + Self.textValue("\(value)")
            }
        case .json:
            var fields = all.map { ($0.key, "\($0.value)") }
            fields.append(("time", time))
            fields.append(("level", "\(event.level)"))
            fields.append(("message", "\(event.message)"))
            line += "{"
            for (index, (key, value)) in fields.sorted(by: { $0.0 < $1.0 }).enumerated() {
                if index > 0 { line += "," }
                Self.appendJSONString(key, to: &line)
                line += ":"
                Self.appendJSONString(value, to: &line)
            }
            line += "}"
        }
        line += "\n"
        sink.write(line)
    }

    /// `2025-06-01T10:05:00.123Z`, without a formatter (this runs once per request).
    static func timestamp() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let millis = Int(spec.tv_nsec / 1_000_000)
        let fraction = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
            + "\(two(parts.tm_min)):\(two(parts.tm_sec)).\(fraction)Z"
    }

    static func appendJSONString(_ value: String, to line: inout String) {
        line += "\""
        // Most values (paths, numbers, names) need no escape: then they go in whole. 0xC2 starts the C1
        // controls' UTF-8 (and other characters, which the loop below also writes as they are).
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xC2 }) {
            line += value
            line += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where TerminalText.isControl(scalar):
                let hex = String(scalar.value, radix: 16)
                line += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }

    /// Quotes a value that holds spaces, quotes, `=`, backslashes or control characters (escaped), so that
    /// every line splits back into its fields and no value can start a line of its own.
    static func textValue(_ value: String) -> String {
        guard
            value.isEmpty
                || value.unicodeScalars.contains(where: {
                    $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || TerminalText.isControl($0)
                })
        else {
            return value
        }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case _ where TerminalText.isControl(scalar): quoted += TerminalText.escape(scalar)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
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
