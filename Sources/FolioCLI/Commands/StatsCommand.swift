import ArgumentParser
import Foundation
import FolioKit

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Usage analytics: top prompts, uses over time, which version works best, unused prompts.")

    @Argument(help: "Only this prompt.", completion: Completions.prompts)
    var id: String?

    @Option(help: "The period: a span (30d, 12w, 24h) or a start date (2026-01-31).")
    var since = "30d"

    @Option(help: "Break uses down by day, week, version, source, variant or user.")
    var by: StatsRequest.Grouping = .day

    @Flag(help: "Everyone's usage, as shared through folio sync (refs/folio/analytics), not only this clone's.")
    var team = false

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "Print the breakdown as CSV.")
    var csv = false

    @Option(help: ArgumentHelp("Write a self-contained HTML report to this file.", valueName: "file"))
    var html: String?

    @OptionGroup var library: LibraryOptions

    func validate() throws {
        if [json, csv, html != nil].filter({ $0 }).count > 1 { throw ValidationError("choose one of --json, --csv and --html") }
    }

    func run() throws {
        let context = CLIContext.current
        let prompt = try id.map(promptID)
        let library = try library.open(context)
        let now = context.now()
        let request = StatsRequest(prompt: prompt, since: try StatsRequest.parseSince(since, now: now), until: now, by: by, team: team)
        let report = try library.stats(request)
        if json {
            try context.printJSON(report)
        } else if csv {
            context.stdout.write(StatsFormatter.csv(report))
        } else if let html {
            let experiments = try library.experimentReports(prompt: request.prompt, team: team)
            let path = html.hasPrefix("/") ? html : context.currentDirectory + "/" + html
            do {
                try Data(StatsFormatter.html(report, experiments: experiments, library: library.config.name ?? "folio").utf8)
                    .write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw FolioError(.io, "cannot write \(html): \(error.localizedDescription)")
            }
            context.print("Wrote \(html)")
        } else {
            StatsFormatter.terminal(report, context: context)
        }
    }
}

extension StatsRequest.Grouping: ExpressibleByArgument {}

/// Renders a stats report for people: the terminal, CSV, HTML.
enum StatsFormatter {
    static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
    static func score(_ value: Double?) -> String { value.map { String(format: "%.2f", $0) } ?? "–" }
    static func day(_ date: Date) -> String { String(ISO8601DateFormatter().string(from: date).prefix(10)) }

    /// `3 uses (2 renders, 1 copy), 1 rated`: only the kinds that occurred.
    static func summary(_ totals: StatsReport.Count) -> String {
        let parts = [(totals.renders, "render", nil), (totals.directUses, "direct use", nil), (totals.copies, "copy", "copies"),
                     (totals.exposures, "experiment exposure", nil)]
            .filter { $0.0 > 0 }.map { Wording.count($0.0, $0.1, plural: $0.2) }
        return Wording.count(totals.uses, "use") + (parts.isEmpty ? "" : " (\(parts.joined(separator: ", ")))")
            + (totals.feedback == 0 ? ", no feedback" : ", \(Wording.count(totals.feedback, "rated use"))")
    }

    static func terminal(_ report: StatsReport, context: CLIContext) {
        let term = context.out
        let scope = report.prompt.map { " of \($0)" } ?? ""
        context.print(term.bold("Usage\(scope), \(day(report.since)) to \(day(report.until))") + ": " + summary(report.totals))
        if report.prompt == nil {
            context.print()
            context.print(term.bold("Top prompts"))
            if report.top.isEmpty { context.print(term.dim("  no uses in this period")) }
            bars(report.top.prefix(10).map { ($0.key, $0.uses) }, context: context)
        }
        context.print()
        // Days and weeks: only those with activity (the JSON, CSV and HTML keep every one, for charts).
        let active = report.breakdown.filter { $0.uses > 0 || $0.feedback > 0 }
        switch report.grouping {
        case .day, .week:
            let unit = report.grouping == .day ? "day" : "week"
            context.print(term.bold("Uses by \(unit)") + term.dim("  (\(active.count) of \(Wording.count(report.breakdown.count, unit)) with activity)"))
        default:
            context.print(term.bold("Uses by \(report.grouping.rawValue)"))
        }
        if active.isEmpty { context.print(term.dim("  no activity in this period")) }
        bars(active.map { ($0.key, $0.uses) }, context: context)
        let rated = report.versions.filter { $0.successRate != nil || $0.meanScore != nil || report.prompt != nil }
        if !rated.isEmpty {
            context.print()
            context.print(term.bold("Versions") + term.dim("  (success rate and mean score from feedback)"))
            let width = max(30, rated.map { $0.prompt.count + 1 + $0.label.count }.max() ?? 0)
            for version in rated {
                let label = "\(version.prompt)@\(version.label)"
                let line = "  \(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(Wording.count(version.uses, "use").leftPad(9))  "
                    + "success \(percent(version.successRate).leftPad(4)) (\(version.successes)/\(version.successes + version.failures))  "
                    + "score \(score(version.meanScore)) (\(version.scores))"
                context.print(version.best ? term.green(line + "  ← best") : line)
            }
        }
        if !report.unused.isEmpty {
            context.print()
            context.print(term.bold("Unused in this period") + term.dim("  (\(Wording.count(report.unused.count, "active prompt")))"))
            context.print("  " + report.unused.prefix(20).joined(separator: ", ") + (report.unused.count > 20 ? ", …" : ""))
        }
    }

