#ifndef FOLIO_CGIT2_SHIM_H
#define FOLIO_CGIT2_SHIM_H
#include <git2.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option folio sets. */
static inline int folio_git_set_cache_max_size(long long bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)bytes);
}

static inline int folio_git_set_ssl_cert_file(const char *file) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, (const char *)0);
}

static inline int folio_git_owner_validation(void) {
    int enabled = 1;
    git_libgit2_opts(GIT_OPT_GET_OWNER_VALIDATION, &enabled);
    return enabled;
}

static inline int folio_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}
#endif
