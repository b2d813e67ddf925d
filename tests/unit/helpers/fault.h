/* fault.h — fault injection for the store's unit tests: the Nth allocation (the store's own and
 * SQLite's) or the Nth file operation SQLite makes (read, write, sync, truncate) fails, once.
 *
 * Call fault_install() first in main, before anything touches SQLite: it gives SQLite an
 * allocator and a default VFS that count, and sets the store's allocation hook. Both pass every
 * call through unchanged until fault_arm(). */
#ifndef IOC_TEST_FAULT_H
#define IOC_TEST_FAULT_H

enum fault_kind { FAULT_ALLOC, FAULT_IO };

void fault_install(void);
/* The nth (1-based) event of kind from now fails; every other event passes. */
void fault_arm(enum fault_kind kind, long nth);
/* Disarms; returns 1 if the armed failure happened since fault_arm. */
int fault_disarm(void);
/* Events of the armed kind counted since fault_arm (call while armed: arm with LONG_MAX to
 * count without failing). */
long fault_used(void);

#endif
