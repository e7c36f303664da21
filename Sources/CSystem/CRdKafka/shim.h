#ifndef APICENSUS_CRDKAFKA_SHIM_H
#define APICENSUS_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
/* The in-process mock cluster: the wrapper's fast tests run a consumer group against it. */
#include <librdkafka/rdkafka_mock.h>
#endif
