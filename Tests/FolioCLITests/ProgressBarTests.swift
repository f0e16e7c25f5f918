import Foundation
import Testing
@testable import FolioCLI
import FolioKit

@Suite struct ProgressBarTests {
    @Test func drawsOnlyOnATerminalAndOnlyAfterHalfASecond() {
        let sink = BufferSink()
        let bar = ProgressBar(sink: sink, enabled: true)
        bar.update(.init(task: "indexing prompts", done: 1_000, total: 10_000))
        #expect(sink.text.isEmpty)  // quick work draws nothing
        Thread.sleep(forTimeInterval: 0.6)
        bar.update(.init(task: "indexing prompts", done: 5_000, total: 10_000))
        #expect(sink.text == "\rindexing prompts " + String(repeating: "█", count: 15) + String(repeating: "░", count: 15) + " 5000/10000")
        bar.update(.init(task: "indexing prompts", done: 10_000, total: 10_000))
        #expect(sink.text.hasSuffix("\r\u{1B}[2K"))  // the line is cleared when done

        let off = BufferSink()
        let hidden = ProgressBar(sink: off, enabled: false)
        hidden.update(.init(task: "x", done: 1, total: 2))
        Thread.sleep(forTimeInterval: 0.6)
        hidden.update(.init(task: "x", done: 2, total: 2))
        #expect(off.text.isEmpty)
    }
}
