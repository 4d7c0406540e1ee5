/*
 * fuzz_aliases.c - libFuzzer target: the aliases and list-file parsers
 * and editors on any bytes.  An edit applied twice must change nothing
 * the second time.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aliases.h"
#include "listfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct desired_aliases al;
	struct dalias e[2];
	struct aliases a;
	struct strlist notes = { 0 }, want = { 0 }, got = { 0 };
	struct sbuf out = { 0 }, out2 = { 0 }, l1 = { 0 }, l2 = { 0 };
	const char *buf = (const char *)data;
	size_t i;
	/* mailprov refuses files with NUL bytes before editing them. */
	if (memchr(data, 0, size) != NULL)
		return 0;

	aliases_parse(buf, size, &a);
	aliases_free(&a);
	memset(&al, 0, sizeof(al));
	memset(e, 0, sizeof(e));
	al.sect.set = al.entries_sect.set = 1;
	al.mode.v = size > 0 && data[0] & 1 ? ALIASES_EXACT : ALIASES_MERGE;
	e[0].name = (char *)(uintptr_t)"postmaster";
	strlist_push(&e[0].targets, "root");
	e[1].name = (char *)(uintptr_t)"ops";
	strlist_push(&e[1].targets, "alice");
	strlist_push(&e[1].targets, "bob");
	al.entries = e;
	al.n = 2;
	if (aliases_edit(buf, size, &al, &out, &notes) &&
	    aliases_edit(out.s, out.len, &al, &out2, &notes))
		abort();	/* the edited file must already be right */
	strlist_push(&want, "localhost");
	strlist_push(&want, "example.net");
	listfile_edit(buf, size, &want, &l1);
	listfile_edit(l1.s, l1.len, &want, &l2);
	if (l1.len != l2.len || memcmp(l1.s, l2.s, l1.len) != 0)
		abort();
	listfile_entries(l1.s, l1.len, &got);
	if (got.n != want.n)
		abort();
	for (i = 0; i < got.n; i++)
		if (strcmp(got.v[i], want.v[i]) != 0)
			abort();
	for (i = 0; i < 2; i++)
		strlist_clear(&e[i].targets);
	strlist_clear(&notes), strlist_clear(&want), strlist_clear(&got);
	sbuf_free(&out), sbuf_free(&out2), sbuf_free(&l1), sbuf_free(&l2);
	return 0;
}
