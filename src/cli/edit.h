/*
 * edit.h - `edit`: the jobs file in $VISUAL / $EDITOR (edit.c).
 */
#ifndef SITEWATCH_EDIT_H
#define SITEWATCH_EDIT_H

/* `edit`: the jobs file in $VISUAL / $EDITOR, validated, installed
 * safely.  Returns the process's exit code. */
int cmd_edit(const char *file);

#endif
