/* cmd_lab.c - `dcdlab lab`: the real-kernel lab.
 *
 *   dcdlab lab topology [--hold DUR]   build client -- firewall -- server,
 *                                      prove a TCP connection crosses it
 *                                      (IPv4 and IPv6), time it, remove it
 *   dcdlab lab cleanup                 remove what killed runs left behind
 *   dcdlab lab run [-j N] [--json] [--junit FILE] [--keep DIR] [--svg DIR]
 *                  FILE...             run scenario files (run.c), each in
 *                                      a process and namespaces of its own */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/clock.h"
#include "../../lib/log.h"
#include "../../lib/numparse.h"
#include "../../lib/sbuf.h"
#include "../../report/html.h"
#include "lab.h"
#include "../sim.h"
#include "topo.h"

/* `dcdlab help lab` and `dcdlab lab --help`. */
const char lab_usage[] = "usage: dcdlab lab run [-j N] [--json] [--junit FILE] [--keep DIR] "
                         "[--svg DIR] [--html FILE] SCENARIO...\n"
                         "       dcdlab lab topology [--hold DUR]\n"
                         "       dcdlab lab cleanup\n"
                         "\n"
                         "run: each scenario file in network namespaces of its own: client -- "
                         "firewall\n"
                         "(nftables + conntrack: idle timeout, silent / rst-next / rst-both, "
                         "keepalives\n"
                         "counted or ignored, presets) -- server; dcdlab listen and dcdlab connect "
                         "with\n"
                         "the scenario's settings, faults at their times, both firewall legs "
                         "captured and\n"
                         "analyzed; prints the timeline and each expectation against what was "
                         "observed.\n"
                         "  -j N          run up to N scenarios at once\n"
                         "  --json        one JSON report on stdout (text on stderr)\n"
                         "  --junit FILE  JUnit XML, one testcase per scenario\n"
                         "  --keep DIR    keep every run's captures and logs (default: only "
                         "failed ones)\n"
                         "  --svg DIR     each session's ladder diagram (SVG) per scenario\n"
                         "  --html FILE   one self-contained page: the scenarios, each "
                         "expectation\n"
                         "                against what was observed, each ladder\n"
                         "Exit 0 if every expectation held, 1 if not, 2 on a bad scenario file.\n"
                         "topology: build the lab's path (client 192.0.2.2 -- firewall -- server "
                         "198.51.100.2,\n"
                         "2001:db8:1::/64, 2001:db8:2::/64) with libnl, never attached to this "
                         "host's\n"
                         "namespace; prove a TCP connection crosses it (IPv4 and IPv6); time it; "
                         "remove it.\n"
                         "--hold keeps it up (at most 1h) for a look with ip netns.\n"
                         "cleanup: remove the namespaces (dcdlab-lab-PID-...) of runs that were "
                         "killed.\n"
                         "Needs root. Scenario format: man dcdlab, SCENARIO FILES; examples in "
                         "scenarios/.\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Root, or CAP_NET_ADMIN and CAP_SYS_ADMIN: said up front, plainly. */
static int need_privileges(void)
{
	if (geteuid() == 0)
		return 0;
	log_error("the lab creates network namespaces: run as root (or with CAP_NET_ADMIN and "
	          "CAP_SYS_ADMIN), e.g. sudo dcdlab lab ...");
	return -1;
}

/* A TCP connection from the client's namespace to the server's, through
 * the firewall: the proof that the path is built. */
static int prove_path(struct topo *t, int family, const char *server_ip, struct dcd_err *err)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int lfd = -1, cfd = -1, afd = -1, rc = -1;

	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(1521);
		inet_pton(AF_INET, server_ip, &in->sin_addr);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(1521);
		inet_pton(AF_INET6, server_ip, &in6->sin6_addr);
		len = sizeof(*in6);
	}
	/* A socket belongs to the namespace it was created in. */
	if (topo_enter(t, TOPO_SERVER, err) != 0)
		return -1;
	lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int ok = lfd >= 0 && bind(lfd, (struct sockaddr *)&ss, len) == 0 && listen(lfd, 1) == 0;
	int saved = errno;
	if (topo_leave(t, err) != 0 || !ok) {
		if (!ok)
			err_set(err, "listen on [%s]:1521 in %s: %s", server_ip,
			        t->name[TOPO_SERVER], strerror(saved));
		goto out;
	}
	if (topo_enter(t, TOPO_CLIENT, err) != 0)
		goto out;
	cfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	saved = errno;
	if (topo_leave(t, err) != 0 || cfd < 0) {
		if (cfd < 0)
			err_set(err, "socket in %s: %s", t->name[TOPO_CLIENT], strerror(saved));
		goto out;
	}
	if (connect(cfd, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS) {
		err_set(err, "connect to [%s]:1521: %s", server_ip, strerror(errno));
		goto out;
	}
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	if (poll(&p, 1, 2000) != 1 || (afd = accept(lfd, NULL, NULL)) < 0) {
		err_set(err,
		        "no connection from the client to [%s]:1521 through the firewall within 2 "
		        "s",
		        server_ip);
		goto out;
	}
	rc = 0;
out:
	if (afd >= 0)
		close(afd);
	if (cfd >= 0)
		close(cfd);
	if (lfd >= 0)
		close(lfd);
	return rc;
}

