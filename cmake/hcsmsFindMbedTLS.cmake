# SPDX-License-Identifier: Apache-2.0
# mbedTLS by paths, as the target hcsms::mbedtls (for an mbedTLS without a
# CMake package: Debian's, or the Makefile's pinned build). Honours
# MBEDTLS_ROOT and CMAKE_PREFIX_PATH; prefers static libraries.
if(NOT TARGET hcsms::mbedtls)
  find_path(MBEDTLS_INCLUDE_DIR mbedtls/ssl.h HINTS ${MBEDTLS_ROOT} PATH_SUFFIXES include)
  set(_hcsms_mbedtls_libraries)
  foreach(_lib mbedtls mbedx509 mbedcrypto)
    string(TOUPPER ${_lib} _LIB)
    find_library(${_LIB}_LIBRARY NAMES lib${_lib}.a ${_lib} HINTS ${MBEDTLS_ROOT} PATH_SUFFIXES lib)
    list(APPEND _hcsms_mbedtls_libraries ${${_LIB}_LIBRARY})
  endforeach()
  if(NOT MBEDTLS_INCLUDE_DIR OR NOT MBEDTLS_LIBRARY OR NOT MBEDX509_LIBRARY OR NOT MBEDCRYPTO_LIBRARY)
    message(FATAL_ERROR "hcsms: mbedTLS not found: set MBEDTLS_ROOT (a folder with include/ and lib/)")
  endif()
  add_library(hcsms::mbedtls INTERFACE IMPORTED)
  set_target_properties(hcsms::mbedtls PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${MBEDTLS_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${_hcsms_mbedtls_libraries}")
  # A build by scripts/build-mbedtls.sh with a configuration file (the
  # Makefile's build/mbedtls-3.6-lib*) names it in CONSUMER_CFLAGS, as
  # -DMBEDTLS_[USER_]CONFIG_FILE='"file.h"': its users compile with the same.
  get_filename_component(_hcsms_mbedtls_root "${MBEDTLS_INCLUDE_DIR}" DIRECTORY)
  if(EXISTS "${_hcsms_mbedtls_root}/CONSUMER_CFLAGS")
    file(READ "${_hcsms_mbedtls_root}/CONSUMER_CFLAGS" _hcsms_consumer)
    string(REGEX MATCHALL "-D(MBEDTLS_[A-Z_]*CONFIG_FILE)='\"[^\"]+\"'" _hcsms_defines "${_hcsms_consumer}")
    foreach(_define ${_hcsms_defines})
      string(REGEX REPLACE "^-D([A-Z_]+)='\"([^\"]+)\"'$" "\\1=\"\\2\"" _define "${_define}")
      set_property(TARGET hcsms::mbedtls APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS "${_define}")
    endforeach()
  endif()
endif()
