# SPDX-License-Identifier: Apache-2.0
# hcsms: build the library, the hcsms command and the tests, out of tree.
#
#   make                      library (build/libhcsms.a) and build/hcsms
#   make test                 unit tests + end-to-end tests; ends "N passed, N failed"
#   make demo                 unlock against the bundled local endpoint
#   make MBEDTLS=system       against the system's mbedTLS (2.28), in build/system
#   make CROSS_COMPILE=aarch64-linux-gnu-        cross build (also arm-linux-gnueabihf-)
#   make MBEDTLS=system MBEDTLS_INCLUDE=/opt/mbedtls/include MBEDTLS_LIBDIR=/opt/mbedtls/lib
#
# Honoured: CC AR CFLAGS LDFLAGS CROSS_COMPILE PORT BUILD MBEDTLS MBEDTLS_CONFIG MBEDTLS_INCLUDE
# MBEDTLS_LIBDIR MBEDTLS_LIBS JSMN_INCLUDE EXTRA_CFLAGS.

CROSS_COMPILE ?=
ifeq ($(origin CC),default)
CC = $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR = $(CROSS_COMPILE)ar
endif

PORT ?= posix
# MBEDTLS=3.6 (the default): a pinned mbedTLS 3.6 LTS built once from Debian's
# source package (scripts/build-mbedtls.sh) into its own folder under build/.
# MBEDTLS=system: the system's mbedTLS (Debian 12: 2.28, end of life: no
# TLS 1.3, no IP addresses in certificates), built into build/system.
MBEDTLS ?= 3.6
ifeq ($(filter 3.6 system,$(MBEDTLS)),)
$(error MBEDTLS=$(MBEDTLS): use 3.6 (the default) or system)
endif
# A cross build goes to its own folder (mbedTLS too, built with the cross
# compiler); its tests run under qemu-user, the e2e servers on the host.
CROSS_DIR = $(if $(CROSS_COMPILE),/$(patsubst %-,%,$(CROSS_COMPILE)))
ifeq ($(MBEDTLS),3.6)
ifneq ($(filter command line environment,$(origin MBEDTLS_INCLUDE) $(origin MBEDTLS_LIBDIR)),)
$(error MBEDTLS_INCLUDE/MBEDTLS_LIBDIR name your own mbedTLS: add MBEDTLS=system (the default builds the pinned 3.6))
endif
# MBEDTLS_CONFIG=FILE: a whole mbedTLS configuration replacing the default
# (e.g. configs/mbedtls-hcsms.h); mbedTLS and hcsms are both built with it.
MBEDTLS_CONFIG ?=
MBEDTLS_FLAVOUR = $(if $(MBEDTLS_CONFIG),-$(basename $(notdir $(MBEDTLS_CONFIG))))
BUILD ?= build$(CROSS_DIR)$(if $(MBEDTLS_CONFIG),/mbedtls-3.6$(MBEDTLS_FLAVOUR))
# clang builds (make CC=clang, asan, fuzz) get their own copy: sharing one
# would rebuild it at every switch of compiler (the stamp names the compiler).
MBEDTLS_COMPILER = $(if $(filter clang%,$(notdir $(firstword $(CC)))),-clang)
MBEDTLS_DIR ?= build$(CROSS_DIR)/mbedtls-3.6-lib$(MBEDTLS_FLAVOUR)$(MBEDTLS_COMPILER)
MBEDTLS_INCLUDE = $(MBEDTLS_DIR)/include
MBEDTLS_LIBDIR = $(MBEDTLS_DIR)/lib
MBEDTLS_STAMP = $(MBEDTLS_DIR)/lib/libmbedcrypto.a
# Without MBEDTLS_CONFIG: mbedTLS's stock configuration plus
# configs/mbedtls-default-user.h (Everest's X25519), applied after it.
MBEDTLS_USER_CONFIG = $(if $(MBEDTLS_CONFIG),,configs/mbedtls-default-user.h)
MBEDTLS_CFLAGS = $(if $(MBEDTLS_CONFIG),-DMBEDTLS_CONFIG_FILE='"$(abspath $(MBEDTLS_CONFIG))"',-DMBEDTLS_USER_CONFIG_FILE='"$(abspath $(MBEDTLS_USER_CONFIG))"')
else
BUILD ?= build$(CROSS_DIR)/system
endif
ifeq ($(CROSS_COMPILE),arm-linux-gnueabihf-)
# The loader of the cross toolchain's libc with that same libc: with the
# multiarch libc6:armhf found through ld.so.cache instead, the two differ
# by a Debian revision and pthread_create crashes (the resolver's thread).
RUN_WRAPPER ?= qemu-arm -L /usr/arm-linux-gnueabihf -E LD_LIBRARY_PATH=/usr/arm-linux-gnueabihf/lib
endif
ifeq ($(CROSS_COMPILE),aarch64-linux-gnu-)
RUN_WRAPPER ?= qemu-aarch64 -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib
endif
BUILD ?= build
RUN_WRAPPER ?=
PYTHON ?= python3

