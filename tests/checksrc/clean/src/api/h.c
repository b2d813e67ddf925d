/* api chooses statuses. */
#include "api/api_int.h"
#include "net/net.h"

void h(struct net_req *r, int status)
{
    if (status == 404)
        return;
    net_res_send(r, 403, "application/json", "{}", 2);
}