static int lab_topology(int argc, char **argv)
{
	int64_t hold_ms = 0, t0_ms, up_ms, down_ms;
	struct topo t;
	struct dcd_err err = { "" };
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--hold") == 0 && i + 1 < argc) {
			if (parse_duration_ms(argv[++i], 1000, &hold_ms) != 0 ||
			    hold_ms > 3600000) {
				log_error("--hold \"%s\": expected a duration up to 1h", argv[i]);
				return 2;
			}
		} else {
			log_error("lab topology: unexpected \"%s\" (usage: dcdlab lab topology "
			          "[--hold DUR])",
			          argv[i]);
			return 2;
		}
	}
	if (need_privileges() != 0)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0_ms = clock_now_ms(&clock_monotonic);
	if (topo_up(&t, 0, &err) != 0) {
		log_error("building the lab: %s", err.msg);
		return 1;
	}
	up_ms = clock_now_ms(&clock_monotonic) - t0_ms;
	printf("lab up in %lld ms: %s (192.0.2.2, 2001:db8:1::2) -- %s -- %s (198.51.100.2, "
	       "2001:db8:2::2)\n",
	       (long long)up_ms, t.name[TOPO_CLIENT], t.name[TOPO_FIREWALL], t.name[TOPO_SERVER]);
	if (prove_path(&t, AF_INET, "198.51.100.2", &err) != 0 ||
	    prove_path(&t, AF_INET6, "2001:db8:2::2", &err) != 0) {
		log_error("%s", err.msg);
		rc = 1;
	} else {
		printf("path ok: TCP from the client reaches the server through the firewall (IPv4 "
		       "and IPv6)\n");
	}
	fflush(stdout);
	/* Bounded: --hold is at most an hour, and Ctrl-C ends it early. */
	for (int64_t end = clock_now_ms(&clock_monotonic) + hold_ms;
	     !interrupted && clock_now_ms(&clock_monotonic) < end;)
		usleep(50000);
	t0_ms = clock_now_ms(&clock_monotonic);
	topo_down(&t);
	down_ms = clock_now_ms(&clock_monotonic) - t0_ms;
	printf("lab down in %lld ms%s\n", (long long)down_ms, interrupted ? " (interrupted)" : "");
	return interrupted ? 130 : rc;
}

static int lab_cleanup(void)
{
	struct dcd_err err = { "" };
	int n;

	if (need_privileges() != 0)
		return 1;
	n = topo_cleanup_stale(&err);
	if (n < 0) {
		log_error("%s", err.msg);
		return 1;
	}
	printf("removed %d network namespaces left by lab runs that are gone\n", n);
	return 0;
}

/* ---- lab run ---- */

struct job {
	struct scenario s;
	char dir[512];
	pid_t pid;
	int status;  /* 0 pass, 1 fail, 3 could not run; -1 not run */
	int wstatus; /* as wait() gave it */
};

/* Write one report; a failure (no such directory, a full disk, at the
 * write or only at the close) is logged with the path and returns -1. */

/* In the child: run one scenario, leave its reports in its directory. */
static int run_one(struct job *j, const char *svg_dir)
{
	struct lab_run r;
	int rc;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = lab_run_scenario(&r, &j->s, j->dir, (volatile int *)&interrupted);
	/* A report that could not be written is a run that could not be
	 * carried out (3), whatever the scenario showed. */
	int wrc = report_write(j->dir, "report.txt", &r, report_text);
	wrc |= report_write(j->dir, "report.json", &r, report_json);
	wrc |= report_write(j->dir, "junit.xml", &r, report_junit_case);
	wrc |= report_write(j->dir, "row.html", &r, report_html_row);
	wrc |= report_write(j->dir, "section.html", &r, report_html_section);
	if (rc == 0) {
		/* each session's ladder; dcdlab measure's hundred connections
		 * keep the timeline */
		if (j->s.measure) {
			wrc |= report_write(j->dir, "timeline.svg", &r, report_svg);
		} else {
			wrc |= report_write_ladders(j->dir, "ladder", &r);
		}
		if (svg_dir) {
			char name[200];
			snprintf(name, sizeof(name), "%s.svg", j->s.name);
			wrc |= j->s.measure ? report_write(svg_dir, name, &r, report_svg)
			                    : report_write_ladders(svg_dir, j->s.name, &r);
		}
	}
	bool pass = rc == 0 && lab_run_passed(&r);
	lab_run_free(&r);
	return rc != 0 || wrc != 0 ? 3 : pass ? 0 : 1;
}

