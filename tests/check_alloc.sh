#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hcsms code must not allocate. Lists every object of the library that
# references an allocator symbol (nm -u: undefined, i.e. called from there).
# mbedTLS and libc allocate on their own account and are not checked here.
NM=${NM:-nm}
bad=0
for obj in "$@"; do
    hits=$($NM -u "$obj" | awk '{print $NF}' | grep -E '^(malloc|calloc|realloc|free|strdup|strndup|reallocarray|posix_memalign|aligned_alloc|memalign|valloc|mbedtls_calloc|mbedtls_free|alloca)$')
    if [ -n "$hits" ]; then
        echo "allocates: $obj: $hits"
        bad=1
    fi
done
if [ $bad -eq 0 ]; then
    echo "check-alloc: no allocator referenced by $# hcsms objects"
fi
exit $bad