MBEDTLS_INCLUDE ?=
MBEDTLS_LIBDIR ?=
MBEDTLS_LIBS ?= -lmbedtls -lmbedx509 -lmbedcrypto
JSMN_INCLUDE ?=

CFLAGS ?= -O2 -g
# valgrind 3.19 (Debian 12) cannot read the DWARF 5 that clang 14 writes ("Possibly
# corrupted debuginfo file"), and a unit test runs under valgrind
# (tests/unit/test_constant_flow.c): with clang, debug information is DWARF 4.
DWARF_FOR_VALGRIND = $(if $(filter clang%,$(notdir $(firstword $(CC)))),$(if $(filter -g -g1 -g2 -g3,$(CFLAGS) $(EXTRA_CFLAGS)),-gdwarf-4))
WARNINGS = -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wundef
ALL_CFLAGS = -std=c99 $(WARNINGS) $(CFLAGS) $(EXTRA_CFLAGS) $(DWARF_FOR_VALGRIND) $(MBEDTLS_CFLAGS) -Iinclude \
             $(if $(MBEDTLS_INCLUDE),-isystem $(MBEDTLS_INCLUDE)) $(if $(JSMN_INCLUDE),-I$(JSMN_INCLUDE)) \
             -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(if $(MBEDTLS_LIBDIR),-L$(MBEDTLS_LIBDIR))

HCSMS_DIR = .
HCSMS_PORT = $(PORT)
include hcsms.mk

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(patsubst ./%,%,$(1)))

LIB = $(BUILD)/libhcsms.a
CLI = $(BUILD)/hcsms
LIB_OBJECTS = $(call obj,$(HCSMS_SOURCES))
CORE_OBJECTS = $(call obj,$(HCSMS_CLIENT_SOURCES))
CLI_OBJECTS = $(call obj,$(HCSMS_CLI_SOURCES))

UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(filter-out tests/unit/test_port_%.c,$(wildcard tests/unit/test_*.c)))
# The port's own tests: test_port_$(PORT).c or test_port_$(PORT)_*.c (one
# binary each), with what they share in tests/unit/port_$(PORT)_*.c.
PORT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_port_$(PORT).c tests/unit/test_port_$(PORT)_*.c))
PORT_TEST_SUPPORT_OBJECTS = $(call obj,$(wildcard tests/unit/port_$(PORT)_*.c))
FAKE_PORT_OBJECT = $(BUILD)/obj/tests/unit/fake_port.o
# The in-process TLS peer: its set-up (tls_peer.c) and its step runner.
TEST_SUPPORT_OBJECTS = $(FAKE_PORT_OBJECT) $(BUILD)/obj/tests/unit/tls_peer.o \
                       $(BUILD)/obj/tests/unit/tls_peer_run.o

