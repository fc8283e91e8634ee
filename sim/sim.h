/* sim.h - the lab and sim subcommands. */
#ifndef DCDLAB_SIM_H
#define DCDLAB_SIM_H

int cmd_lab(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif
