/* A store file that reaches into the HTTP library. */
#include "h2o.h"

void store_web(h2o_req_t *req)
{
    (void)req;
}
