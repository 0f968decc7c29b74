/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: JSON error body extraction into a result. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/sms/sms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void terminated(const char *field, size_t size)
{
    if (memchr(field, '\0', size) == NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static jsmntok_t tokens[HCSMS_JSON_TOKENS_MAX];
    hcsms_result result;
    unsigned i;

    memset(&result, 0, sizeof(result));
    hcsms_parse_error_body(data, size, tokens, HCSMS_JSON_TOKENS_MAX, &result);
    terminated(result.error_code, sizeof(result.error_code));
    terminated(result.error_msg, sizeof(result.error_msg));
    terminated(result.encoded_authorization_message, sizeof(result.encoded_authorization_message));
    terminated(result.request_id, sizeof(result.request_id));
    if (result.error_param_count > HCSMS_ERROR_PARAMS_MAX || result.details_count > HCSMS_DETAILS_MAX)
        abort();
    for (i = 0; i < result.error_param_count; i++)
        terminated(result.error_param[i], sizeof(result.error_param[i]));
    for (i = 0; i < result.details_count; i++) {
        terminated(result.details[i].error_code, sizeof(result.details[i].error_code));
        terminated(result.details[i].error_msg, sizeof(result.details[i].error_msg));
    }
    return 0;
}
