/*
 * msg.c - tiers and one sink for what the library says.
 *
 * Contract: see msg.h.  The sink is process-wide state, set once by a
 * main before any work: the library itself holds no other global.
 */
#include "msg.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

static msg_sink	 the_sink;
static void	*the_ctx;

void
msg_set_sink(msg_sink sink, void *ctx)
{
	the_sink = sink;
	the_ctx = ctx;
}

void
msg_stdio_sink(enum msg_level level, const char *text, void *ctx)
{
	const char *prog = ctx != NULL ? ctx : "mailprov";

	if (level >= MSG_WARN) {
		/* Keep the order of lines when both go to one file. */
		(void)fflush(stdout);
		fprintf(stderr, "%s: %s\n", prog, text);
	} else
		printf("%s: %s\n", prog, text);
}

void
msg_vsay(enum msg_level level, const char *fmt, va_list ap)
{
	char *s = xvasprintf(fmt, ap);

	if (the_sink != NULL)
		the_sink(level, s, the_ctx);
	else if (level != MSG_DEBUG)
		fprintf(stderr, "mailprov: %s\n", s);
	free(s);
}

#define SAY(level) do {				\
	va_list ap;				\
						\
	va_start(ap, fmt);			\
	msg_vsay((level), fmt, ap);		\
	va_end(ap);				\
} while (0)

void msg_debug(const char *fmt, ...) { SAY(MSG_DEBUG); }
void msg_info(const char *fmt, ...) { SAY(MSG_INFO); }
void msg_warn(const char *fmt, ...) { SAY(MSG_WARN); }
void msg_error(const char *fmt, ...) { SAY(MSG_ERROR); }

void
msg_say(enum msg_level level, const char *fmt, ...)
{
	SAY(level);
}

void
msg_panic(const char *fmt, ...)
{
	va_list ap;

	(void)fflush(stdout);
	fputs("mailprov: PANIC: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
