/*
 * mailprov-fetch - the only program that links libcurl.
 *
 * mailprov and mailprovd run it (through proc: fixed argv, clean
 * environment, time limit) when a desired state comes from a URL or a
 * report goes to a collector, so neither pays libcurl's start-up cost
 * when no URL is involved.
 *
 *   mailprov-fetch get URL OUT STATE [options]
 *	Fetch URL into OUT (replaced atomically).  STATE keeps the ETag and
 *	Last-Modified of the last good fetch for a conditional request.
 *	Exit 0: fetched; 3: not modified (304); 1: failed (one line).
 *   mailprov-fetch post URL FILE [options]
 *	POST FILE as application/json.  Exit 0 on a 2xx answer, 1 otherwise.
 *
 * Options: --ca-file F, --ca-path D, --cert F, --key F, --insecure,
 * --max-bytes N (default 1 MiB), --connect-timeout S (10), --timeout S
 * (60), --retries N (3; exponential backoff with jitter, on connection
 * errors, timeouts and 5xx).  HTTPS only, certificate and host name
 * verified, redirects at most 3 and never away from HTTPS, unless
 * --insecure.  A usage error, or a number out of its range (see
 * option_number), exits 2.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "util.h"

/* The ranges of the numeric options (seconds, bytes, tries). */
#define MAX_BYTES_MAX	(1L << 30)
#define TIMEOUT_MAX	3600L
#define RETRIES_MAX	20L

struct fopts {
	const char	*ca_file, *ca_path, *cert, *key;
	int		 insecure;
	long		 max_bytes, connect_timeout, timeout, retries;
};

struct body {
	struct sbuf	b;
	long		max;
	int		over;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct body *bd = arg;

	if ((long)(bd->b.len + size * n) > bd->max) {
		bd->over = 1;
		return 0;	/* abort the transfer */
	}
	sbuf_add(&bd->b, p, size * n);
	return size * n;
}

/* header lines of the answer, for ETag and Last-Modified */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct sbuf *h = arg;

	sbuf_add(h, p, size * n);
	return size * n;
}

/* header_value - the value of header name in the last response block. */
static char *
header_value(const char *hdrs, const char *name)
{
	const char *p = hdrs, *last = NULL, *nl;
	size_t nl_len = strlen(name);

	for (; *p != '\0'; p = *nl ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if ((size_t)(nl - p) > nl_len && strncasecmp(p, name, nl_len) ==
		    0 && p[nl_len] == ':')
			last = p + nl_len + 1;
	}
	if (last == NULL)
		return NULL;
	last += strspn(last, " \t");
	return xstrndup(last, strcspn(last, "\r\n"));
}

static void
setup(CURL *c, const char *url, const struct fopts *o, char *errbuf)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, o->insecure ? "https,http" :
	    "https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, o->insecure ?
	    "https,http" : "https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->insecure ? 0L : 2L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, o->connect_timeout);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mailprov");
	if (o->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
	if (o->ca_path)
		curl_easy_setopt(c, CURLOPT_CAPATH, o->ca_path);
	if (o->cert)
		curl_easy_setopt(c, CURLOPT_SSLCERT, o->cert);
	if (o->key)
		curl_easy_setopt(c, CURLOPT_SSLKEY, o->key);
}

/* retryable - worth another try: no connection, a time-out, a 5xx. */
static int
retryable(CURLcode rc, long status)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
	    rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_RECV_ERROR ||
	    rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING ||
	    (rc == CURLE_OK && status >= 500);
}

