/* h2o outside net, allowed for the whole file. */
#include "h2o.h"

void geo_uses(h2o_req_t *req, h2o_iovec_t v)
{
    (void)req;
    (void)v;
}
