/* grow.c - arrays that double when they are full. */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>

void *grow_full(void *arr, size_t *cap, size_t size, size_t first)
{
	void *v;

	if (*cap > SIZE_MAX / 2)
		return NULL;
	size_t n = *cap ? 2 * *cap : first;
	if (n == 0 || size == 0 || n > SIZE_MAX / size)
		return NULL;
	v = realloc(arr, n * size);
	if (v == NULL)
		return NULL;
	*cap = n;
	return v;
}
