/* capture.h - the capture subcommand. */
#ifndef DCDLAB_CAPTURE_H
#define DCDLAB_CAPTURE_H

int cmd_analyze(int argc, char **argv);

/* The full help text of dcdlab analyze. */
extern const char analyze_usage[];

#endif
