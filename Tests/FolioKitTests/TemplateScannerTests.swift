import Testing
@testable import FolioKit

@Suite struct TemplateScannerTests {
    @Test func findsVariablesSectionsAndIncludesWithPositions() {
        let scan = TemplateScanner.scan("Hi {{name}}!\n{{#items}}- {{title}}\n{{/items}}{{> shared/tone}}{{{raw}}}{{& amp}}{{! note }}")
        #expect(scan.errors.isEmpty)
        #expect(scan.tags.map(\.kind) == [.variable, .section, .variable, .close, .partial, .variable, .variable, .comment])
        #expect(scan.tags[0].line == 1 && scan.tags[0].column == 4)
        #expect(scan.tags[2].line == 2 && scan.tags[2].enclosingSections == ["items"])
        #expect(scan.includes == ["shared/tone"])
        #expect(scan.topLevelNames == ["name", "items", "raw", "amp"])
    }

    @Test func dottedNamesReadTheirFirstSegment() {
        #expect(TemplateScanner.scan("{{user.name}} {{user.email}}").topLevelNames == ["user"])
    }

    @Test func honoursDelimiterChanges() {
        let scan = TemplateScanner.scan("{{=<% %>=}}literal {{braces}} and <% name %>")
        #expect(scan.errors.isEmpty)
        #expect(scan.topLevelNames == ["name"])
    }

    @Test(arguments: [
        ("text {{name", "1:6: unclosed tag '{{': add '}}'"),
        ("{{#a}}x", "1:1: section 'a' is never closed: add {{/a}}"),
        ("{{#a}}{{#b}}{{/a}}{{/b}}", "1:13: {{/a}} does not match {{#b}} opened at line 1; close 'b' first"),
        ("x\n  {{/a}}", "2:3: {{/a}} closes a section that was never opened"),
        ("{{ }}", "1:1: empty tag: put a name between the braces"),
        ("é {{x", "1:3: unclosed tag '{{'"),
    ])
    func reportsSyntaxErrorsWithLineAndColumn(_ template: String, _ expected: String) {
        let first = TemplateScanner.scan(template).errors.first?.description ?? "no error"
        #expect(first.hasPrefix(expected), "\(first)")
    }
}
