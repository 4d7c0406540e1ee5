/*
 * digest.c - SHA-256 through a libcrypto opened for the call.
 *
 * Contract: see digest.h.  The names tried are the shared objects Linux
 * distributions and the AIX base ship (on AIX the library is an archive
 * with shared members, opened with RTLD_MEMBER).  Only two entry points
 * are used, EVP_sha256 and EVP_Digest, whose signatures are stable across
 * OpenSSL 1.1 and 3.
 */
#include "digest.h"

#include <dlfcn.h>
#include <errno.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

typedef const void *(*md_fn)(void);
typedef int (*digest_fn)(const void *, size_t, unsigned char *,
    unsigned int *, const void *, void *);

static const char *const names[] = {
	"libcrypto.so.3", "libcrypto.so", "libcrypto.so.1.1",
	"libcrypto.a(libcrypto.so.3)", "libcrypto.a(libcrypto64.so.3)",
	"libcrypto.a(libcrypto.so.1.1)", NULL
};

/* hash_here - in this process: load libcrypto, hash, 0 or -1. */
static int
hash_here(const void *buf, size_t len, char out[65])
{
	unsigned char md[64];
	unsigned int n = 0, i;
	void *h = NULL;
	md_fn sha256;
	digest_fn digest;
	int mode = RTLD_NOW | RTLD_LOCAL;
	size_t k;

	for (k = 0; names[k] != NULL && h == NULL; k++) {
#ifdef RTLD_MEMBER
		/* AIX: "archive(member)" names need RTLD_MEMBER. */
		if (strchr(names[k], '(') != NULL)
			h = dlopen(names[k], mode | RTLD_MEMBER);
		else
#endif
		if (strchr(names[k], '(') == NULL)
			h = dlopen(names[k], mode);
	}
	snprintf(out, 65, "unavailable");
	if (h == NULL)
		return -1;
	/* POSIX: a function pointer goes through a data pointer here. */
	*(void **)(void *)&sha256 = dlsym(h, "EVP_sha256");
	*(void **)(void *)&digest = dlsym(h, "EVP_Digest");
	if (sha256 != NULL && digest != NULL &&
	    digest(buf, len, md, &n, sha256(), NULL) == 1 && n == 32) {
		for (i = 0; i < n; i++)
			snprintf(out + 2 * i, 3, "%02x", md[i]);
	} else
		n = 0;
	dlclose(h);
	return n == 32 ? 0 : -1;
}

/*
 * digest_sha256_hex - in a child process: OpenSSL 3 cannot be unloaded
 * (dlclose leaves it mapped), so the daemon itself never loads it; a
 * forked child does, hashes its copy of the buffer, and writes the hex.
 */
int
digest_sha256_hex(const void *buf, size_t len, char out[65])
{
	char hex[65];
	ssize_t n, got = 0;
	int p[2], status;
	pid_t pid;

	snprintf(out, 65, "unavailable");
	if (pipe(p) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (hash_here(buf, len, hex) < 0 || write(p[1], hex, 64) != 64)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	while (got < 64 && ((n = read(p[0], hex + got, (size_t)(64 - got))) >
	    0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			got += n;
	close(p[0]);
	status = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got != 64 || status == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	hex[64] = '\0';
	memcpy(out, hex, 65);
	return 0;
}
