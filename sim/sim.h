/* sim.h - the lab and sim subcommands. */
#ifndef DCDLAB_SIM_H
#define DCDLAB_SIM_H

int cmd_lab(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_check(int argc, char **argv);

/* The full help text of dcdlab lab. */
extern const char lab_usage[];

/* The full help text of dcdlab sim. */
extern const char sim_usage[];

/* The full help text of dcdlab check. */
extern const char check_usage[];

#endif
