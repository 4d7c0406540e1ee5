/*
 * util.h - allocation that never fails, growable string lists and buffers.
 *
 * The x-allocators print one line and abort on exhaustion: a daemon that
 * runs out of memory while editing mail configuration must not limp on
 * with half-built state.  Every *_free() accepts NULL.
 *
 * The conventions of the whole library, written once:
 *   system-call wrappers (fileio, proc)  0 / -1 with errno
 *   operations (plan, apply, service,    0 / -1 with a one-line reason
 *   sendmail, src, fetch ...)            in char **why (caller frees;
 *                                        seterr fills it)
 *   reading input (desired, dconf)       NULL with every error in a
 *                                        struct diags (path:line:col)
 *   edits (cf, listfile, rctcpip)        1 changed / 0 unchanged / -1
 *   predicates                           1 / 0
 *   progress and warnings                msg_info/warn/error (msg.h)
 */
#ifndef MAILPROV_UTIL_H
#define MAILPROV_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray - realloc for nmemb * size, aborting on overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xasprintf - a new string, printf-style; xvasprintf with a va_list. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));
/*
 * seterr - replace *why with a new message (the old one may be among the
 * arguments); returns -1, the error value.
 */
int   seterr(char **why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* strlist - an owned, growable array of owned strings. */
struct strlist {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

void	strlist_push(struct strlist *l, const char *s);	/* copies s */
void	strlist_take(struct strlist *l, char *s);	/* takes s */
/* strlist_find - index of s (case-insensitive if nocase), or -1. */
long	strlist_find(const struct strlist *l, const char *s, int nocase);
void	strlist_clear(struct strlist *l);

/* util_wipe - zero n bytes at p in a way the compiler keeps (secrets). */
void	util_wipe(void *p, size_t n);

/* sbuf - a growable NUL-terminated byte buffer. */
struct sbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

/*
 * utf8_len - the length of the UTF-8 sequence at p (at most n bytes), its
 * code point in *cp (may be NULL); 0 if it is not one (a byte that never
 * starts one, a cut or overlong sequence, a surrogate, past U+10FFFF).
 */
size_t	utf8_len(const unsigned char *p, size_t n, unsigned long *cp);

void	sbuf_add(struct sbuf *b, const char *p, size_t n);
void	sbuf_adds(struct sbuf *b, const char *s);
void	sbuf_addf(struct sbuf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	sbuf_free(struct sbuf *b);
/*
 * sbuf_json_str - s as a JSON string literal: valid UTF-8 copied; '"',
 * '\\', controls (C0, DEL, C1) and U+2028/U+2029 escaped; each byte of
 * what is not UTF-8 written as \u00XX, its Latin-1 reading.  Always
 * valid JSON, whatever bytes s holds.
 */
void	sbuf_json_str(struct sbuf *b, const char *s);
/* sbuf_json_list - l as a JSON array of strings. */
void	sbuf_json_list(struct sbuf *b, const struct strlist *l);

#endif
