/* sim.h - the lab subcommand. */
#ifndef DCDLAB_SIM_H
#define DCDLAB_SIM_H

int cmd_lab(int argc, char **argv);

#endif