static void cat_file(const char *dir, const char *name, FILE *out)
{
	char path[700], buf[8192];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "r")))
		return;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, out);
	fclose(f);
}

/* The job's report.json, or, when its process died before writing one, an
 * object that says so: the array stays valid JSON either way. */
static void json_job(const struct job *j, FILE *out)
{
	char path[700];
	struct stat st;

	snprintf(path, sizeof(path), "%s/report.json", j->dir);
	if (stat(path, &st) == 0 && st.st_size > 0) {
		cat_file(j->dir, "report.json", out);
		return;
	}
	struct sbuf b = { 0 };
	char why[96];
	if (WIFSIGNALED(j->wstatus))
		snprintf(why, sizeof(why), "its process was killed by signal %d (%s)",
		         WTERMSIG(j->wstatus), strsignal(WTERMSIG(j->wstatus)));
	else
		snprintf(why, sizeof(why), "its process exited with status %d",
		         WEXITSTATUS(j->wstatus));
	sbuf_printf(&b, "{\"name\":");
	sbuf_json_str(&b, j->s.name);
	sbuf_printf(&b, ",\"file\":");
	sbuf_json_str(&b, j->s.file);
	sbuf_printf(&b, ",\"passed\":false,\"error\":");
	char msg[160];
	snprintf(msg, sizeof(msg), "no report: %s", why);
	sbuf_json_str(&b, msg);
	sbuf_printf(&b, "}\n");
	fputs(b.buf, out);
	sbuf_free(&b);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[700];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

static int lab_run_usage(void)
{
	log_error("usage: dcdlab lab run [-j N] [--json] [--junit FILE] [--keep DIR] [--svg DIR] "
	          "SCENARIO...");
	return 2;
}

struct run_opts {
	long jobs_max;
	const char *junit, *keep, *svg_dir, *html;
	bool json;
};

/* Options anywhere among the files; the files are moved to argv[1..]:
 * their count, or -1 after a usage error (said). */
static int parse_run_args(int argc, char **argv, struct run_opts *o)
{
	int nfiles = 0;

	for (int k = 1; k < argc; k++) {
		const char *opt = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;
		if (opt[0] != '-' || !opt[1]) {
			argv[++nfiles] = argv[k];
			continue;
		}
		if (strcmp(opt, "--json") == 0) {
			o->json = true;
			continue;
		}
		if (!v)
			return lab_run_usage(), -1;
		if (strcmp(opt, "-j") == 0) {
			if (parse_long(v, 1, 64, &o->jobs_max) != 0) {
				log_error("-j \"%s\": expected a number of parallel runs, 1-64", v);
				return -1;
			}
		} else if (strcmp(opt, "--junit") == 0) {
			o->junit = v;
		} else if (strcmp(opt, "--keep") == 0) {
			o->keep = v;
		} else if (strcmp(opt, "--svg") == 0) {
			o->svg_dir = v;
		} else if (strcmp(opt, "--html") == 0) {
			o->html = v;
		} else {
			return lab_run_usage(), -1;
		}
		k++;
	}
	if (nfiles == 0)
		return lab_run_usage(), -1;
	return nfiles;
}

/* The directory the runs write into: --keep's, or a new temporary one. */
static int make_base_dir(const struct run_opts *o, char *base, size_t len)
{
	if (o->keep) {
		if (mkdir(o->keep, 0755) != 0 && errno != EEXIST) {
			log_error("--keep %s: %s", o->keep, strerror(errno));
			return -1;
		}
		snprintf(base, len, "%s", o->keep);
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(base, len, "%s/dcdlab-lab-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(base)) {
			log_error("%s: %s", base, strerror(errno));
			return -1;
		}
	}
	if (o->svg_dir && mkdir(o->svg_dir, 0755) != 0 && errno != EEXIST) {
		log_error("--svg %s: %s", o->svg_dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Fork job number `k` (from 0) into its own directory under base: true
 * when it runs. */
static bool start_job(struct job *j, int k, const char *base, const char *svg_dir)
{
	snprintf(j->dir, sizeof(j->dir), "%s/%02d-%s", base, k + 1, j->s.name);
	if (mkdir(j->dir, 0755) != 0 && errno != EEXIST) {
		log_error("%s: %s", j->dir, strerror(errno));
		j->status = 3;
		return false;
	}
	fflush(NULL);
	pid_t parent = getpid();
	j->pid = fork();
	if (j->pid == 0) {
		/* If lab run dies, the run is told to stop, and removes its
		 * namespaces and programs as on Ctrl-C. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
			_exit(3);
		_exit(run_one(j, svg_dir));
	}
	if (j->pid < 0) {
		log_error("fork: %s", strerror(errno));
		j->status = 3;
		return false;
	}
	return true;
}

/* A job's process ended: its status, cleanup if it was killed, its report. */
static void job_ended(struct job *j, int status, bool json)
{
	j->wstatus = status;
	j->status = WIFEXITED(status) ? WEXITSTATUS(status) : 3;
	if (WIFSIGNALED(status)) {
		/* It could not remove what it made: do it here (its programs
		 * died with it, PR_SET_PDEATHSIG). */
		struct dcd_err cerr = { "" };
		int gone = topo_cleanup_run(j->pid, &cerr);
		log_warn("%s: killed by signal %d; %s", j->s.name, WTERMSIG(status),
		         gone < 0 ? cerr.msg : "its namespaces removed");
	}
	cat_file(j->dir, "report.txt", json ? stderr : stdout);
	fflush(NULL);
}

/* Run the jobs, at most jobs_max at once, until all ended or Ctrl-C (then
 * nothing more starts and the running ones are told to stop). */
static void run_jobs(struct job *jobs, int n, const struct run_opts *o, const char *base)
{
	int running = 0, next = 0;
	bool forwarded = false;
	/* No SA_RESTART: a signal must interrupt wait() below. */
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (next < n || running > 0) {
		while (next < n && running < o->jobs_max && !interrupted) {
			next++;
			running += start_job(&jobs[next - 1], next - 1, base, o->svg_dir);
		}
		if (interrupted && next < n)
			next = n; /* start nothing more */
		if (interrupted && !forwarded) {
			/* Each run removes what it made when told to stop. */
			for (int k = 0; k < n; k++)
				if (jobs[k].pid > 0 && jobs[k].status < 0)
					kill(jobs[k].pid, SIGTERM);
			forwarded = true;
		}
		if (running == 0)
			break;
		int status;
		pid_t pid = wait(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int k = 0; k < n; k++)
			if (jobs[k].pid == pid) {
				running--;
				job_ended(&jobs[k], status, o->json);
			}
	}
}

struct run_counts {
	int passed, failed, errors;
	bool files_failed;
};

/* The JSON array and the JUnit file from the jobs' own reports; removes
 * the directories of the runs that passed (unless --keep). */
/* --html: each job's row and section (written by the job), into one page.
 * A job that died before writing them gets a row that says so. */
static int html_page(struct job *jobs, int n, const char *path, double wall_s)
{
	char *doc = NULL, *sect = NULL, sub[200];
	size_t len = 0, slen = 0;
	FILE *page = open_memstream(&doc, &len), *sects = open_memstream(&sect, &slen);
	int passed = 0, rc = -1;

	if (!page || !sects) {
		log_error("--html: out of memory");
		if (page)
			fclose(page);
		if (sects)
			fclose(sects);
		free(doc);
		free(sect);
		return -1;
	}
	for (int k = 0; k < n; k++)
		passed += jobs[k].status == 0;
	snprintf(sub, sizeof(sub),
	         "dcdlab lab run, the real kernel: %d scenarios, %d passed, %d not; %.1f s", n,
	         passed, n - passed, wall_s);
	html_begin(page, "dcdlab: scenarios in the lab", sub);
	fputs("<table class=\"sortable\"><thead><tr><th>scenario</th><th>result</th>"
	      "<th>expectations held</th><th>what it shows</th></tr></thead><tbody>\n",
	      page);
	for (int k = 0; k < n; k++) {
		char path_row[700];
		struct stat st;
		snprintf(path_row, sizeof(path_row), "%s/row.html", jobs[k].dir);
		if (jobs[k].status >= 0 && stat(path_row, &st) == 0) {
			cat_file(jobs[k].dir, "row.html", page);
			cat_file(jobs[k].dir, "section.html", sects);
			continue;
		}
		fputs("<tr><td>", page);
		html_text(page, jobs[k].s.name);
		fprintf(page, "</td><td class=\"fail\">%s</td><td></td><td>",
		        jobs[k].status < 0 ? "NOT RUN (interrupted)" : "COULD NOT RUN");
		html_text(page, jobs[k].s.describe);
		fputs("</td></tr>\n", page);
	}
	fputs("</tbody></table>\n", page);
	fclose(sects);
	fwrite(sect, 1, slen, page);
	html_end(page);
	if (fclose(page) == 0)
		rc = html_write_file(path, doc, len);
	free(doc);
	free(sect);
	return rc;
}

static struct run_counts collect_reports(struct job *jobs, int n, const struct run_opts *o, int bad,
                                         double wall_s)
{
	struct run_counts c = { 0 };
	FILE *jf = NULL;

	/* before the passed runs' directories go */
	if (o->html && html_page(jobs, n, o->html, wall_s) != 0)
		c.files_failed = true;
	if (o->junit && !(jf = fopen(o->junit, "w"))) {
		log_error("--junit %s: %s", o->junit, strerror(errno));
		c.files_failed = true;
	}
	if (jf)
		fprintf(jf,
		        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"dcdlab "
		        "lab\" tests=\"%d\">\n",
		        n);
	if (o->json)
		printf("{\"scenarios\":[");
	for (int k = 0, first = 1; k < n; k++) {
		struct job *j = &jobs[k];
		if (j->status < 0)
			continue; /* interrupted before it started */
		c.passed += j->status == 0;
		c.failed += j->status == 1;
		c.errors += j->status > 1;
		if (o->json) {
			printf("%s", first ? "" : ",");
			json_job(j, stdout);
			first = 0;
		}
		if (jf)
			cat_file(j->dir, "junit.xml", jf);
		if (j->status == 0 && !o->keep)
			remove_dir(j->dir);
	}
	if (o->json)
		printf("],\"passed\":%d,\"failed\":%d,\"errors\":%d,\"bad_files\":%d,"
		       "\"wall_s\":%.3f}\n",
		       c.passed, c.failed, c.errors, bad, wall_s);
	if (jf) {
		fprintf(jf, "</testsuite>\n");
		c.files_failed = ferror(jf) != 0;
		if (fclose(jf) != 0)
			c.files_failed = true;
		if (c.files_failed)
			log_error("--junit %s: %s", o->junit, strerror(errno));
	}
	return c;
}

static int lab_run(int argc, char **argv)
{
	struct run_opts o = { .jobs_max = 1 };
	struct job *jobs;
	int n = 0, bad = 0;
	char base[512];
	struct dcd_err err = { "" };
	int64_t t0_ms = clock_now_ms(&clock_monotonic);
	int nfiles = parse_run_args(argc, argv, &o);

	if (nfiles < 0)
		return 2;
	jobs = calloc((size_t)nfiles, sizeof(*jobs));
	if (!jobs)
		return 1;
	/* Read every file first: a bad one is reported with file:line, the
	 * others still run. */
	for (int i = 1; i <= nfiles; i++) {
		if (scenario_load(&jobs[n].s, argv[i], &err) != 0) {
			log_error("%s", err.msg);
			bad++;
			continue;
		}
		jobs[n++].status = -1;
	}
	if ((n && need_privileges() != 0) || make_base_dir(&o, base, sizeof(base)) != 0) {
		free(jobs);
		return 1;
	}
	run_jobs(jobs, n, &o, base);
	double wall_s = (double)(clock_now_ms(&clock_monotonic) - t0_ms) / 1000;
	struct run_counts c = collect_reports(jobs, n, &o, bad, wall_s);
	if (!o.keep && c.failed + c.errors == 0)
		rmdir(base);
	FILE *out = o.json ? stderr : stdout;
	fprintf(out,
	        "lab: %d scenarios: %d passed, %d failed, %d could not run%s, %d bad files; "
	        "%.1f s with -j %ld\n",
	        c.passed + c.failed + c.errors, c.passed, c.failed, c.errors,
	        interrupted ? " (interrupted)" : "", bad, wall_s, o.jobs_max);
	if (c.failed + c.errors)
		fprintf(out, "lab: captures and logs of the failed scenarios are in %s\n", base);
	free(jobs);
	if (interrupted)
		return 130;
	if (bad)
		return 2;
	return c.failed + c.errors || c.files_failed ? 1 : 0;
}

int cmd_lab(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(lab_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "topology") == 0)
		return lab_topology(argc - 1, argv + 1);
	if (strcmp(argv[1], "cleanup") == 0)
		return lab_cleanup();
	if (strcmp(argv[1], "run") == 0)
		return lab_run(argc - 1, argv + 1);
	log_error("lab: unknown action \"%s\" (run, topology, cleanup)", argv[1]);
	return 2;
}
