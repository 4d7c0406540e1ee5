/*
 * msg.h - what mailprov says while it works, in tiers, to one sink.
 *
 * The library never chooses where its words go: it calls msg_info (what
 * a run did), msg_warn (something the admin should look at; the run goes
 * on), msg_error (a step failed) or msg_panic (a broken invariant: abort
 * for a core dump).  The program installs the sink once: the CLI's writes
 * "mailprov: TEXT" lines (info to stdout, warnings and errors to stderr),
 * mailprovd's sends them to syslog with the matching priority (and to
 * stderr with -d).  With no sink installed, every tier goes to stderr.
 *
 * Reasons do not travel through here: an operation that fails returns -1
 * and puts its one-line reason in a caller's `char **why' (see util.h);
 * the caller decides whether and how to say it.
 */
#ifndef MAILPROV_MSG_H
#define MAILPROV_MSG_H

#include <stdarg.h>

enum msg_level {
	MSG_DEBUG,
	MSG_INFO,
	MSG_WARN,
	MSG_ERROR
};

/* msg_sink - receives one finished line (no newline); ctx as installed. */
typedef void (*msg_sink)(enum msg_level level, const char *text, void *ctx);

/* msg_set_sink - install a sink (NULL: back to plain stderr). */
void	msg_set_sink(msg_sink sink, void *ctx);
/* msg_stdio_sink - the CLI's: "PROG: TEXT", info on stdout. ctx: PROG. */
void	msg_stdio_sink(enum msg_level level, const char *text, void *ctx);

void	msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_say - at a level chosen at run time. */
void	msg_say(enum msg_level level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	msg_vsay(enum msg_level level, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));
/* msg_panic - a broken invariant: say it on stderr and abort. */
void	msg_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

#endif
