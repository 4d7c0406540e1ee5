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
 * digest_sha256_hexv - in a child process: OpenSSL 3 cannot be unloaded
 * (dlclose leaves it mapped), so the daemon itself never loads it; a
 * forked child does, hashes its copies of the buffers, and writes the
 * hex of each, 64 bytes apiece.
 */
int
digest_sha256_hexv(size_t n, const void *const *bufs, const size_t *lens,
    char (*outs)[65])
{
	char hex[65];
	ssize_t r;
	size_t i, got;
	int p[2], status, bad = 0;
	pid_t pid;

	for (i = 0; i < n; i++)
		snprintf(outs[i], 65, "unavailable");
	if (pipe(p) < 0)
		return -1;
	/*
	 * What stdio holds goes out once, here: the child must not write it
	 * again (libcrypto's loading can flush the copy it inherits).
	 */
	(void)fflush(NULL);
	if ((pid = fork()) < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		for (i = 0; i < n; i++)
			if (hash_here(bufs[i], lens[i], hex) < 0 ||
			    write(p[1], hex, 64) != 64)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	for (i = 0; i < n && !bad; i++) {
		for (got = 0; got < 64 && ((r = read(p[0], hex + got, 64 -
		    got)) > 0 || (r < 0 && errno == EINTR));)
			if (r > 0)
				got += (size_t)r;
		hex[64] = '\0';
		if (got == 64)
			memcpy(outs[i], hex, 65);
		else
			bad = 1;
	}
	close(p[0]);
	status = -1;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (bad || status == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		for (i = 0; i < n; i++)
			snprintf(outs[i], 65, "unavailable");
		return -1;
	}
	return 0;
}

int
digest_sha256_hex(const void *buf, size_t len, char out[65])
{
	char (*outs)[65] = (char (*)[65])out;

	return digest_sha256_hexv(1, &buf, &len, outs);
}
