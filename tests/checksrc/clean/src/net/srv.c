/* net may use h2o. */
#include "h2o.h"
#include "net/net_int.h"

void net_srv(h2o_req_t *req)
{
    req->res.status = 404;
    H2O_STRLIT("x");
}
