#ifndef APICENSUS_CRDKAFKA_SHIM_H
#define APICENSUS_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#endif
