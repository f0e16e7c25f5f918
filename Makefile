# folio: the two commands a newcomer needs, and a few more.
.PHONY: demo test build release bench resources docs

# Install what is missing, build, and run folio on a demo library made from templates/.
demo:
	scripts/install-deps
	scripts/demo

# Install what is missing and run the whole test suite.
test:
	scripts/install-deps
	swift build --build-tests
	swift test --skip-build

build:
	swift build

release:
	swift build -c release --product folio --static-swift-stdlib

# Benchmarks on a release build; figures go to docs/performance.md.
bench: release
	scripts/bench/foundation

# Regenerate the embedded starter templates and hooks after editing templates/ or hooks/.
resources:
	scripts/embed-resources

# Regenerate docs/lint-rules.md from the rules' descriptions and examples.
docs: build
	.build/debug/folio lint --rules-doc > docs/lint-rules.md.tmp && mv docs/lint-rules.md.tmp docs/lint-rules.md
