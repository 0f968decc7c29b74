/* Private helpers of the sms layer, exposed for unit tests. */
#ifndef HCSMS_SMS_H
#define HCSMS_SMS_H

#include <stddef.h>
#include <stdint.h>

#include "hcsms.h"
#include "../http/http.h"

/* Parse "https://host[:port][/]" into host (without brackets, NUL-terminated,
 * host_size bytes), port (443 when absent) and *is_ipv6. Returns HCSMS_OK,
 * HCSMS_ERR_INSECURE_ENDPOINT for http://, or HCSMS_ERR_INVALID_ENDPOINT. */
int hcsms_endpoint_parse(const char *url, char *host, size_t host_size,
                         uint16_t *port, uint8_t *is_ipv6);

/* Percent-encode task_id as one path segment: every byte but A-Z a-z 0-9
 * - . _ ~ becomes %XX (upper-case hex). Writes at most out_size - 1 bytes and
 * a NUL; returns the length the whole encoding needs (without the NUL). */
size_t hcsms_encode_segment(const char *task_id, char *out, size_t out_size);

/* Hand task_id percent-encoded, as above, to sink in pieces (the request
 * writer, or the AK/SK signer: both see exactly the same bytes). */
void hcsms_write_segment(void (*sink)(void *context, const void *data, size_t len),
                         void *context, const char *task_id);

/* Retry-After ("120" seconds, or an HTTP date compared with now_utc) in
 * milliseconds (an HTTP date at most a day ahead), or -1 if it is neither. */
long hcsms_retry_after_ms(const char *value, int64_t now_utc);

/* How long to wait before trying again after rc/result (the retry_index-th
 * retry, from 0), or -1 when it must not be retried. retry_after: the
 * response's Retry-After value or NULL. */
long hcsms_retry_wait_ms(const hcsms_client *client, int rc, const hcsms_result *result,
                         const char *retry_after, unsigned retry_index);

/* Fill result's error fields from a JSON error body, parsing it into
 * tokens[max_tokens] (caller-owned scratch). */
void hcsms_parse_error_body(const unsigned char *body, size_t len, jsmntok_t *tokens,
                            unsigned max_tokens, hcsms_result *result);

#endif /* HCSMS_SMS_H */
