import Foundation
import FolioKit

extension ExperimentRoutes {
    static var openAPI: OpenAPIPart {
        let prefix = API.prefix
        let variant = OpenAPIOperation.pathParameter("name", "The variant's name (branch `variant/NAME`).", example: "concise")
        let experiment = OpenAPIOperation.pathParameter("name", "The experiment's name.", example: "brevity")
        let team = OpenAPIOperation.query("team", "`true`: everyone's exposures as synced.", schema: Schema.enumeration(["true", "false"]))
        let made = { (text: String) in OpenAPIOperation.json(text, Schema.ref("ExperimentWritten")) }
        return OpenAPIPart(
            operations: [
                OpenAPIOperation(
                    method: .get, path: prefix + "/variants", operationID: "listVariants", tag: "experiments", summary: "List variants",
                    description: "As `folio variant list --json`.", role: .read,
                    responses: [200: OpenAPIOperation.json("The variants.", Schema.array(Schema.ref("VariantInfo")))],
                    errors: [503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/variants", operationID: "createVariant", tag: "experiments", summary: "Create a variant",
                    description: "Makes branch `variant/NAME` from `from` (default HEAD).", role: .write,
                    requestBody: Schema.ref("NewVariant"), requestExample: ["name": "concise"],
                    responses: [201: OpenAPIOperation.json("The variant.", Schema.ref("VariantInfo"),
                                                           headers: ["Location": OpenAPIOperation.header("The variant's URL.")],
                                                           links: ["DiffOfCreated": ["operationId": "variantDiff", "parameters": ["name": "$response.body#/name"]],
                                                                   "RemoveCreated": ["operationId": "removeVariant", "parameters": ["name": "$response.body#/name"]]])],
                    errors: [404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/variants/{name}/diff", operationID: "variantDiff", tag: "experiments", summary: "What a variant changed",
                    description: "As `folio variant diff --json`: each prompt the variant changed against its base.", role: .read,
                    parameters: [variant, OpenAPIOperation.query("prompt", "Only this prompt.", schema: PromptRoutes.idSchema)],
                    responses: [200: OpenAPIOperation.json("The diffs.", Schema.array(Schema.ref("PromptDiff")))],
                    errors: [400: ["bad_query"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .delete, path: prefix + "/variants/{name}", operationID: "removeVariant", tag: "experiments", summary: "Remove a variant",
                    role: .write,
                    parameters: [variant, OpenAPIOperation.query("force", "`true`: even when an experiment not closed names it.", schema: Schema.enumeration(["true", "false"]))],
                    responses: [200: OpenAPIOperation.json("What was removed.", Schema.ref("RemovedVariant"))],
                    errors: [400: ["bad_query"], 404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/experiments", operationID: "listExperiments", tag: "experiments", summary: "List experiments",
                    description: "As `folio ab list --json`.", role: .read, parameters: [team],
                    responses: [200: OpenAPIOperation.json("The experiments.", Schema.array(Schema.ref("ExperimentSummary")))],
                    errors: [400: ["bad_query"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/experiments", operationID: "createExperiment", tag: "experiments", summary: "Create an experiment",
                    description: "One commit writing `experiments/NAME.yaml`. A variant is a variant's name or a branch; weights sum to 100 (default even).",
                    role: .write, requestBody: Schema.ref("NewExperiment"),
                    requestExample: ["name": "brevity", "prompt": "code-review", "variants": ["main", "concise"]],
                    responses: [201: OpenAPIOperation.json("The experiment and its commit.", Schema.ref("ExperimentWritten"),
                                                           headers: ["Location": OpenAPIOperation.header("The experiment's URL.")],
                                                           links: [
                                                               "ReportOfCreated": ["operationId": "experimentReport", "parameters": ["name": "$response.body#/experiment/name"]],
                                                               "AssignCreated": ["operationId": "assignExperiment", "parameters": ["name": "$response.body#/experiment/name"]],
                                                               "StopCreated": ["operationId": "stopExperiment", "parameters": ["name": "$response.body#/experiment/name"]],
                                                           ])],
                    errors: [404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/experiments/{name}/assign", operationID: "assignExperiment", tag: "experiments",
                    summary: "Assign a subject a variant, rendered",
                    description: "Always the same variant for the same subject; records an exposure (source `api`) whose `event_id` feedback rates. A stopped experiment renders its first variant, a closed one the prompt as on the current branch.",
                    role: .read, parameters: [experiment], requestBody: Schema.ref("Assign"), requestExample: ["subject": "user-42"],
                    responses: [200: OpenAPIOperation.json("The assignment.", Schema.ref("Assignment"))],
                    errors: [404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .get, path: prefix + "/experiments/{name}/report", operationID: "experimentReport", tag: "experiments", summary: "An experiment's report",
                    description: "As `folio ab report --json`.", role: .read, parameters: [experiment, team],
                    responses: [200: OpenAPIOperation.json("The report.", Schema.ref("ExperimentReport"))],
                    errors: [400: ["bad_query"], 404: ["not_found"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/experiments/{name}/stop", operationID: "stopExperiment", tag: "experiments", summary: "Stop an experiment",
                    description: "No more assignment; renders get the first variant.", role: .write,
                    parameters: [experiment], requestBody: Schema.ref("CommitMessage"), requestBodyRequired: false,
                    responses: [200: made("The experiment and its commit.")],
                    errors: [404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
                OpenAPIOperation(
                    method: .post, path: prefix + "/experiments/{name}/promote", operationID: "promoteExperiment", tag: "experiments", summary: "Promote a variant",
                    description: "The variant's version of the prompt committed on the current branch, the experiment closed (one commit).", role: .write,
                    parameters: [experiment], requestBody: Schema.ref("Promote"), requestExample: ["variant": "concise"],
                    responses: [200: made("The experiment and its commit.")],
                    errors: [404: ["not_found"], 409: ["conflict"], 422: ["invalid_input"], 503: ["git"]]),
            ],
            schemas: [
                "VariantInfo": Schema.object([
                    "name": Schema.string, "branch": Schema.string, "tip": Schema.string, "base": Schema.string,
                    "changed": Schema.described(Schema.strings, "Prompt ids the variant changed."),
                ], required: ["name", "branch", "tip", "base", "changed"], description: "As `folio variant list --json` prints it."),
                "RemovedVariant": Schema.object([
                    "name": Schema.string, "branch": Schema.string,
                    "tip": Schema.string("Bring it back with `folio variant create NAME --from TIP`."),
                    "experiments": Schema.described(Schema.strings, "Experiments still naming it, when forced."),
                ], required: ["name", "branch", "tip", "experiments"]),
                "Experiment": Schema.object([
                    "name": Schema.string, "prompt": Schema.string,
                    "arms": Schema.array(Schema.object(["name": Schema.string, "weight": Schema.integer], required: ["name", "weight"])),
                    "metric": Schema.enumeration(Experiment.Metric.allCases.map(\.rawValue)),
                    "status": Schema.enumeration(["running", "stopped", "closed"]),
                    "start": Schema.dateTime, "end": Schema.dateTime, "winner": Schema.string,
                ], required: ["name", "prompt", "arms", "metric", "status", "start"]),
                "ExperimentSummary": Schema.object([
                    "name": Schema.string, "prompt": Schema.string,
                    "metric": Schema.enumeration(Experiment.Metric.allCases.map(\.rawValue)),
                    "status": Schema.enumeration(["running", "stopped", "closed"]),
                    "start": Schema.dateTime, "end": Schema.dateTime, "winner": Schema.string,
                    "variants": Schema.array(Schema.object(["name": Schema.string, "weight": Schema.integer, "exposures": Schema.integer],
                                                           required: ["name", "weight", "exposures"])),
                    "exposures": Schema.integer, "problems": Schema.strings,
                ], required: ["name", "prompt", "metric", "status", "start", "variants", "exposures", "problems"],
                   description: "As `folio ab list --json` prints it."),
                "ExperimentReport": Schema.object([
                    "experiment": Schema.string, "prompt": Schema.string,
                    "metric": Schema.enumeration(Experiment.Metric.allCases.map(\.rawValue)),
                    "status": Schema.enumeration(["running", "stopped", "closed"]),
                    "arms": Schema.array(Schema.object([
                        "variant": Schema.string, "weight": Schema.integer, "exposures": Schema.integer,
                        "successes": Schema.integer, "failures": Schema.integer, "success_rate": Schema.number,
                        "success_interval": Schema.described(Schema.array(Schema.number), "`[low, high]`."),
                        "scores": Schema.integer, "mean_score": Schema.number,
                        "score_interval": Schema.described(Schema.array(Schema.number), "`[low, high]`."),
                    ], required: ["variant", "weight", "exposures", "successes", "failures", "scores"])),
                    "comparisons": Schema.array(Schema.object([
                        "variant": Schema.string, "against": Schema.string, "statistic": Schema.number, "p": Schema.number, "test": Schema.string,
                    ], required: ["variant", "against", "statistic", "p", "test"])),
                    "verdict": Schema.string, "problems": Schema.strings,
                ], required: ["experiment", "prompt", "metric", "status", "arms", "comparisons", "verdict", "problems"],
                   description: "As `folio ab report --json` prints it."),
                "Assignment": Schema.object([
                    "experiment": Schema.string, "subject": Schema.string,
                    "status": Schema.enumeration(["running", "stopped", "closed"]), "variant": Schema.string,
                    "event_id": Schema.string("The exposure (or render) recorded: what feedback rates."),
                    "id": Schema.string("The prompt."), "text": Schema.string,
                    "variables": Schema.described(Schema.anyObject, "The values used, by name."),
                    "includes": Schema.strings, "estimated_tokens": Schema.integer,
                ], required: ["experiment", "subject", "status", "variant", "event_id", "id", "text", "variables", "includes", "estimated_tokens"]),
                "ExperimentWritten": Schema.object([
                    "experiment": Schema.ref("Experiment"), "commit": Schema.string, "message": Schema.string, "warnings": Schema.strings,
                ], required: ["experiment", "message", "warnings"]),
                "NewVariant": Schema.object(["name": Schema.string, "from": Schema.string("Default HEAD.")], required: ["name"]),
                "NewExperiment": Schema.object([
                    "name": Schema.string, "prompt": Schema.described(PromptRoutes.idSchema, "The prompt's id."),
                    "variants": Schema.described(Schema.strings, "Variant names (`concise`) or branches (`main`)."),
                    "weights": Schema.described(Schema.array(Schema.integer), "Percentages summing to 100, one per variant."),
                    "metric": Schema.enumeration(Experiment.Metric.allCases.map(\.rawValue)),
                    "message": OpenAPIOperation.message,
                ], required: ["name", "prompt", "variants"]),
                "Assign": Schema.object([
                    "subject": Schema.string("A stable key for whom the prompt is (a user or session id)."),
                    "variables": Schema.described(Schema.anyObject, "Values by variable name."),
                    "allow_extra": Schema.boolean,
                ], required: ["subject"]),
                "CommitMessage": Schema.object(["message": OpenAPIOperation.message], required: []),
                "Promote": Schema.object(["variant": Schema.string, "message": OpenAPIOperation.message], required: ["variant"]),
            ],
            tags: ["experiments": "Variants (branches `variant/NAME`) and A/B experiments between them."])
    }
}
