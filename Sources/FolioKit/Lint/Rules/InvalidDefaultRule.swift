/// A default must be a value of the variable's type (and one of its values, for an enum).
struct InvalidDefaultRule: LintRule {
    static let info = LintRuleInfo(
        id: "invalid-default", name: "Invalid default",
        description: "A variable's default must be of its declared type, and for an enum one of its `values`; otherwise rendering without the variable fails.",
        severity: .error,
        triggering: [
            LintExample("---\nvariables:\n- name: n\n  type: number\n  default: ↓many\n---\n{{n}}\n"),
            LintExample("---\nvariables:\n- name: level\n  type: enum\n  values: [low, high]\n  default: ↓medium\n---\n{{level}}\n"),
        ],
        nonTriggering: [LintExample("---\nvariables:\n- name: n\n  type: number\n  default: 3\n---\n{{n}}\n")])

    func check(_ file: LintFile, _ context: LintContext, _ report: inout FindingCollector) {
        for variable in file.prompt?.variables ?? [] {
            guard let value = variable.defaultValue else { continue }
            do {
                _ = try VariableBinding(declared: [variable]).convert(.value(value), to: variable)
            } catch let error as FolioError {
                let node = file.variableNode(variable.name)?["default"]
                report.add("the default of '\(variable.name)' is invalid: \(error.message.replacingOccurrences(of: "variable '\(variable.name)' expects", with: "it should be"))",
                           line: node.map { file.fileLine($0.mark) } ?? 1, column: node?.mark.column ?? 1)
            } catch {}
        }
    }
}
