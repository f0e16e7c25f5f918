import Foundation
internal import GRDB
internal import GRDBSQLite

/// `folio_snippet(table)`: an FTS5 auxiliary function giving a few words around the first matches of a search result,
/// the matches between `SearchHit.matchStart` and `SearchHit.matchEnd`.
///
/// It replaces FTS5's `snippet()`, which scores a window at every match by walking every other match of the
/// document: its cost grows with the square of the matches, and a 2 MB prompt saying the word 100,000 times took
/// 23 s to show. This one reads at most `anchors + words` matches of each phrase in each column, tries the first
/// `anchors` of a column as windows, and tokenizes the chosen column only up to the end of its window, so its work
/// grows with where the window is, never with how many matches there are.
enum Snippet {
    static let name = "folio_snippet"
    /// Words shown.
    static let words: Int32 = 16
    /// How many of a column's first matches are tried as windows.
    static let anchors = 8
    /// Match positions read in one phrase at most (columns before the last may hold many; their first ones are enough).
    static let positionLimit = 4096

    /// The work snippets did (match positions and tokens read), for tests that a snippet's cost stays bounded.
    final class Work: @unchecked Sendable {
        private let lock = NSLock()
        private var counts = (positions: 0, tokens: 0)

        var positions: Int { lock.withLock { counts.positions } }
        var tokens: Int { lock.withLock { counts.tokens } }

        func add(positions: Int, tokens: Int) {
            lock.withLock {
                counts.positions += positions
                counts.tokens += tokens
            }
        }
    }

