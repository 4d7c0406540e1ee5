/*
 * fcntl_closem.h - for `make aix-check` only (compile, never link): the
 * F_CLOSEM command of AIX's <fcntl.h>, "close every descriptor from the
 * one given", which Linux's header lacks.  Its value matters to no check.
 */
#define F_CLOSEM	10
