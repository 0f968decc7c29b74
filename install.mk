# SPDX-License-Identifier: Apache-2.0
# make install / uninstall / dist, included by the Makefile.
#
#   make install [DESTDIR=/tmp/stage] [PREFIX=/usr] [LIBDIR=...] [INCLUDEDIR=...]
#                [BINDIR=...] [MANDIR=...] [PKGCONFIGDIR=...]
#
# Installs libhcsms.a, the public headers (hcsms.h and hcsms/: what a caller
# compiles against), the hcsms command, hcsms(1) and hcsms.pc. The default
# build links a pinned mbedTLS built from source, which has no .pc of its own
# and must match the struct layouts hcsms was built with: its headers and
# static libraries go to LIBDIR/hcsms/mbedtls, named by hcsms.pc's Cflags
# and Libs.private (not Requires: there is no mbedtls.pc to require). With
# MBEDTLS=system, Libs.private names the system's libraries.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR ?=
INSTALL ?= install

HCSMS_VERSION_TEXT := $(shell sed -n 's/^\#define HCSMS_VERSION "\(.*\)"/\1/p' include/hcsms.h)
PC = $(BUILD)/hcsms.pc
# The pinned mbedTLS's private copy, when this build links one.
PRIVATE_MBEDTLS = $(if $(MBEDTLS_STAMP),$(LIBDIR)/hcsms/mbedtls)
# A path under PREFIX is written relative to ${prefix}: the .pc then follows
# a staged tree moved elsewhere (pkg-config --define-prefix).
pc_path = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
MBEDTLS_PC_CFLAGS = $(if $(PRIVATE_MBEDTLS),-I$(call pc_path,$(PRIVATE_MBEDTLS))/include)
# The HCSMS_* settings the library was built with change struct layouts:
# callers compile with the same.
HCSMS_PC_DEFINES = $(filter -DHCSMS_%,$(CFLAGS) $(EXTRA_CFLAGS))
MBEDTLS_PC_LIBS = $(if $(PRIVATE_MBEDTLS),-L$(call pc_path,$(PRIVATE_MBEDTLS))/lib) \
                  $(MBEDTLS_LIBS) $(if $(filter posix,$(PORT)),-lpthread)

$(PC): include/hcsms.h install.mk $(MBEDTLS_STAMP) FORCE
	@mkdir -p $(dir $@)
	@{ echo 'prefix=$(PREFIX)'; \
	  echo 'libdir=$(call pc_path,$(LIBDIR))'; \
	  echo 'includedir=$(call pc_path,$(INCLUDEDIR))'; \
	  echo; \
	  echo 'Name: hcsms'; \
	  echo 'Description: Huawei Cloud SMS client (unlock a target server) over mbedTLS'; \
	  echo 'Version: $(HCSMS_VERSION_TEXT)'; \
	  echo 'Cflags: -I$${includedir} $(strip $(MBEDTLS_PC_CFLAGS) $(HCSMS_PC_DEFINES))'; \
	  echo 'Libs: -L$${libdir} -lhcsms'; \
	  echo 'Libs.private: $(strip $(MBEDTLS_PC_LIBS))'; } > $@

