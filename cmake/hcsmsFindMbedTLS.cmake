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
endif()
