/*
 * names.c - syntax rules for the values of the desired state.
 *
 * Contract: see names.h.  Pure functions over NUL-terminated strings; the
 * only allocations are short-lived copies and names_distance's matrix.
 */
#include "names.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
is_ldh(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '-';
}

/* check_label_n - one label of n bytes at s. */
static const char *
check_label_n(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return "has an empty label (two dots, or a dot at an end)";
	if (n > 63)
		return "has a label longer than 63 characters";
	for (i = 0; i < n; i++)
		if (!is_ldh((unsigned char)s[i]))
			return "may hold only letters, digits, '-' and '.'";
	if (s[0] == '-' || s[n - 1] == '-')
		return "has a label that starts or ends with '-'";
	return NULL;
}

const char *
names_check_label(const char *s)
{
	return check_label_n(s, strlen(s));
}

const char *
names_check_short_host(const char *s)
{
	if (strchr(s, '.') != NULL)
		return "must be the short host name without dots; "
		    "the domain goes in 'domain'";
	return names_check_label(s);
}

const char *
names_check_dns(const char *s)
{
	const char *dot, *why;
	size_t len = strlen(s);

	if (len == 0)
		return "is empty";
	if (len > 253)
		return "is longer than 253 characters";
	for (;;) {
		dot = strchr(s, '.');
		why = check_label_n(s, dot ? (size_t)(dot - s) : strlen(s));
		if (why != NULL)
			return why;
		if (dot == NULL)
			return NULL;
		s = dot + 1;
	}
}

const char *
names_check_domain(const char *s)
{
	const char *why = names_check_dns(s);

	if (why != NULL)
		return why;
	if (names_is_ipv4(s))
		return "is an IP address, not a DNS domain";
	return NULL;
}

/* octets - count dotted decimal octets 0-255 in s; -1 if not that form. */
static int
octets(const char *s)
{
	int n = 0;
	long v;
	char *end;

	for (;;) {
		if (!isdigit((unsigned char)s[0]))
			return -1;
		if (s[0] == '0' && isdigit((unsigned char)s[1]))
			return -1;	/* leading zero: octal to some resolvers */
		v = strtol(s, &end, 10);
		if (v > 255 || end - s > 3)
			return -1;
		n++;
		if (*end == '\0')
			return n;
		if (*end != '.')
			return -1;
		s = end + 1;
	}
}

int
names_is_ipv4(const char *s)
{
	return octets(s) == 4;
}

/* check_bracketed - "[host]" or "[ip]" with the brackets at s and s[n-1]. */
static const char *
check_bracketed(const char *s)
{
	size_t n = strlen(s);
	char *in;
	const char *why;

	if (n < 3 || s[n - 1] != ']')
		return "has an unbalanced '['";
	in = xstrndup(s + 1, n - 2);
	why = names_is_ipv4(in) ? NULL : names_check_dns(in);
	free(in);
	return why;
}

const char *
names_check_smart_host(const char *s)
{
	const char *colon = strchr(s, ':');
	static const char *const mailers[] = { "relay", "esmtp", "smtp" };
	size_t i, ml;

	if (*s == '\0')
		return NULL;	/* empty: no smart host, direct delivery */
	if (*s == '[' && colon != NULL && strchr(s, ']') != NULL &&
	    colon > strchr(s, ']'))
		return "may not carry a port; sendmail's DS takes a host only";
	if (colon != NULL) {
		ml = (size_t)(colon - s);
		for (i = 0; i < sizeof(mailers) / sizeof(mailers[0]); i++)
			if (strlen(mailers[i]) == ml &&
			    strncmp(s, mailers[i], ml) == 0)
				break;
		if (i == sizeof(mailers) / sizeof(mailers[0]))
			return "names an unknown mailer; use relay:, esmtp: "
			    "or smtp: before the host";
		s = colon + 1;
		if (strchr(s, ':') != NULL)
			return "may not carry a port; sendmail's DS takes "
			    "a host only";
	}
	if (*s == '[')
		return check_bracketed(s);
	if (strpbrk(s, "[]") != NULL)
		return "has a misplaced bracket";
	if (names_is_ipv4(s))
		return "is an IP address without brackets; write [address]";
	return names_check_dns(s);
}

