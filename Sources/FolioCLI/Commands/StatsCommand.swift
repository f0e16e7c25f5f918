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
            let path = html.hasPrefix("/") ? html : context.currentDirectory + "/" + html
            do {
                try Data(StatsFormatter.html(report, library: library.config.name ?? "folio").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
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

    static func terminal(_ report: StatsReport, context: CLIContext) {
        let term = context.out
        let scope = report.prompt.map { " for \($0)" } ?? ""
        context.print(term.bold("Usage\(scope), \(day(report.since)) to \(day(report.until))") + term.dim(
            "  \(report.totals.uses) uses (\(report.totals.renders) renders, \(report.totals.directUses) uses, \(report.totals.copies) copies), \(report.totals.feedback) feedback"))
        if report.prompt == nil {
            context.print()
            context.print(term.bold("Top prompts"))
            if report.top.isEmpty { context.print(term.dim("  no uses in this period")) }
            bars(report.top.prefix(10).map { ($0.key, $0.uses) }, context: context)
        }
        context.print()
        context.print(term.bold("Uses by \(report.grouping.rawValue)"))
        bars(report.breakdown.map { ($0.key, $0.uses) }, context: context)
        let rated = report.versions.filter { $0.successRate != nil || $0.meanScore != nil || report.prompt != nil }
        if !rated.isEmpty {
            context.print()
            context.print(term.bold("Versions") + term.dim("  (success rate and mean score from feedback)"))
            for version in rated {
                let label = "\(version.prompt)@\(version.version ?? String(version.blob.prefix(7)))"
                let line = "  \(label.padding(toLength: max(30, label.count), withPad: " ", startingAt: 0))  \(String(version.uses).leftPad(5)) uses  "
                    + "success \(percent(version.successRate).leftPad(4)) (\(version.successes)/\(version.successes + version.failures))  "
                    + "score \(score(version.meanScore)) (\(version.scores))"
                context.print(version.best ? term.green(line + "  ← best") : line)
            }
        }
        if !report.unused.isEmpty {
            context.print()
            context.print(term.bold("Unused in this period") + term.dim("  (\(report.unused.count) active prompts)"))
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

    /// One HTML file: inline CSS and SVG, no scripts, no external fonts or images.
    static func html(_ report: StatsReport, library: String) -> String {
        func svgBars(_ rows: [(String, Int)]) -> String {
            let largest = max(1, rows.map(\.1).max() ?? 1)
            let barWidth = 22, gap = 6, height = 160
            let width = max(1, rows.count) * (barWidth + gap) + 40
            var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height + 70)\" role=\"img\">"
            for (index, row) in rows.enumerated() {
                let h = row.1 * height / largest
                let x = 30 + index * (barWidth + gap)
                svg += "<rect x=\"\(x)\" y=\"\(height - h + 10)\" width=\"\(barWidth)\" height=\"\(h)\" fill=\"#3b82f6\"><title>\(escape(row.0)): \(row.1)</title></rect>"
                if row.1 > 0 { svg += "<text x=\"\(x + barWidth / 2)\" y=\"\(height - h + 6)\" font-size=\"10\" text-anchor=\"middle\">\(row.1)</text>" }
                svg += "<text transform=\"translate(\(x + barWidth / 2),\(height + 16)) rotate(60)\" font-size=\"10\">\(escape(String(row.0.suffix(10))))</text>"
            }
            return svg + "</svg>"
        }
        func table(_ header: [String], _ rows: [[String]]) -> String {
            "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
                + rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined() + "</table>"
        }
        let title = "\(library) usage, \(day(report.since)) to \(day(report.until))" + (report.prompt.map { " — \($0)" } ?? "")
        var body = "<h1>\(escape(title))</h1>"
        body += "<p>\(report.totals.uses) uses (\(report.totals.renders) renders, \(report.totals.directUses) uses, \(report.totals.copies) copies), \(report.totals.exposures) exposures, \(report.totals.feedback) feedback.</p>"
        body += "<h2>Uses by \(report.grouping.rawValue)</h2>" + svgBars(report.breakdown.map { ($0.key, $0.uses) })
        if report.prompt == nil {
            body += "<h2>Top prompts</h2>" + svgBars(report.top.prefix(20).map { ($0.key, $0.uses) })
            body += table(["Prompt", "Uses", "Renders", "Uses (direct)", "Copies", "Feedback"],
                          report.top.map { [$0.key, "\($0.uses)", "\($0.renders)", "\($0.directUses)", "\($0.copies)", "\($0.feedback)"] })
        }
        body += "<h2>Versions</h2>" + table(["Prompt", "Version", "First used", "Uses", "Success rate", "Mean score", "Best"],
                                           report.versions.map { [$0.prompt, $0.version ?? String($0.blob.prefix(7)), day($0.firstUsed), "\($0.uses)",
                                                                  percent($0.successRate), score($0.meanScore), $0.best ? "best" : ""] })
        if !report.unused.isEmpty {
            body += "<h2>Unused in this period</h2><p>" + report.unused.map(escape).joined(separator: ", ") + "</p>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <style>body{font-family:system-ui,-apple-system,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:1em 0}
            th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}th{background:#f3f4f6}svg{display:block;margin:1em 0}</style>
            </head><body>\(body)</body></html>

            """
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
