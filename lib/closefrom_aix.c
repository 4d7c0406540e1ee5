/*
 * closefrom_aix.c - close every descriptor from low up with one call
 * (AIX's fcntl F_CLOSEM).
 *
 * Contract: see closefrom.h.
 */
#include "closefrom.h"

#include <fcntl.h>

void
closefrom_all(int low)
{
	if (fcntl(low, F_CLOSEM, 0) < 0)
		closefrom_loop(low);
}