/* pause_before - try n (1-based): 0.5 s, 1 s, 2 s ... with +-25% jitter. */
static void
pause_before(int n)
{
	long ms = 500L << (n > 6 ? 6 : n - 1);
	struct timespec ts;

	/* Jitter only spreads retries out: rand() is random enough. */
	ms += (long)(rand() % (ms / 2 + 1)) - ms / 4;	/* NOLINT(cert-msc30-c) */
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/* conditional_headers - If-None-Match and If-Modified-Since from state. */
static struct curl_slist *
conditional_headers(const char *state)
{
	struct curl_slist *h = NULL;
	struct sbuf st = { 0 };
	char *old = NULL, *line, *save;
	size_t olen;

	if (fileio_read(state, 64 * 1024, FILEIO_NOFOLLOW, &old, &olen) == 0)
		for (line = strtok_r(old, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			st.len = 0;
			if (strncmp(line, "etag ", 5) == 0)
				sbuf_addf(&st, "If-None-Match: %s", line + 5);
			else if (strncmp(line, "modified ", 9) == 0)
				sbuf_addf(&st, "If-Modified-Since: %s",
				    line + 9);
			else
				continue;
			h = curl_slist_append(h, st.s);
		}
	free(old);
	sbuf_free(&st);
	return h;
}

/*
 * get_retrying - GET url with headers h into bd (body) and hdrs (header
 * lines), trying again as o says; the last try's result and *status.
 */
static CURLcode
get_retrying(const char *url, const struct fopts *o, struct curl_slist *h,
    struct body *bd, struct sbuf *hdrs, char *errbuf, long *status)
{
	CURLcode rc;
	int try;

	for (try = 1;; try++) {
		CURL *c = curl_easy_init();

		memset(bd, 0, sizeof(*bd));
		bd->max = o->max_bytes;
		hdrs->len = 0;
		errbuf[0] = '\0';
		setup(c, url, o, errbuf);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, bd);
		curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(c, CURLOPT_HEADERDATA, hdrs);
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)o->max_bytes);
		rc = curl_easy_perform(c);
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		curl_easy_cleanup(c);
		if (!retryable(rc, *status) || try > o->retries)
			return rc;
		fprintf(stderr, "mailprov-fetch: %s: %s; trying again\n", url,
		    rc != CURLE_OK ? (*errbuf ? errbuf : curl_easy_strerror(rc))
		    : "server error");
		sbuf_free(&bd->b);
		pause_before(try);
	}
}

/* save_state - the answer's ETag and Last-Modified, for the next GET. */
static void
save_state(const char *state, const struct sbuf *hdrs)
{
	struct sbuf st = { 0 };
	const char *all = hdrs->s ? hdrs->s : "";
	char *etag, *lm;

	sbuf_add(&st, "", 0);
	if ((etag = header_value(all, "ETag")) != NULL)
		sbuf_addf(&st, "etag %s\n", etag);
	if ((lm = header_value(all, "Last-Modified")) != NULL)
		sbuf_addf(&st, "modified %s\n", lm);
	fileio_replace(state, st.s, st.len, NULL);
	free(etag), free(lm);
	sbuf_free(&st);
}

static int
do_get(const char *url, const char *out, const char *state,
    const struct fopts *o)
{
	struct body bd;
	struct sbuf hdrs = { 0 };
	struct curl_slist *h = conditional_headers(state);
	char errbuf[CURL_ERROR_SIZE];
	long status = 0;
	CURLcode rc;
	int ret = 1;

	rc = get_retrying(url, o, h, &bd, &hdrs, errbuf, &status);
	curl_slist_free_all(h);
	if (bd.over || rc == CURLE_FILESIZE_EXCEEDED)
		fprintf(stderr, "mailprov-fetch: %s: the answer is larger than "
		    "%ld bytes; refused\n", url, o->max_bytes);
	else if (rc != CURLE_OK)
		fprintf(stderr, "mailprov-fetch: %s: %s\n", url, *errbuf ? errbuf :
		    curl_easy_strerror(rc));
	else if (status == 304)
		ret = 3;
	else if (status != 200)
		fprintf(stderr, "mailprov-fetch: %s: HTTP %ld\n", url, status);
	else if (fileio_replace(out, bd.b.s ? bd.b.s : "", bd.b.len, NULL) <
	    0)
		fprintf(stderr, "mailprov-fetch: %s: %s\n", out, strerror(errno));
	else {
		save_state(state, &hdrs);
		ret = 0;
	}
	sbuf_free(&bd.b), sbuf_free(&hdrs);
	return ret;
}