install: $(LIB) $(CLI) $(PC)
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/hcsms $(DESTDIR)$(BINDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libhcsms.a
	$(INSTALL) -m 644 include/hcsms.h $(DESTDIR)$(INCLUDEDIR)/hcsms.h
	$(INSTALL) -m 644 $(HCSMS_PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/hcsms/
	$(INSTALL) -m 755 $(CLI) $(DESTDIR)$(BINDIR)/hcsms
	$(INSTALL) -m 644 docs/hcsms.1 $(DESTDIR)$(MANDIR)/man1/hcsms.1
	$(INSTALL) -m 644 $(PC) $(DESTDIR)$(PKGCONFIGDIR)/hcsms.pc
ifneq ($(PRIVATE_MBEDTLS),)
	$(INSTALL) -d $(DESTDIR)$(PRIVATE_MBEDTLS)/lib
	$(INSTALL) -m 644 $(MBEDTLS_DIR)/lib/libmbedtls.a $(MBEDTLS_DIR)/lib/libmbedx509.a \
	  $(MBEDTLS_DIR)/lib/libmbedcrypto.a $(DESTDIR)$(PRIVATE_MBEDTLS)/lib/
	rm -rf $(DESTDIR)$(PRIVATE_MBEDTLS)/include
	cp -R $(MBEDTLS_DIR)/include $(DESTDIR)$(PRIVATE_MBEDTLS)/include
	@# A MBEDTLS_CONFIG build's configuration becomes the copy's own default
	@# (mbedtls/mbedtls_config.h): consumers then need no -D, whose quotes
	@# would not survive $$(pkg-config ...) in a shell.
	@# The default build's additions (MBEDTLS_USER_CONFIG_FILE) are made part of
	@# the copy's mbedtls_config.h the same way: it ends by including them.
	if grep -q MBEDTLS_CONFIG_FILE $(MBEDTLS_DIR)/CONSUMER_CFLAGS; then \
	  $(INSTALL) -m 644 $(MBEDTLS_DIR)/include/mbedtls-config.h \
	    $(DESTDIR)$(PRIVATE_MBEDTLS)/include/mbedtls/mbedtls_config.h; fi
	if grep -q MBEDTLS_USER_CONFIG_FILE $(MBEDTLS_DIR)/CONSUMER_CFLAGS; then \
	  printf '\n/* hcsms: the options this copy was built with */\n#include "../mbedtls-user-config.h"\n' \
	    >> $(DESTDIR)$(PRIVATE_MBEDTLS)/include/mbedtls/mbedtls_config.h; fi
	$(INSTALL) -m 644 $(MBEDTLS_DIR)/BUILDINFO $(DESTDIR)$(PRIVATE_MBEDTLS)/BUILDINFO
endif

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libhcsms.a $(DESTDIR)$(INCLUDEDIR)/hcsms.h \
	  $(addprefix $(DESTDIR)$(INCLUDEDIR)/hcsms/,$(notdir $(HCSMS_PUBLIC_HEADERS))) \
	  $(DESTDIR)$(BINDIR)/hcsms $(DESTDIR)$(MANDIR)/man1/hcsms.1 $(DESTDIR)$(PKGCONFIGDIR)/hcsms.pc
	rm -rf $(DESTDIR)$(LIBDIR)/hcsms
	-rmdir $(DESTDIR)$(INCLUDEDIR)/hcsms 2>/dev/null

# The source tarball: what git tracks, under hcsms-VERSION/.
DIST = $(BUILD)/hcsms-$(HCSMS_VERSION_TEXT).tar.gz
dist:
	@mkdir -p $(BUILD)
	git archive --format=tar.gz --prefix=hcsms-$(HCSMS_VERSION_TEXT)/ -o $(DIST) HEAD
	@echo "dist: $(DIST)"

# hcsms as a consumer takes it: install into a staging folder, build examples/
# against it (pkg-config; CMake), run them against the mock endpoint.
consumer-test:
	bash tests/consumer/run_consumer.sh $(if $(filter system,$(MBEDTLS)),MBEDTLS=system) \
	  $(if $(MBEDTLS_CONFIG),MBEDTLS_CONFIG=$(MBEDTLS_CONFIG))

# The tarball alone: unpacked in a folder of its own, it builds and passes
# make test (only mbedTLS's verified download is shared, MBEDTLS_CACHE).
distcheck: dist
	rm -rf $(BUILD)/distcheck && mkdir -p $(BUILD)/distcheck
	tar -C $(BUILD)/distcheck -xzf $(DIST)
	cd $(BUILD)/distcheck/hcsms-$(HCSMS_VERSION_TEXT) && \
	  MBEDTLS_CACHE=$(abspath build/mbedtls-src-cache) $(MAKE) -j2 all && \
	  MBEDTLS_CACHE=$(abspath build/mbedtls-src-cache) $(MAKE) test
	rm -rf $(BUILD)/distcheck
	@echo "distcheck: $(DIST) builds and passes make test alone"

FORCE:
