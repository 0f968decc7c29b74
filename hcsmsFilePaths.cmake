# SPDX-License-Identifier: Apache-2.0
# hcsms's files, for any CMake build (coreHTTP's httpFilePaths.cmake idea):
# lists of sources and of include folders, no flags, no targets. The same
# groups as hcsms.mk; `make check-lists` fails if the two ever differ.
#
#   HCSMS_CORE_SOURCES        always needed
#   HCSMS_AKSK_SOURCES        AK/SK signing         } each may be left out of a build
#   HCSMS_PROXY_SOURCES       HTTP proxies          } whose HCSMS_CONFIG_<NAME> is 0 and
#   HCSMS_IAM_SOURCES         IAM user tokens       } that calls none of its functions
#   HCSMS_PORT_POSIX_SOURCES  the POSIX port
#   HCSMS_PORT_LWIP_SOURCES   the lwIP port (with HCSMS_PORT_LWIP_INCLUDE_DIRS and lwIP's own)
#   HCSMS_CLI_SOURCES         the hcsms command (POSIX)
#   HCSMS_INCLUDE_DIRS        what callers and the library compile with
#   HCSMS_PUBLIC_HEADERS      what is installed under include/hcsms/ (next to hcsms.h)
#
# Compile with a C99 compiler, mbedTLS's headers and jsmn's header.
if(NOT DEFINED HCSMS_DIR)
  set(HCSMS_DIR ${CMAKE_CURRENT_LIST_DIR})
endif()

set(HCSMS_CORE_SOURCES
    ${HCSMS_DIR}/src/net/connection.c
    ${HCSMS_DIR}/src/net/deadline.c
    ${HCSMS_DIR}/src/net/tcp.c
    ${HCSMS_DIR}/src/net/tls.c
    ${HCSMS_DIR}/src/net/tls_bio.c
    ${HCSMS_DIR}/src/net/tls_names.c
    ${HCSMS_DIR}/src/net/tls_session.c
    ${HCSMS_DIR}/src/net/tls_session_blob.c
    ${HCSMS_DIR}/src/net/tls_setup.c
    ${HCSMS_DIR}/src/http/exchange.c
    ${HCSMS_DIR}/src/http/request.c
    ${HCSMS_DIR}/src/http/response.c
    ${HCSMS_DIR}/src/http/response_chunk.c
    ${HCSMS_DIR}/src/http/response_head.c
    ${HCSMS_DIR}/src/http/response_line.c
    ${HCSMS_DIR}/src/json/json.c
    ${HCSMS_DIR}/src/auth/token.c
    ${HCSMS_DIR}/src/sms/client.c
    ${HCSMS_DIR}/src/sms/endpoint.c
    ${HCSMS_DIR}/src/sms/error_body.c
    ${HCSMS_DIR}/src/sms/exchange.c
    ${HCSMS_DIR}/src/sms/retry.c
    ${HCSMS_DIR}/src/sms/session.c
    ${HCSMS_DIR}/src/sms/strerror.c
    ${HCSMS_DIR}/src/sms/task_id.c
    ${HCSMS_DIR}/src/sms/trace.c
    ${HCSMS_DIR}/src/sms/unlock.c)

set(HCSMS_AKSK_SOURCES
    ${HCSMS_DIR}/src/auth/aksk.c)

set(HCSMS_PROXY_SOURCES
    ${HCSMS_DIR}/src/auth/basic.c
    ${HCSMS_DIR}/src/sms/proxy.c
    ${HCSMS_DIR}/src/sms/proxy_url.c)

set(HCSMS_IAM_SOURCES
    ${HCSMS_DIR}/src/auth/iam.c
    ${HCSMS_DIR}/src/sms/iam.c)

set(HCSMS_PORT_POSIX_SOURCES
    ${HCSMS_DIR}/port/posix/hcsms_port_posix.c
    ${HCSMS_DIR}/port/posix/hcsms_port_posix_clock.c
    ${HCSMS_DIR}/port/posix/hcsms_port_posix_entropy.c
    ${HCSMS_DIR}/port/posix/hcsms_port_posix_resolve.c)

set(HCSMS_PORT_LWIP_SOURCES
    ${HCSMS_DIR}/port/lwip/hcsms_port_lwip.c
    ${HCSMS_DIR}/port/lwip/hcsms_port_lwip_address.c
    ${HCSMS_DIR}/port/lwip/hcsms_port_lwip_clock.c
    ${HCSMS_DIR}/port/lwip/hcsms_port_lwip_entropy.c
    ${HCSMS_DIR}/port/lwip/hcsms_port_lwip_resolve.c)
set(HCSMS_PORT_LWIP_INCLUDE_DIRS
    ${HCSMS_DIR}/port/lwip)

set(HCSMS_CLI_SOURCES
    ${HCSMS_DIR}/src/cli/main.c
    ${HCSMS_DIR}/src/cli/environment.c
    ${HCSMS_DIR}/src/cli/files.c
    ${HCSMS_DIR}/src/cli/options.c
    ${HCSMS_DIR}/src/cli/output.c
    ${HCSMS_DIR}/src/cli/proxy.c
    ${HCSMS_DIR}/src/cli/redact.c
    ${HCSMS_DIR}/src/cli/secrets.c
    ${HCSMS_DIR}/src/cli/session.c
    ${HCSMS_DIR}/src/cli/token.c
    ${HCSMS_DIR}/src/cli/unlock.c)

set(HCSMS_INCLUDE_DIRS
    ${HCSMS_DIR}/include)

set(HCSMS_PUBLIC_HEADERS
    ${HCSMS_DIR}/include/hcsms/config.h
    ${HCSMS_DIR}/include/hcsms/error.h
    ${HCSMS_DIR}/include/hcsms/iam.h
    ${HCSMS_DIR}/include/hcsms/port.h
    ${HCSMS_DIR}/include/hcsms/private.h
    ${HCSMS_DIR}/include/hcsms/types.h
    ${HCSMS_DIR}/include/hcsms/util.h)