static int
do_post(const char *url, const char *file, const struct fopts *o)
{
	struct body bd;
	struct curl_slist *h = NULL;
	char errbuf[CURL_ERROR_SIZE], *data;
	size_t len;
	long status = 0;
	CURLcode rc;
	CURL *c;

	if (fileio_read(file, 4 * 1024 * 1024, FILEIO_NOFOLLOW, &data, &len) <
	    0) {
		fprintf(stderr, "mailprov-fetch: %s: %s\n", file, strerror(errno));
		return 1;
	}
	c = curl_easy_init();
	memset(&bd, 0, sizeof(bd));
	bd.max = 64 * 1024;
	errbuf[0] = '\0';
	setup(c, url, o, errbuf);
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &bd);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	free(data);
	sbuf_free(&bd.b);
	if (rc != CURLE_OK) {
		fprintf(stderr, "mailprov-fetch: %s: %s\n", url, *errbuf ? errbuf :
		    curl_easy_strerror(rc));
		return 1;
	}
	if (status < 200 || status > 299) {
		fprintf(stderr, "mailprov-fetch: %s: HTTP %ld\n", url, status);
		return 1;
	}
	return 0;
}

/*
 * option_number - *n from the value v of option name: digits only, from
 * min to max.  -1 after a one-line message if it is not.
 */
static int
option_number(const char *name, const char *v, long min, long max, long *n)
{
	long x;

	errno = 0;
	x = strtol(v, NULL, 10);
	if (*v == '\0' || v[strspn(v, "0123456789")] != '\0' ||
	    errno == ERANGE || x < min || x > max) {
		fprintf(stderr, "mailprov-fetch: %s '%s': not a whole number "
		    "from %ld to %ld\n", name, v, min, max);
		return -1;
	}
	*n = x;
	return 0;
}

int
main(int argc, char **argv)
{
	struct fopts o = { NULL, NULL, NULL, NULL, 0, 1024 * 1024, 10, 60, 3 };
	int i, r, npos = 0, bad = 0;
	const char *pos[4] = { NULL, NULL, NULL, NULL };

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--insecure") == 0)
			o.insecure = 1;
		else if (a[0] == '-' && a[1] == '-' && i + 1 < argc) {
			const char *v = argv[++i];

			if (strcmp(a, "--ca-file") == 0)
				o.ca_file = v;
			else if (strcmp(a, "--ca-path") == 0)
				o.ca_path = v;
			else if (strcmp(a, "--cert") == 0)
				o.cert = v;
			else if (strcmp(a, "--key") == 0)
				o.key = v;
			else if (strcmp(a, "--max-bytes") == 0)
				bad = option_number(a, v, 1, MAX_BYTES_MAX,
				    &o.max_bytes);
			else if (strcmp(a, "--connect-timeout") == 0)
				bad = option_number(a, v, 1, TIMEOUT_MAX,
				    &o.connect_timeout);
			else if (strcmp(a, "--timeout") == 0)
				bad = option_number(a, v, 1, TIMEOUT_MAX,
				    &o.timeout);
			else if (strcmp(a, "--retries") == 0)
				bad = option_number(a, v, 0, RETRIES_MAX,
				    &o.retries);
			else {
				fprintf(stderr, "mailprov-fetch: unknown option "
				    "'%s'\n", a);
				return 2;
			}
			if (bad < 0)
				return 2;
		} else if (npos < 4)
			pos[npos++] = a;
		else {
			fprintf(stderr, "mailprov-fetch: too many arguments\n");
			return 2;
		}
	}
	if (npos < 3 || (strcmp(pos[0], "get") == 0 && npos != 4) ||
	    (strcmp(pos[0], "post") == 0 && npos != 3)) {
		fprintf(stderr, "usage: mailprov-fetch get URL OUT STATE [opts] | "
		    "post URL FILE [opts]\n");
		return 2;
	}
	if (!o.insecure && strncasecmp(pos[1], "https://", 8) != 0) {
		fprintf(stderr, "mailprov-fetch: %s: only https:// URLs are "
		    "allowed (insecure: true permits others)\n", pos[1]);
		return 1;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	curl_global_init(CURL_GLOBAL_DEFAULT);
	r = strcmp(pos[0], "get") == 0 ? do_get(pos[1], pos[2], pos[3], &o) :
	    strcmp(pos[0], "post") == 0 ? do_post(pos[1], pos[2], &o) : 2;
	curl_global_cleanup();
	return r;
}
