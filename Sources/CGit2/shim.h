#ifndef FOLIO_CGIT2_SHIM_H
#define FOLIO_CGIT2_SHIM_H
#include <git2.h>
#endif
