/*
 * importcmd.h - `import`: urlwatch's jobs as rows (importcmd.c).
 */
#ifndef SITEWATCH_IMPORTCMD_H
#define SITEWATCH_IMPORTCMD_H

/*
 * `import [-i INTERVAL] URLS.YAML`: urlwatch's url jobs appended as rows,
 * the YAML read by sitewatch-helper.  Returns the process's exit code.
 */
int cmd_import(const char *file, const char *interval, const char *yaml);

#endif
