/* SPDX-License-Identifier: Apache-2.0 */
/* The service's JSON error body -> hcsms_result, every copy bounded. */
#include <string.h>

#include "sms.h"
#include "../json/json.h"

static void copy_field(const hcsms_json *doc, int object, const char *key, char *out,
                       size_t size, hcsms_result *result)
{
    int truncated = 0;
    int index = hcsms_json_get(doc, object, key);

    if (index >= 0 && hcsms_json_copy_string(doc, index, out, size, &truncated) == 0 && truncated)
        result->truncated = 1;
}

/* IAM answers in Keystone's shape, {"error":{"code":401,"message":..,
 * "title":..}}, its code a number or a string. */
static void copy_nested_error(const hcsms_json *doc, hcsms_result *result)
{
    int object = hcsms_json_get(doc, 0, "error"), code;

    if (!hcsms_json_is(doc, object, JSMN_OBJECT))
        return;
    code = hcsms_json_get(doc, object, "code");
    if (hcsms_json_is(doc, code, JSMN_PRIMITIVE)) {
        const jsmntok_t *t = &doc->tokens[code];
        size_t len = (size_t)(t->end - t->start), i;
        const char *text = doc->text + t->start;

        for (i = 0; i < len && i < sizeof(result->error_code) - 1; i++) {
            if (!((text[i] >= '0' && text[i] <= '9') || text[i] == '-'))
                break; /* a number is all we take from a primitive */
        }
        if (i == len && len < sizeof(result->error_code)) {
            memcpy(result->error_code, text, len);
            result->error_code[len] = '\0';
        }
    } else {
        copy_field(doc, object, "code", result->error_code, sizeof(result->error_code), result);
    }
    copy_field(doc, object, "message", result->error_msg, sizeof(result->error_msg), result);
}

void hcsms_parse_error_body(const unsigned char *body, size_t len, jsmntok_t *tokens,
                            unsigned max_tokens, hcsms_result *result)
{
    hcsms_json doc;
    int array, item, i;

    if (hcsms_json_parse(&doc, (const char *)body, len, tokens, max_tokens) < 0)
        return;
    result->body_is_json = (uint8_t)doc.complete;
    if (!doc.complete)
        result->truncated = 1;

    copy_field(&doc, 0, "error_code", result->error_code, sizeof(result->error_code), result);
    copy_field(&doc, 0, "error_msg", result->error_msg, sizeof(result->error_msg), result);
    if (result->error_code[0] == '\0' && result->error_msg[0] == '\0')
        copy_nested_error(&doc, result);
    copy_field(&doc, 0, "encoded_authorization_message", result->encoded_authorization_message,
               sizeof(result->encoded_authorization_message), result);
    /* API gateway errors carry the request id in the body too. */
    if (result->request_id[0] == '\0')
        copy_field(&doc, 0, "request_id", result->request_id, sizeof(result->request_id), result);

    array = hcsms_json_get(&doc, 0, "error_param");
    if (hcsms_json_is(&doc, array, JSMN_ARRAY)) {
        item = array + 1;
        for (i = 0; i < doc.tokens[array].size && item < doc.count; i++) {
            if (hcsms_json_is(&doc, item, JSMN_STRING)) {
                if (result->error_param_count == HCSMS_ERROR_PARAMS_MAX) {
                    result->truncated = 1;
                    break;
                }
                int truncated = 0;
                hcsms_json_copy_string(&doc, item, result->error_param[result->error_param_count],
                                       sizeof(result->error_param[0]), &truncated);
                result->error_param_count++;
                if (truncated)
                    result->truncated = 1;
            }
            item = hcsms_json_skip(&doc, item);
        }
    }

    array = hcsms_json_get(&doc, 0, "details");
    if (hcsms_json_is(&doc, array, JSMN_ARRAY)) {
        item = array + 1;
        for (i = 0; i < doc.tokens[array].size && item < doc.count; i++) {
            if (hcsms_json_is(&doc, item, JSMN_OBJECT)) {
                unsigned n = result->details_count;
                if (n == HCSMS_DETAILS_MAX) {
                    result->truncated = 1;
                    break;
                }
                result->details_count++;
                copy_field(&doc, item, "error_code", result->details[n].error_code,
                           sizeof(result->details[n].error_code), result);
                copy_field(&doc, item, "error_msg", result->details[n].error_msg,
                           sizeof(result->details[n].error_msg), result);
            }
            item = hcsms_json_skip(&doc, item);
        }
    }
}
