/*
 * closefrom_generic.c - closefrom_all where the system says nothing of
 * what is open: the loop.
 *
 * Contract: see closefrom.h.
 */
#include "closefrom.h"

void
closefrom_all(int low)
{
	closefrom_loop(low);
}
