/* SPDX-License-Identifier: Apache-2.0 */
/* What the CLI prints to stderr during a test, captured through a temporary
 * file (the CLI writes errors with fprintf(stderr, ...)). */
#ifndef HCSMS_TEST_CLI_CAPTURE_H
#define HCSMS_TEST_CLI_CAPTURE_H

/* Redirect stderr to a fresh unlinked temporary file. */
void capture_begin(void);

/* Restore stderr; what was printed since capture_begin() (at most 4 KB,
 * NUL-terminated, in a static buffer valid until the next call). */
const char *capture_end(void);

/* What the last capture_end() returned. */
const char *capture_text(void);

#endif
