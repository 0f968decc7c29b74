/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The POSIX port's entropy: getrandom(2), or /dev/urandom where the kernel
 * lacks it; never a weaker source.
 */
/* A feature-test macro, reserved by design: getrandom, O_CLOEXEC. */
#define _GNU_SOURCE 1 /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */

#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/random.h>
#endif

#include "hcsms/error.h"
#include "hcsms/port.h"

int hcsms_port_entropy(unsigned char *out, size_t len)
{
    size_t done = 0;

#if defined(__linux__)
    while (done < len) {
        ssize_t n = getrandom(out + done, len - done, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break; /* ENOSYS on old kernels: try the device */
        }
        done += (size_t)n;
    }
    if (done == len)
        return 0;
#endif
    {
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return HCSMS_ERR_ENTROPY;
        while (done < len) {
            ssize_t n = read(fd, out + done, len - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                close(fd);
                return HCSMS_ERR_ENTROPY;
            }
            done += (size_t)n;
        }
        close(fd);
    }
    return 0;
}
