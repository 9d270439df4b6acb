/*
 * desktop.h - the desktop process: the notifier's child and the only
 * process that touches D-Bus.  It loads libnotify (dlopen), shows each
 * event the notifier forwards, follows a notification server that
 * restarts, and opens a notification's URL with xdg-open when the person
 * clicks it.
 */
#ifndef SITEWATCH_DESKTOP_H
#define SITEWATCH_DESKTOP_H

/* How the desktop process ends, besides 0 (its channel closed). */
#define DESKTOP_EXIT_BUS_GONE 3	/* no session bus, or it closed: the
				 * notifier starts a new process at the next
				 * event, when a bus is there */
#define DESKTOP_EXIT_UNUSABLE 4	/* libnotify missing or unusable: said in
				 * the log; no new process is started */

/*
 * Runs the desktop process on fd, the read end of a SOCK_SEQPACKET
 * channel carrying events (common/event.h), until the channel closes
 * or the session bus goes.  down set: desktop notifications have been
 * said not to work, and the first one shown says they work again.
 * Never returns.
 */
void desktop_main(int fd, int down) __attribute__((noreturn));

#endif