    /// Horizontal bars scaled to the largest value.
    private static func bars(_ rows: [(String, Int)], context: CLIContext) {
        let largest = max(1, rows.map(\.1).max() ?? 1)
        let width = min(40, rows.map(\.0.count).max() ?? 0)
        for (label, value) in rows {
            let length = value == 0 ? 0 : max(1, value * 30 / largest)
            context.print("  " + label.padding(toLength: max(width, label.count), withPad: " ", startingAt: 0) + "  "
                          + context.out.cyan(String(repeating: "█", count: length)) + " \(value)")
        }
    }

    static func csv(_ report: StatsReport) -> String {
        var lines = ["\(report.grouping.rawValue),uses,renders,direct_uses,copies,exposures,feedback"]
        for row in report.breakdown {
            lines.append([field(row.key), "\(row.uses)", "\(row.renders)", "\(row.directUses)", "\(row.copies)",
                          "\(row.exposures)", "\(row.feedback)"].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func field(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Text width in pixels, estimated for the report's sans-serif at `size` (no font metrics without a browser):
    /// generous, so that a label is never clipped.
    static func textWidth(_ text: String, size: Double) -> Int {
        Int((Double(text.count) * size * 0.62).rounded(.up)) + 4
    }

    /// Vertical bars over time, labels turned 45° below them; the drawing is as large as its labels need.
    static func columnChart(_ rows: [(String, Int)]) -> String {
        let largest = max(1, rows.map(\.1).max() ?? 1)
        let count = max(1, rows.count)
        // At most about 900 pixels wide: a year of days gets thin bars.
        let slot = max(2, min(28, 900 / count))
        let barWidth = slot >= 10 ? slot - 6 : max(1, slot - 1), gap = slot - barWidth
        // Every label when they fit, else every n-th: labels turned 45° need 20 pixels apart not to overlap.
        let step = max(1, Int((20.0 / Double(slot)).rounded(.up)))
        let longest = rows.enumerated().filter { $0.offset % step == 0 }.map { textWidth($0.element.0, size: 11) }.max() ?? 0
        let diagonal = Int((Double(longest) * 0.7072).rounded(.up))
        let height = 160, top = 16, left = max(30, diagonal + 8)
        let width = left + count * (barWidth + gap) + 20
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(top + height + diagonal + 24)\" role=\"img\" font-size=\"11\">"
        svg += "<line x1=\"\(left - 4)\" y1=\"\(top + height)\" x2=\"\(width - 16)\" y2=\"\(top + height)\" stroke=\"#9ca3af\"/>"
        for (index, row) in rows.enumerated() {
            let h = row.1 * height / largest
            let x = left + index * (barWidth + gap)
            let centre = x + barWidth / 2
            svg += "<rect x=\"\(x)\" y=\"\(top + height - h)\" width=\"\(barWidth)\" height=\"\(h)\" fill=\"#3b82f6\"><title>\(escape(row.0)): \(row.1)</title></rect>"
            if row.1 > 0, barWidth >= 14 { svg += "<text x=\"\(centre)\" y=\"\(top + height - h - 4)\" font-size=\"10\" text-anchor=\"middle\">\(row.1)</text>" }
            if index % step == 0 {
                svg += "<text transform=\"translate(\(centre),\(top + height + 14)) rotate(-45)\" text-anchor=\"end\">\(escape(row.0))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one row per label, the whole label on the left.
    static func barChart(_ rows: [(String, Int)]) -> String {
        let largest = max(1, rows.map(\.1).max() ?? 1)
        let labelWidth = (rows.map { textWidth($0.0, size: 12) }.max() ?? 0) + 8
        let barSpace = 420, rowHeight = 22
        let valueWidth = textWidth(String(largest), size: 12) + 8
        let width = labelWidth + barSpace + valueWidth
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(max(1, rows.count) * rowHeight + 8)\" role=\"img\" font-size=\"12\">"
        for (index, row) in rows.enumerated() {
            let y = 4 + index * rowHeight
            let length = row.1 == 0 ? 0 : max(2, row.1 * barSpace / largest)
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 15)\" text-anchor=\"end\">\(escape(row.0))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(length)\" height=\"\(rowHeight - 6)\" fill=\"#3b82f6\"><title>\(escape(row.0)): \(row.1)</title></rect>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + 15)\">\(row.1)</text>"
        }
        return svg + "</svg>"
    }

    /// One HTML file: inline CSS and SVG, no scripts, no external fonts or images.
    static func html(_ report: StatsReport, experiments: [ExperimentReport] = [], library: String) -> String {
        func table(_ header: [String], _ rows: [[String]]) -> String {
            "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
                + rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined() + "</table>"
        }
        func chart(_ rows: [(String, Int)], overTime: Bool) -> String {
            rows.isEmpty ? "<p>No activity in this period.</p>" : overTime ? columnChart(rows) : barChart(rows)
        }
        let title = "\(library) usage, \(day(report.since)) to \(day(report.until))" + (report.prompt.map { " — \($0)" } ?? "")
        var body = "<h1>\(escape(title))</h1>"
        body += "<p>\(escape(summary(report.totals))).</p>"
        let overTime = report.grouping == .day || report.grouping == .week
        body += "<h2>Uses by \(report.grouping.rawValue)</h2>" + chart(report.breakdown.map { ($0.key, $0.uses) }, overTime: overTime)
        if report.prompt == nil {
            body += "<h2>Top prompts</h2>" + chart(report.top.prefix(20).map { ($0.key, $0.uses) }, overTime: false)
            body += table(["Prompt", "Uses", "Renders", "Direct uses", "Copies", "Exposures", "Rated"],
                          report.top.map { [$0.key, "\($0.uses)", "\($0.renders)", "\($0.directUses)", "\($0.copies)", "\($0.exposures)", "\($0.feedback)"] })
        }
        body += "<h2>Versions</h2>" + table(["Prompt", "Version", "Variants", "First used", "Uses", "Success rate", "Mean score", "Best"],
                                           report.versions.map { [$0.prompt, $0.label, $0.variants.joined(separator: ", "), day($0.firstUsed), "\($0.uses)",
                                                                  percent($0.successRate), score($0.meanScore), $0.best ? "best" : ""] })
        if !experiments.isEmpty {
            body += "<h2>Experiments</h2>"
            for experiment in experiments { body += experimentSection(experiment) }
        }
        if !report.unused.isEmpty {
            body += "<h2>Unused in this period</h2><p>" + report.unused.map(escape).joined(separator: ", ") + "</p>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>body{font-family:system-ui,-apple-system,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:1em 0}
            th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}th{background:#f3f4f6}svg{display:block;margin:1em 0;overflow:visible}
            .verdict{font-weight:600}.meta{color:#555}</style>
            </head><body>\(body)</body></html>

            """
    }

    /// An experiment as `folio ab report` gives it: variants, exposures, outcomes with 95% intervals, tests, verdict.
    static func experimentSection(_ report: ExperimentReport) -> String {
        func interval(_ pair: [Double]?, percent asPercent: Bool) -> String {
            guard let pair, pair.count == 2 else { return "" }
            return asPercent ? " [\(String(format: "%.1f%%", pair[0] * 100)), \(String(format: "%.1f%%", pair[1] * 100))]"
                : String(format: " [%.2f, %.2f]", pair[0], pair[1])
        }
        var html = "<h3>\(escape(report.experiment))</h3><p class=\"meta\">\(escape(report.prompt)) · metric \(report.metric.rawValue) · \(report.status.rawValue)</p>"
        html += "<table><tr><th>Variant</th><th>Weight</th><th>Exposures</th><th>Successes</th><th>Failures</th><th>Success rate [95% CI]</th>"
            + "<th>Scores</th><th>Mean score [95% CI]</th></tr>"
        for arm in report.arms {
            let rate = arm.successRate.map { String(format: "%.1f%%", $0 * 100) } ?? "–"
            let mean = arm.meanScore.map { String(format: "%.2f", $0) } ?? "–"
            html += "<tr>" + [arm.variant, "\(arm.weight)%", "\(arm.exposures)", "\(arm.successes)", "\(arm.failures)",
                              rate + interval(arm.successInterval, percent: true), "\(arm.scores)", mean + interval(arm.scoreInterval, percent: false)]
                .map { "<td>\(escape($0))</td>" }.joined() + "</tr>"
        }
        html += "</table>"
        for comparison in report.comparisons {
            html += "<p class=\"meta\">\(escape(comparison.variant)) vs \(escape(comparison.against)): \(escape(comparison.test)), "
                + String(format: "statistic %.3f, p = %.4f", comparison.statistic, comparison.p) + "</p>"
        }
        return html + "<p class=\"verdict\">\(escape(report.verdict))</p>"
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
