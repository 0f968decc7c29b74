# SPDX-License-Identifier: Apache-2.0
# make bench: the hcsms command against a libcurl program making the same
# unlock call (tests/bench/curl_unlock.c), both against nginx on 127.0.0.1.
# It measures and prints; it never fails on the numbers, and it is not part
# of make test. Included by the top Makefile, so its variables apply.
#
#   make bench-build   build what is measured (CI builds this)
#   make bench         build, run tests/bench/run_bench.py, print the tables and
#                      write them to docs/benchmark.md (committed; the default
#                      build only) and, with the profiles, to $(BUILD)/bench/results.md
#   make bench BENCH_ARGS="--runs 3 --tasks 500"    fewer or more runs
#   make bench BENCH_ARGS="--chains rsa --tls 1.3 --no-default"   some rows only
#                      (a partial run writes $(BUILD)/bench/results.md only)

BENCH = $(BUILD)/bench
BENCH_ARGS ?=
STRIP ?= $(CROSS_COMPILE)strip
# Debian's libcurl4-openssl-dev has a pkg-config file; -lcurl is its answer.
BENCH_CURL_CFLAGS = $(shell pkg-config --cflags libcurl 2>/dev/null)
BENCH_CURL_LIBS = $(shell pkg-config --libs libcurl 2>/dev/null || echo -lcurl)
# What the mbedTLS measured was built with (its BUILDINFO: read when the
# recipe runs, after it was built).
BENCH_COMMA = ,
BENCH_EVEREST_CFLAGS = $(shell sed -n 's/^everest cflags: //p' $(MBEDTLS_DIR)/BUILDINFO 2>/dev/null)
BENCH_MBEDTLS_BUILD = MBEDTLS=$(MBEDTLS)$(if $(filter 3.6,$(MBEDTLS)), (scripts/build-mbedtls.sh, CFLAGS=-O2$(if $(BENCH_EVEREST_CFLAGS),$(BENCH_COMMA) Everest's Hacl_Curve25519 $(BENCH_EVEREST_CFLAGS)))), \
  configuration: $(or $(MBEDTLS_CONFIG),mbedTLS's default (include/mbedtls/mbedtls_config.h)$(if $(MBEDTLS_USER_CONFIG), plus $(MBEDTLS_USER_CONFIG)))
# The committed report is the default build's (pinned 3.6, its default
# configuration, native); other builds write $(BENCH)/results.md only.
BENCH_DOC = $(if $(filter 3.6,$(MBEDTLS)),$(if $(MBEDTLS_CONFIG)$(CROSS_COMPILE),,docs/benchmark.md))
BENCH_BINARIES = $(BENCH)/hcsms $(BENCH)/hcsms-stripped $(BENCH)/hcsms-static \
                 $(BENCH)/curl_unlock $(BENCH)/curl_unlock-stripped

.PHONY: bench bench-build

bench-build: $(BENCH_BINARIES)

# The hcsms that is run: mbedTLS linked in statically, as an appliance
# would ship it; libc shared like the curl program's, so that valgrind can
# see every malloc. Not stripped: the profile needs the symbols.
$(BENCH)/hcsms: $(CLI_OBJECTS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CLI_OBJECTS) $(LIB) \
	  -Wl,-Bstatic $(MBEDTLS_LIBS) -Wl,-Bdynamic

# For the size only: everything static (glibc too), stripped. The linker
# warns that static getaddrinfo still loads NSS modules at run time; the
# size is what this binary is for.
$(BENCH)/hcsms-static: $(CLI_OBJECTS) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -static -o $@ $(CLI_OBJECTS) $(LIB) $(MBEDTLS_LIBS)
	$(STRIP) $@

$(BUILD)/obj/tests/bench/curl_unlock.o: tests/bench/curl_unlock.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(BENCH_CURL_CFLAGS) -c $< -o $@

$(BENCH)/curl_unlock: $(BUILD)/obj/tests/bench/curl_unlock.o
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BENCH_CURL_LIBS)

# Sizes are compared stripped, the measured binaries keep their symbols.
$(BENCH)/%-stripped: $(BENCH)/%
	$(STRIP) -o $@ $<

bench: bench-build
	$(PYTHON) tests/bench/run_bench.py --dir $(BENCH) --hcsms $(BENCH)/hcsms \
	  --curl $(BENCH)/curl_unlock --hcsms-objects "$(LIB) $(CLI_OBJECTS)" \
	  --mbedtls-libs "$(if $(MBEDTLS_LIBDIR),$(wildcard $(MBEDTLS_LIBDIR)/libmbed*.a))" \
	  --cc "$(CC)" --mbedtls-build "$(BENCH_MBEDTLS_BUILD)" --doc "$(BENCH_DOC)" $(BENCH_ARGS)
