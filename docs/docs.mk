# SPDX-License-Identifier: Apache-2.0
# make docs: the API reference, Doxygen over the public headers (include/),
# into $(BUILD)/docs/html. Any Doxygen warning (an undocumented function,
# field or parameter, a @param naming no parameter, a bad command) fails it,
# and the warnings are printed (also kept in $(BUILD)/docs/warnings.log).
#
#   make docs                        included by the Makefile
#   make -f docs/docs.mk docs        standalone, from the source tree's root
#
# Honoured: BUILD (default build), DOXYGEN (default doxygen, 1.9 or later).

BUILD ?= build
DOXYGEN ?= doxygen

ifeq ($(strip $(BUILD)),)
$(error BUILD is empty: make docs writes to $$(BUILD)/docs)
endif
DOCS_DIR = $(BUILD)/docs
DOCS_WARNINGS = $(DOCS_DIR)/warnings.log
DOCS_VERSION := $(shell sed -n 's/^\#define HCSMS_VERSION "\(.*\)"/\1/p' include/hcsms.h)

.PHONY: docs
# Regenerated every time (a second or two): a removed symbol never lingers
# in the output and a warning is never hidden by an up-to-date target.
docs:
	@rm -rf $(DOCS_DIR)
	@mkdir -p $(DOCS_DIR)
	@( cat docs/Doxyfile; \
	  echo 'OUTPUT_DIRECTORY = $(DOCS_DIR)'; \
	  echo 'PROJECT_NUMBER = $(DOCS_VERSION)'; \
	  echo 'WARN_LOGFILE = $(DOCS_WARNINGS)' ) | $(DOXYGEN) - ; \
	status=$$?; \
	if [ -s $(DOCS_WARNINGS) ]; then cat $(DOCS_WARNINGS) >&2; fi; \
	if [ $$status -ne 0 ] || [ -s $(DOCS_WARNINGS) ]; then \
	  echo "docs: Doxygen warnings (status $$status): fix the comments above" >&2; exit 1; \
	fi; \
	echo "docs: $(DOCS_DIR)/html/index.html, no warnings"
