# SPDX-License-Identifier: Apache-2.0
# Prints hcsms.mk's file lists, one "GROUP path" a line, for check_lists.sh.
HCSMS_DIR = .
include hcsms.mk
GROUPS = CORE AKSK PROXY IAM PORT_POSIX PORT_LWIP CLI
print:
	@$(foreach g,$(GROUPS),$(foreach f,$(HCSMS_$(g)_SOURCES),echo "$(g)_SOURCES $(f)";))
	@$(foreach f,$(HCSMS_INCLUDE_DIRS),echo "INCLUDE_DIRS $(f)";)
	@$(foreach f,$(HCSMS_PORT_LWIP_INCLUDE_DIRS),echo "PORT_LWIP_INCLUDE_DIRS $(f)";)
	@$(foreach f,$(HCSMS_PUBLIC_HEADERS),echo "PUBLIC_HEADERS $(f)";)