.SECONDARY:
.PHONY: all lib cli unit e2e interop test demo valgrind check-alloc check-spdx check-lists check-private check-man install uninstall dist distcheck consumer-test docs setup clean asan fuzz fuzz-build fuzz-binaries lint cppcheck tidy ram hostile firmware firmware-e2e firmware-report firmware-cmake size size-recommended lwip-port-test lint-lwip

all: lib cli

lib: $(LIB)
cli: $(CLI)

ifdef MBEDTLS_STAMP
# mbedTLS at its own default, -O2, but with gcc on the build machine itself
# Everest's X25519 arithmetic at -O3: half the instructions of a scalar
# multiplication, three of which a TLS 1.2 handshake makes and two a TLS 1.3
# one (docs/crypto-choices.md, "Everest at -O3"); clang's -O2 is as fast as
# that already. Only where tests/unit/test_constant_flow.c checks the result
# under valgrind: not in cross builds (their tests run under qemu-user). The
# Cortex-M images (tests/firmware) keep -Os, as -O3 triples that code's flash.
MBEDTLS_EVEREST_CFLAGS ?= $(if $(CROSS_COMPILE)$(MBEDTLS_COMPILER),,-O3)
# The value, kept in a file written (when make reads this) only if the value
# changed, so that another value rebuilds mbedTLS.
MBEDTLS_EVEREST_VALUE = $(MBEDTLS_DIR)/everest-cflags.value
$(shell mkdir -p $(MBEDTLS_DIR) && { [ -f $(MBEDTLS_EVEREST_VALUE) ] && \
  [ "$$(cat $(MBEDTLS_EVEREST_VALUE))" = "$(MBEDTLS_EVEREST_CFLAGS)" ] || \
  printf '%s\n' "$(MBEDTLS_EVEREST_CFLAGS)" >$(MBEDTLS_EVEREST_VALUE); })
