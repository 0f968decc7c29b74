/* SPDX-License-Identifier: Apache-2.0 */
/* The body of IAM's "obtain a user token" request (password method), written
 * through a sink twice: once to count its bytes for Content-Length, once
 * into the request writer. It holds the password, so it is never traced. */
#include <string.h>

#include "auth.h"
#include "../json/json.h"

int hcsms_iam_check_credentials(const hcsms_iam_fields *credentials)
{
    if (credentials == NULL || !hcsms_json_text_ok(credentials->user, HCSMS_IAM_FIELD_MAX) ||
        !hcsms_json_text_ok(credentials->password, HCSMS_IAM_FIELD_MAX) ||
        !hcsms_json_text_ok(credentials->account, HCSMS_IAM_FIELD_MAX) ||
        (credentials->project != NULL &&
         !hcsms_json_text_ok(credentials->project, HCSMS_IAM_FIELD_MAX)))
        return HCSMS_ERR_INVALID_CREDENTIALS;
    return HCSMS_OK;
}

static void put(hcsms_json_sink sink, void *context, const char *text)
{
    sink(context, text, strlen(text));
}

void hcsms_iam_write_body(hcsms_json_sink sink, void *context,
                          const hcsms_iam_fields *credentials)
{
    put(sink, context, "{\"auth\":{\"identity\":{\"methods\":[\"password\"],"
                       "\"password\":{\"user\":{\"name\":");
    hcsms_json_write_string(sink, context, credentials->user);
    put(sink, context, ",\"password\":");
    hcsms_json_write_string(sink, context, credentials->password);
    put(sink, context, ",\"domain\":{\"name\":");
    hcsms_json_write_string(sink, context, credentials->account);
    put(sink, context, "}}}},\"scope\":{");
    if (credentials->project != NULL) {
        put(sink, context, "\"project\":{\"name\":");
        hcsms_json_write_string(sink, context, credentials->project);
    } else {
        put(sink, context, "\"domain\":{\"name\":");
        hcsms_json_write_string(sink, context, credentials->account);
    }
    put(sink, context, "}}}}");
}
