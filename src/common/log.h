/*
 * log.h - log lines: "TIME NAME what happened", on stderr and, with
 * --log FILE, appended to a file as well.  Each line is one write(2), so
 * lines from many processes never interleave.
 */
#ifndef SITEWATCH_LOG_H
#define SITEWATCH_LOG_H

/* Opens path for appending as the second log destination.  Returns 0, or
 * -1 with errno. */
int log_open(const char *path);

/* Returns the log file's descriptor, or -1 when there is none. */
int log_file_fd(void);

/* Makes fd (already a copy of the log file) the log file's descriptor,
 * for a child that renumbers its descriptors. */
void log_set_file_fd(int fd);

/* 1 when -v was given: routine lines ("unchanged") are logged too. */
extern int log_verbose;

/*
 * Logs one line: the UTC time, who (a watcher's name, or "sitewatch"),
 * and the message.  Control characters in the message are shown as '?',
 * so a hostile page cannot forge log lines.
 */
void log_msg(const char *who, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
