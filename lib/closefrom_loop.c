/*
 * closefrom_loop.c - close every descriptor up to the open-file limit.
 *
 * Contract: see closefrom.h.  The portable fallback: its cost is the
 * limit, whatever is open.
 */
#include "closefrom.h"

#include <unistd.h>

#define LOOP_CAP	65536

void
closefrom_loop(int low)
{
	long fd, max = sysconf(_SC_OPEN_MAX);

	if (max < 0 || max > LOOP_CAP)
		max = LOOP_CAP;
	for (fd = low; fd < max; fd++)
		(void)close((int)fd);
}
