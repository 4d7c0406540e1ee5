/*
 * closefrom.h - close every descriptor from low up: what a child does
 * between fork and exec, so that a command mailprov starts inherits
 * nothing but its standard descriptors.
 *
 * The cost must follow what is open, not the open-file limit (a loop to
 * a limit of 65,536 is 65,536 close calls per command).  One
 * implementation per platform, chosen by the Makefile:
 *   closefrom_linux.c   Linux: close_range(2); on an older kernel the
 *                       entries of /proc/self/fd; without /proc the loop
 *   closefrom_aix.c     AIX: fcntl(low, F_CLOSEM)
 *   closefrom_loop.c    elsewhere: close each up to the limit
 * For a single-threaded process after fork only.
 */
#ifndef MAILPROV_CLOSEFROM_H
#define MAILPROV_CLOSEFROM_H

void	closefrom_all(int low);
/* closefrom_loop - the portable way, up to the limit (capped at 65,536). */
void	closefrom_loop(int low);

#endif