const char *
names_check_relay_entry(const char *s)
{
	const char *p;
	int n;

	if (*s == '\0')
		return "is empty: it would let everyone relay";
	if (strcmp(s, ".") == 0 || strcmp(s, "*") == 0 || strchr(s, '*'))
		return "matches every host: it would make an open relay";
	if (strchr(s, '/') != NULL) {
		if (strncmp(s, "0.0.0.0/", 8) == 0 || strcmp(s, "0/0") == 0 ||
		    strcmp(s, "::/0") == 0)
			return "matches every address: it would make an "
			    "open relay";
		return "uses CIDR notation, which relay-domains does not "
		    "understand; write the network as dotted octets "
		    "(10.20.30)";
	}
	if (strncasecmp(s, "IPv6:", 5) == 0) {
		for (p = s + 5; *p != '\0'; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':')
				return "is not an IPv6 prefix (IPv6:2001:db8)";
		if (p == s + 5 || strspn(s + 5, ":") == strlen(s + 5))
			return "matches every IPv6 address: it would make an "
			    "open relay";
		return NULL;
	}
	if (s[0] == '.')
		return "starts with a dot; relay-domains matches subdomains "
		    "without one";
	if (strspn(s, "0123456789.") == strlen(s)) {
		n = octets(s);
		if (n < 0)
			return "is not an IP prefix of 1 to 4 octets, each "
			    "0 to 255";
		if (s[0] == '0')
			return "is an IP prefix in network 0, which no host "
			    "uses";
		return NULL;
	}
	if (strchr(s, '.') == NULL)
		return "is a top-level domain alone: it would relay for "
		    "every host under it";
	return names_check_dns(s);
}

const char *
names_check_alias_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return "is empty";
	if (n > 64)
		return "is longer than 64 characters";
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._+-") != n)
		return "may hold only letters, digits and . _ + -";
	if (s[0] == '.' || s[0] == '-')
		return "may not start with '.' or '-'";
	return NULL;
}

/* check_printable - no control characters, no newline, bounded. */
static const char *
check_printable(const char *s, size_t max)
{
	const unsigned char *p;

	if (strlen(s) > max)
		return "is too long";
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "holds a control character";
	return NULL;
}

enum alias_target
names_alias_target(const char *t, const char **why)
{
	const char *at, *local = t;
	char *dom;
	size_t ll;

	*why = check_printable(t, 1000);
	if (*why != NULL)
		return TARGET_INVALID;
	if (t[0] == '"')
		t++;
	if (t[0] == '|')
		return TARGET_PROGRAM;
	if (t[0] == '/')
		return TARGET_FILE;
	if (strncasecmp(t, ":include:", 9) == 0)
		return TARGET_INCLUDE;
	if (local[0] == '\\')
		local++;
	at = strchr(local, '@');
	ll = at ? (size_t)(at - local) : strlen(local);
	if (ll == 0 || strspn(local, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+=-") < ll ||
	    local[0] == '.' || local[0] == '-') {
		*why = "is not an address (user or user@domain)";
		return TARGET_INVALID;
	}
	if (ll > 64) {
		*why = "has a local part longer than 64 characters";
		return TARGET_INVALID;
	}
	if (at == NULL)
		return TARGET_ADDRESS;
	dom = xstrdup(at + 1);
	*why = dom[0] == '[' ? check_bracketed(dom) : names_check_dns(dom);
	free(dom);
	if (*why != NULL)
		return TARGET_INVALID;
	return TARGET_ADDRESS;
}

const char *
names_check_src_args(const char *s)
{
	size_t n = strlen(s);

	if (n > NAMES_SRC_ARGS_MAX)
		return "is longer than 199 characters, the SRC limit";
	if (n == 0)
		return NULL;
	/* No ':' either: lssrc -S separates its fields with it. */
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789 -_./=,+@%") != n)
		return "may hold only letters, digits, spaces and - _ . / = , "
		    "+ @ %; no shell characters, no ':'";
	if (s[0] != '-')
		return "must start with a flag ('-')";
	if (strstr(s, "  ") != NULL || s[n - 1] == ' ')
		return "must separate words with single spaces";
	return NULL;
}

const char *
names_check_src_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return "is empty";
	if (n > NAMES_SRC_NAME_MAX)
		return "is longer than 29 characters, the SRC limit";
	if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789_.-") != n || s[0] == '-')
		return "may hold only letters, digits and _ . - "
		    "(not starting with '-')";
	return NULL;
}

