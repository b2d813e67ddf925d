/*
 * slot.c — publishing a point index to reader threads: one index is published at a time,
 * replaced whole by a single publisher and read without locks; a replaced index is destroyed
 * only once no reader can still be using it.
 *
 * The scheme is hazard pointers, one per registered reader:
 *
 *   reader     do { p = cur; hazard = p; } while (cur != p);  ...use p...  hazard = NULL;
 *   publisher  old = exchange(cur, new);  ...later, when no hazard equals old: destroy old.
 *
 * Invariants:
 *   1. Every access to cur and to the hazards is sequentially consistent. In that single total
 *      order a reader's hazard store either precedes the publisher's scan, which then sees it and
 *      keeps old, or follows it; then the reader's second load of cur also follows the exchange,
 *      sees the new index, and the reader retries without ever using old.
 *   2. A reader holds at most one index, between geo_slot_acquire and geo_slot_release, and
 *      never waits: it loops again only when a publish fell between its two loads of cur.
 *   3. Readers are pushed onto a list (lock-free) and stay until the slot is destroyed, so the
 *      publisher's scan never meets a freed reader.
 *
 * No threads and no locks here: the caller decides who publishes, and when to look again at a
 * replaced index that a reader still held.
 */
#include "base/base.h"
#include "geo/geo.h"

#include <stdatomic.h>
#include <stdlib.h>

struct geo_reader {
    _Atomic(const struct geo_index *) hazard; /* the index this reader is using, or NULL */
    struct geo_reader *next;                  /* written before the reader is pushed */
};

struct geo_slot {
    _Atomic(struct geo_index *) cur;      /* the published index, or NULL */
    _Atomic(struct geo_reader *) readers; /* every registered reader */
};

int geo_slot_create(struct geo_slot **out)
{
    struct geo_slot *s = calloc(1, sizeof *s);
    if (!s)
        return IOC_ENOMEM;
    atomic_init(&s->cur, NULL);
    atomic_init(&s->readers, NULL);
    *out = s;
    return 0;
}

void geo_slot_destroy(struct geo_slot *s)
{
    if (!s)
        return;
    struct geo_reader *r = atomic_load(&s->readers);
    while (r) {
        struct geo_reader *next = r->next;
        free(r);
        r = next;
    }
    geo_index_destroy(atomic_load(&s->cur));
    free(s);
}

int geo_slot_reader_add(struct geo_slot *s, struct geo_reader **out)
{
    struct geo_reader *r = calloc(1, sizeof *r);
    if (!r)
        return IOC_ENOMEM;
    atomic_init(&r->hazard, NULL);
    struct geo_reader *head = atomic_load(&s->readers);
    do
        r->next = head;
    while (!atomic_compare_exchange_weak(&s->readers, &head, r));
    *out = r;
    return 0;
}

const struct geo_index *geo_slot_acquire(struct geo_slot *s, struct geo_reader *r)
{
    const struct geo_index *p = atomic_load(&s->cur);
    for (;;) {
        atomic_store(&r->hazard, p);
        const struct geo_index *again = atomic_load(&s->cur);
        if (again == p)
            break;
        p = again; /* a publish came between the two loads (invariant 1) */
    }
    if (!p)
        atomic_store(&r->hazard, NULL);
    return p;
}

void geo_slot_release(struct geo_reader *r)
{
    atomic_store(&r->hazard, NULL);
}

struct geo_index *geo_slot_publish(struct geo_slot *s, struct geo_index *ix)
{
    return atomic_exchange(&s->cur, ix);
}

int geo_slot_held(struct geo_slot *s, const struct geo_index *ix)
{
    if (!ix)
        return 0;
    for (struct geo_reader *r = atomic_load(&s->readers); r; r = r->next)
        if (atomic_load(&r->hazard) == ix)
            return 1;
    return 0;
}
