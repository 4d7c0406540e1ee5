/*
 * digest.h - SHA-256 of a buffer, from OpenSSL's libcrypto loaded only
 * while it is needed.
 *
 * mailprovd hashes the desired state once per run; linking libcrypto
 * would keep ~3.5 MB of its code resident in an idle daemon, and OpenSSL
 * 3 stays mapped even after dlclose().  So a short-lived child process
 * opens it with dlopen() and does the hashing.  Returns 0 with 64 hex
 * digits in out, or -1 (out "unavailable") when no libcrypto can be
 * loaded.
 */
#ifndef MAILPROV_DIGEST_H
#define MAILPROV_DIGEST_H

#include <stddef.h>

int	digest_sha256_hex(const void *buf, size_t len, char out[65]);
/*
 * digest_sha256_hexv - the same for n buffers in one child: outs[i] gets
 * the hex of bufs[i] (lens[i] bytes); on -1 every one is "unavailable".
 */
int	digest_sha256_hexv(size_t n, const void *const *bufs,
	    const size_t *lens, char (*outs)[65]);

#endif
