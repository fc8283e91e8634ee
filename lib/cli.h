/* cli.h - what every subcommand shares with the dispatcher in dcdlab.c. */
#ifndef DCDLAB_CLI_H
#define DCDLAB_CLI_H

#include <stdio.h>

/* Print the help of one subcommand (defined in dcdlab.c). */
void cmd_help_topic(const char *topic, FILE *out);

#endif
