# hcsms library sources and include paths, for any build system.
# Set HCSMS_DIR to this folder and HCSMS_PORT to a folder under port/
# (posix, lwip), then compile $(HCSMS_SOURCES) with $(HCSMS_INCLUDES).
# Needs mbedTLS (ssl, x509, crypto) and jsmn's header.

HCSMS_DIR ?= .
HCSMS_PORT ?= posix

HCSMS_CORE_SOURCES = \
	$(HCSMS_DIR)/src/net/connection.c \
	$(HCSMS_DIR)/src/net/deadline.c \
	$(HCSMS_DIR)/src/net/tcp.c \
	$(HCSMS_DIR)/src/net/tls.c \
	$(HCSMS_DIR)/src/net/tls_bio.c \
	$(HCSMS_DIR)/src/net/tls_names.c \
	$(HCSMS_DIR)/src/net/tls_session.c \
	$(HCSMS_DIR)/src/net/tls_setup.c \
	$(HCSMS_DIR)/src/http/exchange.c \
	$(HCSMS_DIR)/src/http/request.c \
	$(HCSMS_DIR)/src/http/response.c \
	$(HCSMS_DIR)/src/http/response_chunk.c \
	$(HCSMS_DIR)/src/http/response_head.c \
	$(HCSMS_DIR)/src/json/json.c \
	$(HCSMS_DIR)/src/auth/aksk.c \
	$(HCSMS_DIR)/src/auth/basic.c \
	$(HCSMS_DIR)/src/auth/iam.c \
	$(HCSMS_DIR)/src/auth/token.c \
	$(HCSMS_DIR)/src/sms/client.c \
	$(HCSMS_DIR)/src/sms/endpoint.c \
	$(HCSMS_DIR)/src/sms/error_body.c \
	$(HCSMS_DIR)/src/sms/exchange.c \
	$(HCSMS_DIR)/src/sms/iam.c \
	$(HCSMS_DIR)/src/sms/proxy.c \
	$(HCSMS_DIR)/src/sms/proxy_url.c \
	$(HCSMS_DIR)/src/sms/retry.c \
	$(HCSMS_DIR)/src/sms/strerror.c \
	$(HCSMS_DIR)/src/sms/trace.c \
	$(HCSMS_DIR)/src/sms/unlock.c

HCSMS_PORT_SOURCES = $(wildcard $(HCSMS_DIR)/port/$(HCSMS_PORT)/*.c)

HCSMS_SOURCES = $(HCSMS_CORE_SOURCES) $(HCSMS_PORT_SOURCES)

HCSMS_INCLUDES = -I$(HCSMS_DIR)/include

HCSMS_CLI_SOURCES = \
	$(HCSMS_DIR)/src/cli/main.c \
	$(HCSMS_DIR)/src/cli/environment.c \
	$(HCSMS_DIR)/src/cli/files.c \
	$(HCSMS_DIR)/src/cli/options.c \
	$(HCSMS_DIR)/src/cli/output.c \
	$(HCSMS_DIR)/src/cli/proxy.c \
	$(HCSMS_DIR)/src/cli/redact.c \
	$(HCSMS_DIR)/src/cli/secrets.c \
	$(HCSMS_DIR)/src/cli/token.c \
	$(HCSMS_DIR)/src/cli/unlock.c