/* daemon_word_ok - one word of n bytes at w, by the rule in names.h. */
static int
daemon_word_ok(const char *w, size_t n)
{
	size_t i;

	if (n == 3 && strncmp(w, "-bd", 3) == 0)
		return 1;
	if (n > 2 && strncmp(w, "-L", 2) == 0) {
		for (i = 2; i < n; i++)
			if (!isalnum((unsigned char)w[i]) && strchr("_.-",
			    w[i]) == NULL)
				return 0;
		return 1;
	}
	if (n < 2 || strncmp(w, "-q", 2) != 0)
		return 0;
	i = 2 + (n > 2 && w[2] == 'p');
	while (i < n) {
		if (!isdigit((unsigned char)w[i]))
			return 0;
		while (i < n && isdigit((unsigned char)w[i]))
			i++;
		if (i < n && strchr("smhdw", w[i]) != NULL)
			i++;
	}
	return 1;
}

const char *
names_check_sendmail_daemon_args(const char *s, const char **word,
    size_t *len)
{
	size_t n;
	int bd = 0;

	*word = NULL;
	*len = 0;
	for (; *s != '\0'; s += n + (s[n] == ' ')) {
		n = strcspn(s, " ");
		if (n == 3 && strncmp(s, "-bd", 3) == 0)
			bd = 1;
		if (!daemon_word_ok(s, n)) {
			*word = s;
			*len = n;
			return "is not allowed: sendmail takes only -bd, "
			    "-q[p][INTERVAL] and -LTAG here (others, such as "
			    "-C, -X or -O, change the configuration it reads "
			    "or the files it writes)";
		}
	}
	if (!bd)
		return "must include -bd: sendmail under SRC runs only as a "
		    "daemon";
	return NULL;
}

const char *
names_check_abspath(const char *s)
{
	const char *p, *why = check_printable(s, 1023);

	if (why != NULL)
		return why;
	if (s[0] != '/')
		return "must be an absolute path";
	for (p = s; (p = strstr(p, "..")) != NULL; p += 2)
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return "may not contain '..'";
	if (strchr(s, ' ') != NULL)
		return "may not contain spaces";
	return NULL;
}

char *
names_smart_host_name(const char *s)
{
	const char *colon = s[0] == '[' ? NULL : strchr(s, ':');
	size_t n;

	if (colon != NULL)
		s = colon + 1;
	if (*s == '[') {
		n = strlen(s);
		return xstrndup(s + 1, n >= 2 ? n - 2 : 0);
	}
	return xstrdup(s);
}

const char *
names_check_safe_path(const char *s)
{
	const char *why = names_check_abspath(s);

	if (why != NULL)
		return why;
	if (s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._/+@-")] != '\0')
		return "may hold only letters, digits and . _ / + @ -";
	return NULL;
}

const char *
names_check_auth_user(const char *s)
{
	const char *why = check_printable(s, 255);

	if (why != NULL)
		return why;
	if (*s == '\0')
		return "is empty";
	if (strpbrk(s, " \"\\") != NULL)
		return "may not contain blanks, quotes or backslashes";
	return NULL;
}

const char *
names_check_sasl_mech(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 20 || s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_")] != '\0')
		return "is not a SASL mechanism name (upper case, e.g. PLAIN, "
		    "LOGIN, CRAM-MD5)";
	return NULL;
}

size_t
names_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, best, *d;

	/* Full matrix: keys are short; (la+1)*(lb+1) cells. */
	d = xcalloc((la + 1) * (lb + 1), sizeof(*d));
#define D(x, y) d[(x) * (lb + 1) + (y)]
	for (i = 0; i <= la; i++)
		D(i, 0) = i;
	for (j = 0; j <= lb; j++)
		D(0, j) = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int same = tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 1]);

			best = D(i - 1, j) + 1;
			if (D(i, j - 1) + 1 < best)
				best = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + !same < best)
				best = D(i - 1, j - 1) + !same;
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
			    tolower((unsigned char)b[j - 1]) &&
			    D(i - 2, j - 2) + 1 < best)
				best = D(i - 2, j - 2) + 1;
			D(i, j) = best;
		}
	best = D(la, lb);
#undef D
	free(d);
	return best;
}
