/*
 * show.h - `check --url` and `check NAME --show`: what a check would see,
 * printed, recorded nowhere (show.c).  Each returns the process's exit
 * code: 0 done, 1 a runtime failure, 2 bad input.
 */
#ifndef SITEWATCH_SHOW_H
#define SITEWATCH_SHOW_H

#include "watcher/watcher.h"

/* `check --url URL [--filter CHAIN]`: fetch once and print what came
 * back, and the text the chain (NULL: the default) makes of it, each step
 * timed; records nothing.  wo carries the fetch options. */
int cmd_check_url(const char *url, const char *filter,
    const struct watcher_opts *wo);

/* `check NAME --show`: check --url with the row's URL and filter. */
int cmd_check_show(const char *file, const char *name,
    const struct watcher_opts *wo);

#endif
