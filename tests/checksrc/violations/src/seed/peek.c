/* A module that includes another module's internal header. */
#include "store/store_int.h"
#include "seed/seed_int.h"
