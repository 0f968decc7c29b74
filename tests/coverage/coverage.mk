# SPDX-License-Identifier: Apache-2.0
# make coverage: line coverage (gcov) of the library layers, the POSIX port
# and the CLI, from one run of the unit tests, the end-to-end suite and the
# hostile-server suite against an instrumented build in $(BUILD)/coverage.
# Included by the top Makefile (after all its variables and rules), so its
# variables apply. Needs gcc and its gcov (not clang); Python 3 stdlib.
#
#   make coverage                      build, run the suites, print the table,
#                                      write $(BUILD)/coverage/coverage.md
#   make coverage COVERAGE_ENFORCE=0   report only: never fail
#   make coverage-report               the table again from the last run's counters
#   make coverage-report COVERAGE_SHOW=port/posix     ... and the uncovered source
#                                      lines of the files under that path (file or folder)
#
# It fails (after the report) if a library layer is below COVERAGE_LIB_MIN
# percent of its lines, the CLI below COVERAGE_CLI_MIN, a layer's source was
# not built, or a test failed; COVERAGE_ENFORCE=0 makes all of that advisory.

COVERAGE_BUILD = $(BUILD)/coverage
COVERAGE_OUT = $(COVERAGE_BUILD)
COVERAGE_CFLAGS = -O0 -g --coverage -fprofile-update=prefer-atomic
COVERAGE_ENFORCE ?= 1
COVERAGE_LIB_MIN ?= 90
COVERAGE_CLI_MIN ?= 80
COVERAGE_TOP ?= 8
COVERAGE_SHOW ?=
GCOV ?= $(CROSS_COMPILE)gcov
# The layers and their thresholds (a layer is every source file under it).
COVERAGE_LAYERS = $(foreach d,src/net src/http src/json src/auth src/sms port/$(PORT),--layer $(d)=$(COVERAGE_LIB_MIN)) \
                  --layer src/cli=$(COVERAGE_CLI_MIN)
# What the instrumented build must contain, named as in this Makefile.
COVERAGE_BINARIES = $(patsubst $(BUILD)/%,$(COVERAGE_BUILD)/%,$(UNIT_TESTS) $(PORT_TESTS) $(CLI))
COVERAGE_UNIT = $(patsubst $(BUILD)/%,$(COVERAGE_BUILD)/%,$(UNIT_TESTS) $(PORT_TESTS))
COVERAGE_REPORT = $(PYTHON) tests/coverage/coverage_report.py --objdir $(COVERAGE_BUILD)/obj \
  --gcov "$(GCOV)" $(COVERAGE_LAYERS) --top $(COVERAGE_TOP) $(addprefix --show ,$(COVERAGE_SHOW)) --enforce $(COVERAGE_ENFORCE) \
  --tests-rc-file $(COVERAGE_OUT)/tests.rc \
  --markdown $(COVERAGE_OUT)/coverage.md --json $(COVERAGE_OUT)/coverage.json \
  $(patsubst ./%,%,$(HCSMS_CLIENT_SOURCES) $(HCSMS_PORT_SOURCES) $(HCSMS_CLI_SOURCES))

.PHONY: coverage coverage-report

# Counters start from zero on every run (the .gcda files are deleted after
# the build, before the first test); the unit tests, the port's test and the
# CLI link the same objects in $(COVERAGE_BUILD)/obj, so their counts add up.
# The suites' output goes to $(COVERAGE_OUT)/tests.log; the console gets the
# suite headers, failures and counts.
coverage:
	$(MAKE) BUILD=$(COVERAGE_BUILD) CFLAGS="$(COVERAGE_CFLAGS)" LDFLAGS=--coverage $(COVERAGE_BINARIES)
	@find $(COVERAGE_BUILD) -name '*.gcda' -exec rm -f {} +
	@mkdir -p $(COVERAGE_OUT)
	@echo "== coverage: unit, e2e and hostile suites against $(COVERAGE_BUILD)/hcsms (log: $(COVERAGE_OUT)/tests.log)"
	@start=$$(date +%s); \
	HCSMS_BIN=$(COVERAGE_BUILD)/hcsms HCSMS_WRAPPER="$(RUN_WRAPPER)" TEST_WRAPPER="$(RUN_WRAPPER)" \
	  sh tests/run_tests.sh --unit $(COVERAGE_UNIT) --e2e --hostile >$(COVERAGE_OUT)/tests.log 2>&1; \
	rc=$$?; \
	grep -E '^(== |FAIL|\[  FAILED  \]|[a-z0-9]+: [0-9]+ passed|[0-9]+ passed, [0-9]+ failed)' $(COVERAGE_OUT)/tests.log; \
	echo "== coverage: suites took $$(( $$(date +%s) - start ))s, exit $$rc"; \
	echo $$rc >$(COVERAGE_OUT)/tests.rc
	@$(COVERAGE_REPORT)

# The report again from the counters left in $(COVERAGE_BUILD)/obj.
coverage-report:
	@$(COVERAGE_REPORT)