    /// Makes `folio_snippet` available on this connection.
    static func register(_ db: Database, work: Work) throws {
        let api = UnsafeMutablePointer(mutating: FTS5.api(db))
        guard let create = api.pointee.xCreateFunction else { throw DatabaseError(resultCode: .SQLITE_ERROR, message: "FTS5 has no xCreateFunction") }
        let context = Unmanaged.passRetained(work).toOpaque()
        let code = create(api, name, context, { api, fts, sqlite, _, _ in
            guard let api, let fts, let sqlite else { return }
            let work = api.pointee.xUserData(fts).map { Unmanaged<Work>.fromOpaque($0).takeUnretainedValue() }
            switch Snippet.make(api.pointee, fts, work: work) {
            case .text(let bytes):
                bytes.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) {
                        sqlite3_result_text(sqlite, $0.baseAddress, Int32($0.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                    }
                }
            case .none:
                sqlite3_result_null(sqlite)
            case .failure(let code):
                sqlite3_result_error_code(sqlite, code)
            }
        }, { context in
            context.map { Unmanaged<Work>.fromOpaque($0).release() }
        })
        guard code == SQLITE_OK else {
            Unmanaged<Work>.fromOpaque(context).release()
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "could not register \(name)")
        }
    }

    /// One match: a phrase's first token at `offset` in `column`, `size` tokens long.
    struct Match: Equatable {
        let column: Int32
        let offset: Int32
        let phrase: Int32
        let size: Int32
    }

    /// Where to cut: the column, and the first token of the window.
    struct Window: Equatable {
        let column: Int32
        let start: Int32
    }

    /// Chooses the window showing the most different phrases (then the most matches) among windows starting near
    /// each column's first `anchors` matches, centred on the matches it holds. On a tie the later column wins: the
    /// body says more than the id, title and tags a result already shows. `matches` are sorted by column, then offset.
    static func choose(_ matches: [Match], columnSize: (Int32) -> Int32) -> Window? {
        var groups: [ArraySlice<Match>] = []
        var index = 0
        while index < matches.count {
            var end = index
            while end < matches.count, matches[end].column == matches[index].column { end += 1 }
            groups.append(matches[index..<end])
            index = end
        }
        var best: (score: Int, window: Window)?
        for inColumn in groups.reversed() {
            let column = inColumn.first!.column
            let size = columnSize(column)
            for anchor in inColumn.prefix(anchors) {
                var seen = Set<Int32>()
                var score = 0
                var last = anchor.offset + anchor.size
                for match in inColumn where match.offset >= anchor.offset {
                    guard match.offset < anchor.offset + words else { break }
                    score += seen.insert(match.phrase).inserted ? 1000 : 1
                    last = max(last, match.offset + match.size)
                }
                var start = anchor.offset - max(0, words - (last - anchor.offset)) / 2
                if start + words > size { start = size - words }
                start = max(0, start)
                if score > best?.score ?? 0 { best = (score, Window(column: column, start: start)) }
            }
        }
        return best?.window
    }

    /// Reads the matches, chooses a window and cuts it out of the column's text, marked.
    private static func make(_ api: Fts5ExtensionApi, _ fts: OpaquePointer, work: Work?) -> Outcome {
        var positions = 0
        var cut = Cut(start: 0, end: 0)
        defer { work?.add(positions: positions, tokens: Int(cut.index)) }
        let columns = api.xColumnCount(fts)
        var matches: [Match] = []
        for phrase in 0..<api.xPhraseCount(fts) {
            let size = max(1, api.xPhraseSize(fts, phrase))
            var iterator = Fts5PhraseIter()
            var column: Int32 = -1
            var offset: Int32 = -1
            let code = api.xPhraseFirst(fts, phrase, &iterator, &column, &offset)
            guard code == SQLITE_OK else { return .failure(code) }
            var current: Int32 = -1
            var inColumn = 0
            var read = 0
            while column >= 0, read < positionLimit {
                read += 1
                if column != current {
                    current = column
                    inColumn = 0
                }
                if inColumn < anchors + Int(words) {
                    matches.append(Match(column: column, offset: offset, phrase: phrase, size: size))
                    inColumn += 1
                } else if column == columns - 1 {
                    break
                }
                api.xPhraseNext(fts, &iterator, &column, &offset)
            }
            positions += read
        }
        matches.sort { ($0.column, $0.offset, $0.phrase) < ($1.column, $1.offset, $1.phrase) }
        guard let window = choose(matches, columnSize: { column in
            var size: Int32 = 0
            return api.xColumnSize(fts, column, &size) == SQLITE_OK ? size : Int32.max
        }) else { return .none }

        var text: UnsafePointer<CChar>?
        var length: Int32 = 0
        let code = api.xColumnText(fts, window.column, &text, &length)
        guard code == SQLITE_OK, let text else { return .failure(code == SQLITE_OK ? SQLITE_ERROR : code) }

        // The byte range of each token in the window.
        cut = Cut(start: window.start, end: window.start + words)
        let tokenized = withUnsafeMutablePointer(to: &cut) { pointer in
            api.xTokenize(fts, text, length, pointer, { context, flags, _, _, start, end in
                let cut = context!.assumingMemoryBound(to: Cut.self)
                if flags & FTS5_TOKEN_COLOCATED != 0 { return SQLITE_OK }
                guard cut.pointee.index < cut.pointee.end else {
                    // unicode61 turns SQLITE_DONE into SQLITE_OK: remember why it stopped.
                    cut.pointee.stopped = true
                    return SQLITE_DONE
                }
                if cut.pointee.index >= cut.pointee.start { cut.pointee.ranges.append((start, end)) }
                cut.pointee.index += 1
                return SQLITE_OK
            })
        }
        guard tokenized == SQLITE_OK || tokenized == SQLITE_DONE else { return .failure(tokenized) }
        guard !cut.ranges.isEmpty else { return .none }
        let reachedEnd = !cut.stopped

        // Runs of tokens to mark: each match, overlapping matches joined.
        var runs: [(first: Int32, last: Int32)] = []
        for match in matches where match.column == window.column {
            let last = match.offset + match.size - 1
            if let previous = runs.last, match.offset <= previous.last {
                runs[runs.count - 1].last = max(previous.last, last)
            } else {
                runs.append((match.offset, last))
            }
        }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: Int(length))
        let ellipsis = Array("…".utf8)
        var out: [UInt8] = window.start > 0 ? ellipsis : []
        var cursor = window.start > 0 ? Int(cut.ranges[0].start) : 0
        for (offset, range) in cut.ranges.enumerated() {
            let token = window.start + Int32(offset)
            out += bytes[cursor..<Int(range.start)]
            let opens = runs.contains { $0.first == token || ($0.first < window.start && token == window.start && $0.last >= token) }
            let closes = runs.contains { $0.first <= token && ($0.last == token || (token == window.start + Int32(cut.ranges.count) - 1 && $0.last > token)) }
            if opens { out.append(1) }
            out += bytes[Int(range.start)..<Int(range.end)]
            if closes { out.append(2) }
            cursor = Int(range.end)
        }
        if reachedEnd {
            out += bytes[cursor...]
        } else {
            out += ellipsis
        }
        return .text(out)
    }

    private enum Outcome {
        case text([UInt8])
        /// No match to show (the row matched on something else).
        case none
        case failure(Int32)
    }

    /// What the tokenizer callback fills in.
    private struct Cut {
        let start: Int32
        let end: Int32
        var index: Int32 = 0
        var stopped = false
        var ranges: [(start: Int32, end: Int32)] = []
    }
}