$(MBEDTLS_STAMP): $(MBEDTLS_CONFIG) $(MBEDTLS_USER_CONFIG) scripts/build-mbedtls.sh $(wildcard configs/psa-driver/*) \
                  $(MBEDTLS_EVEREST_VALUE)
	CFLAGS=-O2 MBEDTLS_EVEREST_CFLAGS="$(MBEDTLS_EVEREST_CFLAGS)" \
	  MBEDTLS_CONFIG_FILE=$(MBEDTLS_CONFIG) MBEDTLS_USER_CONFIG_FILE=$(MBEDTLS_USER_CONFIG) \
	  bash scripts/build-mbedtls.sh $(MBEDTLS_DIR) $(CC)
	@touch $@
endif

$(BUILD)/obj/%.o: %.c $(MBEDTLS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJECTS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(CLI): $(CLI_OBJECTS) $(LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CLI_OBJECTS) $(LIB) $(MBEDTLS_LIBS)

# Unit tests link the core with a fake port instead of port/$(PORT).
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(CORE_OBJECTS) $(TEST_SUPPORT_OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS) -lcmocka

# The X25519 driver's test counts the driver's calls, mbedTLS's included.
$(BUILD)/tests/test_x25519_driver: ALL_LDFLAGS += -Wl,--wrap=hcsms_x25519_transparent_export_public_key
# Everest's own header of its scalar multiplication, as mbedTLS installs it
# (build-mbedtls.sh) with the folders it includes from.
$(BUILD)/obj/tests/unit/test_constant_flow.o: ALL_CFLAGS += $(if $(MBEDTLS_INCLUDE),-isystem $(MBEDTLS_INCLUDE)/everest -isystem $(MBEDTLS_INCLUDE)/everest/kremlib)

# The CLI's rooms (all of src/cli but main.c) with the core and the fake
# port: the CLI calls the public API only, so nothing reaches the network.
CLI_ROOM_OBJECTS = $(filter-out %/src/cli/main.o,$(CLI_OBJECTS))
CLI_UNIT_TESTS = $(filter $(BUILD)/tests/test_cli_%,$(UNIT_TESTS))
$(CLI_UNIT_TESTS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/obj/tests/unit/cli_capture.o \
                   $(CLI_ROOM_OBJECTS) $(CORE_OBJECTS) $(TEST_SUPPORT_OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS) -lcmocka

# Test groups split over several files share their set-up and checks: the
# test_json_* binaries json_checks.c, the test_input_* ones input_checks.c.
JSON_UNIT_TESTS = $(filter $(BUILD)/tests/test_json_%,$(UNIT_TESTS))
$(JSON_UNIT_TESTS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/obj/tests/unit/json_checks.o \
                    $(CORE_OBJECTS) $(TEST_SUPPORT_OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS) -lcmocka
INPUT_UNIT_TESTS = $(filter $(BUILD)/tests/test_input_%,$(UNIT_TESTS))
$(INPUT_UNIT_TESTS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/obj/tests/unit/input_checks.o \
                     $(CORE_OBJECTS) $(TEST_SUPPORT_OBJECTS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(MBEDTLS_LIBS) -lcmocka

# The port's own tests run against the real port, on real sockets; the
# system calls it wraps (PORT_TEST_WRAPS) can be made to fail on demand.
PORT_TEST_WRAPS ?= -Wl,--wrap=getrandom,--wrap=open,--wrap=read,--wrap=close,--wrap=clock_gettime,--wrap=nanosleep,--wrap=poll,--wrap=socket,--wrap=fcntl,--wrap=connect,--wrap=send,--wrap=recv,--wrap=getaddrinfo,--wrap=pthread_create,--wrap=pthread_condattr_init,--wrap=pthread_condattr_setclock
$(BUILD)/tests/test_port_%: $(BUILD)/obj/tests/unit/test_port_%.o $(PORT_TEST_SUPPORT_OBJECTS) \
                           $(call obj,$(HCSMS_PORT_SOURCES))
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PORT_TEST_WRAPS) -lcmocka -lpthread

unit: $(UNIT_TESTS) $(PORT_TESTS)
	@TEST_WRAPPER="$(RUN_WRAPPER)" sh tests/run_tests.sh --unit $(UNIT_TESTS) $(PORT_TESTS)

e2e: $(CLI)
	@HCSMS_BIN=$(CLI) HCSMS_WRAPPER="$(RUN_WRAPPER)" sh tests/run_tests.sh --e2e

# Everything; the last line is "N passed, N failed".
test: $(UNIT_TESTS) $(PORT_TESTS) $(CLI)
	@HCSMS_BIN=$(CLI) HCSMS_WRAPPER="$(RUN_WRAPPER)" TEST_WRAPPER="$(RUN_WRAPPER)" \
	  sh tests/run_tests.sh --unit $(UNIT_TESTS) $(PORT_TESTS) --e2e --hostile

# TLS interoperability: the default build and the recommended configuration
# (configs/mbedtls-hcsms.h) against OpenSSL s_server, nginx, stunnel and
# lighttpd with mod_openssl, mod_gnutls and mod_wolfssl, with RSA and ECDSA
# chains, TLS 1.2 and 1.3, curl as the control in every row (tests/interop/).
# Table in $(BUILD)/interop/interop.md; last line "interop: N rows, ...".
INTEROP_RECOMMENDED = build$(CROSS_DIR)/mbedtls-3.6-mbedtls-hcsms
interop: $(CLI)
	$(MAKE) MBEDTLS=3.6 MBEDTLS_CONFIG=configs/mbedtls-hcsms.h BUILD=$(INTEROP_RECOMMENDED) \
	  MBEDTLS_DIR=build$(CROSS_DIR)/mbedtls-3.6-lib-mbedtls-hcsms $(INTEROP_RECOMMENDED)/hcsms
	@HCSMS_WRAPPER="$(RUN_WRAPPER)" $(PYTHON) tests/interop/run_interop.py \
	  --hcsms $(CLI) --hcsms $(INTEROP_RECOMMENDED)/hcsms --workdir $(BUILD)/interop

# The hostile-server suite alone (also part of make test).
hostile: $(CLI)
	@HCSMS_BIN=$(CLI) HCSMS_WRAPPER="$(RUN_WRAPPER)" sh tests/run_tests.sh --hostile

# The whole suite (unit and end-to-end) built with AddressSanitizer and
# UndefinedBehaviorSanitizer (LeakSanitizer included); any report fails it.
SANITIZE = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	$(MAKE) BUILD=$(BUILD)/asan CC=clang CFLAGS="-O1 -g $(SANITIZE)" LDFLAGS="$(SANITIZE)" test

# Fuzz targets (libFuzzer, clang, ASan+UBSan). FUZZ_SECONDS each (default 60);
# new inputs go to $(BUILD)/fuzz/corpus-NAME, the seeds in tests/fuzz/corpus/NAME.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
fuzz-build:
	$(MAKE) BUILD=$(BUILD)/fuzz CC=clang CFLAGS="-O1 -g $(FUZZ_FLAGS)" fuzz-binaries
fuzz-binaries: $(addprefix $(BUILD)/,$(FUZZ_TARGETS))
$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(CORE_OBJECTS) $(FAKE_PORT_OBJECT)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ $(ALL_LDFLAGS) $(MBEDTLS_LIBS)
fuzz: fuzz-build
	@sh tests/fuzz/run_fuzz.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The Cortex-M4 image (QEMU's mps2-an386 board, tests/firmware): build it,
# run it against the test servers (both mbedTLS configurations), print the
# flash/RAM tables, write the measured table, run the lwIP port on host lwIP.
firmware:
	$(MAKE) -C tests/firmware
firmware-e2e:
	$(MAKE) -C tests/firmware e2e
firmware-report:
	$(MAKE) -C tests/firmware report
# The same image built by CMake (hcsmsFilePaths.cmake, cmake/arm-none-eabi.cmake), run.
firmware-cmake:
	$(MAKE) -C tests/firmware cmake-image-e2e
# Writes docs/sizes.md (the README links it): the client core by settings.
size:
	$(MAKE) -C tests/firmware sizes-doc
# Writes docs/sizes-recommended.md: the image with configs' recommended mbedTLS.
size-recommended:
	$(MAKE) -C tests/firmware recommended-size-doc
lwip-port-test:
	$(MAKE) -C tests/firmware port-test
lint-lwip:
	$(MAKE) -C tests/firmware lint

# RAM: context size, mbedTLS's peak heap and the painted stack of one full
# unlock against the local mock endpoint; then the same on a static pool.
RAM_PROBE = $(BUILD)/ram_probe
$(RAM_PROBE): $(BUILD)/obj/tests/ram/ram_probe.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ -Wl,-Bstatic $(MBEDTLS_LIBS) -Wl,-Bdynamic \
	  -Wl,--wrap=calloc -Wl,--wrap=free -lpthread
# Each run writes its own row of docs/ram.md (the README links it).
RAM_LABEL = $(if $(filter system,$(MBEDTLS)),system mbedTLS,pinned 3.6)$(if $(MBEDTLS_CONFIG), $(notdir $(MBEDTLS_CONFIG)), default configuration$(if $(MBEDTLS_USER_CONFIG), + $(notdir $(MBEDTLS_USER_CONFIG))))$(if $(CROSS_COMPILE), $(patsubst %-,%,$(CROSS_COMPILE)))
RAM_COMMAND = make$(if $(filter system,$(MBEDTLS)), MBEDTLS=system)$(if $(MBEDTLS_CONFIG), MBEDTLS_CONFIG=$(MBEDTLS_CONFIG))$(if $(CROSS_COMPILE), CROSS_COMPILE=$(CROSS_COMPILE)) ram
ram: $(RAM_PROBE)
	@bash tests/ram/run_ram.sh $(RAM_PROBE) > $(BUILD)/ram.txt || { cat $(BUILD)/ram.txt; exit 1; }
	@$(PYTHON) tests/ram/ram_doc.py --label "$(RAM_LABEL)" --command "$(RAM_COMMAND)" docs/ram.md < $(BUILD)/ram.txt

# The end-to-end suite with every hcsms run under valgrind memcheck: any
# error or leak (mbedTLS's included) is exit 99, a failure.
valgrind: $(CLI)
	HCSMS_WRAPPER="valgrind --leak-check=full --errors-for-leak-kinds=all --error-exitcode=99 -q" \
	  $(PYTHON) tests/e2e/run_e2e.py

# Every source, header, script and build file names its license (SPDX).
check-spdx:
	@sh scripts/check-spdx.sh

# hcsms.mk and hcsmsFilePaths.cmake name the same files in the same groups.
check-lists:
	@sh tests/build/check_lists.sh

# hcsms_client's fields are private: a caller's access does not compile; the
# same file with the library's HCSMS_ALLOW_PRIVATE_ACCESS does.
check-private:
	@if $(CC) $(ALL_CFLAGS) -fsyntax-only tests/build/reach_private.c 2>/dev/null; then \
	  echo "check-private: a caller could read hcsms_client's fields" >&2; exit 1; fi
	@$(CC) $(ALL_CFLAGS) -DHCSMS_ALLOW_PRIVATE_ACCESS -fsyntax-only tests/build/reach_private.c
	@echo "check-private: the private fields are out of a caller's reach"

# The man page and --help name the same options and variables; it renders.
check-man: $(CLI)
	$(PYTHON) tests/man/check_man.py $(CLI) docs/hcsms.1

# The main job: start the bundled local SMS endpoint, unlock, show a 403.
demo: $(CLI)
	@bash tests/demo.sh

# hcsms code must not allocate: no object of the library may reference the
# C allocator (mbedTLS and libc allocate on their own account).
check-alloc: $(LIB_OBJECTS)
	@sh tests/check_alloc.sh $(LIB_OBJECTS)

# Static analysis of the library, the port and the CLI: zero warnings.
LINT_SOURCES = $(HCSMS_CLIENT_SOURCES) $(HCSMS_PORT_POSIX_SOURCES) $(HCSMS_CLI_SOURCES)
lint: cppcheck tidy
cppcheck:
	cppcheck --enable=warning,style,performance,portability --std=c99 --error-exitcode=1 \
	  --inline-suppr --quiet -Iinclude -UHCSMS_CONFIG_FILE \
	  --suppress=missingIncludeSystem --suppress=missingInclude src port/posix
tidy:
	@for f in $(LINT_SOURCES); do \
	  clang-tidy --quiet $$f -- -std=c99 -Iinclude $(if $(MBEDTLS_INCLUDE),-I$(MBEDTLS_INCLUDE)) $(MBEDTLS_CFLAGS) \
	    2>/dev/null || exit 1; \
	done; echo "clang-tidy: no warnings in $(words $(LINT_SOURCES)) files"

# Install the Debian packages the build and tests need (only those missing).
setup:
	@sh .ci/install-deps.sh

clean:
	rm -rf $(BUILD)

# Every object's header dependencies (library, CLI, tests, fuzzers, probes).
-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/obj/*/*/*.d $(BUILD)/obj/*/*/*/*.d)

# make install, uninstall (PREFIX, DESTDIR, ...) and dist.
include install.mk

# make docs: the API reference (Doxygen over include/, any warning fails it).
include docs/docs.mk

# make bench: hcsms against a libcurl program on the same unlock (tests/bench).
-include tests/bench/bench.mk

# make coverage: line coverage per layer (gcov) from the unit, e2e and hostile suites.
-include tests/coverage/coverage.mk
