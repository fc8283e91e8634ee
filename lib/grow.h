/* grow.h - arrays that double when they are full.
 *
 *	struct item *v = grow(l->v, &l->cap, l->n, sizeof(*v), 64);
 *	if (v == NULL)
 *		return -1;	(l->v is as it was)
 *	l->v = v;
 *	l->v[l->n++] = item;
 */
#ifndef DCDLAB_GROW_H
#define DCDLAB_GROW_H

#include <stddef.h>

/* grow.c: a full array made larger (see grow()). */
void *grow_full(void *arr, size_t *cap, size_t size, size_t first);

/* The array `arr` (n elements in use, *cap allocated, `size` bytes each)
 * with room for one more: `arr` itself while there is room, else a
 * reallocated copy of twice the capacity (`first` elements the first
 * time) and *cap updated. NULL when memory is out or the new size would
 * not fit in a size_t: `arr` and *cap are then unchanged, and the caller
 * decides what the element that does not fit means. */
static inline void *grow(void *arr, size_t *cap, size_t n, size_t size, size_t first)
{
	return n < *cap ? arr : grow_full(arr, cap, size, first);
}

#endif
