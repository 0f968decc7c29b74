# SPDX-License-Identifier: Apache-2.0
# Prints hcsmsFilePaths.cmake's file lists, one "GROUP path" a line, for
# check_lists.sh:  cmake -DHCSMS_DIR=. -P tests/build/lists.cmake
include(${HCSMS_DIR}/hcsmsFilePaths.cmake)
foreach(_group CORE_SOURCES AKSK_SOURCES PROXY_SOURCES IAM_SOURCES PORT_POSIX_SOURCES
               PORT_LWIP_SOURCES CLI_SOURCES INCLUDE_DIRS PORT_LWIP_INCLUDE_DIRS PUBLIC_HEADERS)
  foreach(_file ${HCSMS_${_group}})
    message("${_group} ${_file}")
  endforeach()
endforeach()
