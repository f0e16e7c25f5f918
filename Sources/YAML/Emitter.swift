import Foundation
internal import CYAML

/// Writes nodes as YAML: block style unless a node asks for flow, no line folding, UTF-8 kept as is,
/// each scalar in its own style when libyaml can write it that way (a safe quoted style otherwise).
public struct YAMLEmitter: Sendable {
    public init() {}

    /// The YAML text of `node`, ending in a newline, without document markers.
    public func emit(_ node: Node) throws -> String {
        // libyaml escapes characters beyond U+FFFF (emoji) as `\U0001F512`. Stand them in with unused
        // private-use characters, which it writes as they are, and put them back afterwards.
        var placeholders: [Unicode.Scalar: Unicode.Scalar] = [:]
        var used = Set<UInt32>()
        Self.collectScalars(node) { scalar in
            used.insert(scalar.value)
            if scalar.value > 0xFFFF { placeholders[scalar] = scalar }
        }
        guard !placeholders.isEmpty else { return try emitBMP(node) }
        var next: UInt32 = 0xE000
        for wide in placeholders.keys.sorted(by: { $0.value < $1.value }) {
            while used.contains(next) { next += 1 }
            guard next <= 0xF8FF, let stand = Unicode.Scalar(next) else { return try emitBMP(node) }
            placeholders[wide] = stand
            next += 1
        }
        let reverse = Dictionary(uniqueKeysWithValues: placeholders.map { ($0.value, $0.key) })
        let text = try emitBMP(Self.mapScalars(node) { placeholders[$0] ?? $0 })
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(reverse[scalar] ?? scalar) }
        return String(out)
    }

    private static func collectScalars(_ node: Node, _ body: (Unicode.Scalar) -> Void) {
        switch node.content {
        case .scalar(let text, _): text.unicodeScalars.forEach(body)
        case .sequence(let items, _): items.forEach { collectScalars($0, body) }
        case .mapping(let pairs, _): pairs.forEach { collectScalars($0.key, body); collectScalars($0.value, body) }
        }
    }

    private static func mapScalars(_ node: Node, _ transform: (Unicode.Scalar) -> Unicode.Scalar) -> Node {
        var copy = node
        switch node.content {
        case .scalar(let text, let style):
            var view = String.UnicodeScalarView()
            for scalar in text.unicodeScalars { view.append(transform(scalar)) }
            copy.content = .scalar(String(view), style)
        case .sequence(let items, let style):
            copy.content = .sequence(items.map { mapScalars($0, transform) }, style)
        case .mapping(let pairs, let style):
            copy.content = .mapping(pairs.map { Node.Pair(key: mapScalars($0.key, transform), value: mapScalars($0.value, transform)) }, style)
        }
        return copy
    }

    private func emitBMP(_ node: Node) throws -> String {
        var emitter = yaml_emitter_t()
        guard yaml_emitter_initialize(&emitter) == 1 else { throw Self.failure("could not start the YAML emitter") }
        defer { yaml_emitter_delete(&emitter) }

        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        return try withExtendedLifetime(sink) {
            yaml_emitter_set_output(&emitter, { data, buffer, size in
                let sink = Unmanaged<Sink>.fromOpaque(data!).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            }, Unmanaged.passUnretained(sink).toOpaque())
            yaml_emitter_set_unicode(&emitter, 1)
            yaml_emitter_set_width(&emitter, -1)
            yaml_emitter_set_indent(&emitter, 2)

            var event = yaml_event_t()
            yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
            try send(&emitter, &event)
            yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
            try send(&emitter, &event)
            try emitNode(node, &emitter)
            yaml_document_end_event_initialize(&event, 1)
            try send(&emitter, &event)
            yaml_stream_end_event_initialize(&event)
            try send(&emitter, &event)
            guard yaml_emitter_flush(&emitter) == 1 else { throw Self.failure(emitter) }
            return String(decoding: sink.bytes, as: UTF8.self)
        }
    }

    private func emitNode(_ node: Node, _ emitter: inout yaml_emitter_t) throws {
        var event = yaml_event_t()
        switch node.content {
        case .scalar(let text, let style):
            let libStyle: yaml_scalar_style_t
            switch style {
            case .plain: libStyle = YAML_PLAIN_SCALAR_STYLE
            case .singleQuoted: libStyle = YAML_SINGLE_QUOTED_SCALAR_STYLE
            case .doubleQuoted: libStyle = YAML_DOUBLE_QUOTED_SCALAR_STYLE
            case .literal: libStyle = YAML_LITERAL_SCALAR_STYLE
            case .folded: libStyle = YAML_FOLDED_SCALAR_STYLE
            }
            // A plain scalar must read back as what it is: a string like "true" or "12" is quoted.
            let isString = node.scalarValue.map { if case .string = $0 { return true } else { return false } } ?? true
            let quoteNeeded = style == .plain && isString && Resolver.needsQuotes(text)
            let finalStyle = quoteNeeded ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : libStyle
            var bytes = Array(text.utf8) + [0]
            let tag = node.tag
            try bytes.withUnsafeMutableBufferPointer { buffer in
                try withOptionalCString(tag) { tagPointer in
                    guard yaml_scalar_event_initialize(
                        &event, nil, tagPointer, buffer.baseAddress, Int32(buffer.count - 1),
                        tag == nil ? 1 : 0, tag == nil ? 1 : 0, finalStyle) == 1
                    else { throw Self.failure("could not write scalar '\(text.prefix(40))'") }
                    try send(&emitter, &event)
                }
            }
        case .sequence(let items, let style):
            try withOptionalCString(node.tag) { tag in
                yaml_sequence_start_event_initialize(&event, nil, tag, node.tag == nil ? 1 : 0,
                                                     style == .flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE)
                try send(&emitter, &event)
            }
            for item in items { try emitNode(item, &emitter) }
            yaml_sequence_end_event_initialize(&event)
            try send(&emitter, &event)
        case .mapping(let pairs, let style):
            try withOptionalCString(node.tag) { tag in
                yaml_mapping_start_event_initialize(&event, nil, tag, node.tag == nil ? 1 : 0,
                                                    style == .flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
                try send(&emitter, &event)
            }
            for pair in pairs {
                try emitNode(pair.key, &emitter)
                try emitNode(pair.value, &emitter)
            }
            yaml_mapping_end_event_initialize(&event)
            try send(&emitter, &event)
        }
    }

    private func withOptionalCString<T>(_ text: String?, _ body: (UnsafeMutablePointer<yaml_char_t>?) throws -> T) rethrows -> T {
        guard let text else { return try body(nil) }
        var bytes = Array(text.utf8) + [0]
        return try bytes.withUnsafeMutableBufferPointer { try body($0.baseAddress) }
    }

    private func send(_ emitter: inout yaml_emitter_t, _ event: inout yaml_event_t) throws {
        // The emitter takes ownership of the event, also on failure.
        guard yaml_emitter_emit(&emitter, &event) == 1 else { throw Self.failure(emitter) }
    }

    private static func failure(_ emitter: yaml_emitter_t) -> YAMLError {
        failure(emitter.problem.map { String(cString: $0) } ?? "could not write YAML")
    }

    private static func failure(_ message: String) -> YAMLError {
        YAMLError(kind: .syntax, message: message, mark: .none)
    }
}
