/*
 * fuzz_cf.c - libFuzzer target: parse any bytes as sendmail.cf, make
 * every managed edit, serialise; the same edits on the result must change
 * nothing (the editor converges), and parsing then serialising without
 * edits must give the input back byte for byte (lossless).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
edit(struct cf *cf)
{
	struct strlist allowed = { 0 };
	enum cf_relay_shape shape;
	char *p;

	strlist_push(&allowed, "localhost");
	cf_set_macro(cf, "w", "dmspar02");
	cf_set_macro(cf, "S", "[relay.example.net]");
	if (cf_ensure_class_file(cf, 'w', "/etc/mail/local-host-names", &p) >= 0)
		free(p);
	cf_restrict_class(cf, 'w', &allowed);
	cf_relay_all(cf, 1, &shape);
	free(cf_alias_file(cf));
	cf_set_option(cf, "CACertFile", "/etc/mail/certs/ca.pem");
	cf_set_option(cf, "ServerKeyFile", NULL);
	free(cf_option(cf, "LogLevel"));
	cf_set_mailer_port(cf, "relay", "587");
	if (cf_mailer_port(cf, "relay", &p) == 0)
		free(p);
	if (cf_has_map(cf, "access", &p, NULL))
		free(p);
	strlist_clear(&allowed);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbuf once = { 0 }, twice = { 0 }, same = { 0 };
	struct cf *cf, *again;
	/* mailprov refuses files with NUL bytes before editing them. */
	if (memchr(data, 0, size) != NULL)
		return 0;
	cf = cf_parse((const char *)data, size);

	cf_serialize(cf, &same);
	if (same.len != size || memcmp(same.s, data, size) != 0)
		abort();	/* not lossless */
	edit(cf);
	cf_serialize(cf, &once);
	again = cf_parse(once.s, once.len);
	edit(again);
	cf_serialize(again, &twice);
	if (twice.len != once.len || memcmp(twice.s, once.s, once.len) != 0)
		abort();	/* a second pass must change nothing */
	cf_free(cf);
	cf_free(again);
	sbuf_free(&once), sbuf_free(&twice), sbuf_free(&same);
	return 0;
}
