/* netns.c - named network namespaces (iproute2 ip/ipnetns.c does the same
 * dance: a shared /run/netns, an empty file, unshare, bind mount). */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int run_dir_ready(struct dcd_err *err)
{
	if (mkdir(NETNS_RUN_DIR, 0755) != 0 && errno != EEXIST) {
		err_set(err, "mkdir %s: %s", NETNS_RUN_DIR, strerror(errno));
		return -1;
	}
	/* Shared, so the bind mounts show in other mount namespaces too; if it
	 * is not a mount point yet, make it one first. */
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) != 0) {
		if (errno != EINVAL ||
		    mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL) != 0 ||
		    mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL) != 0) {
			err_set(err, "mount --make-shared %s: %s", NETNS_RUN_DIR, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int netns_create(const char *name, struct dcd_err *err)
{
	char path[256];
	int self, fd;

	if (run_dir_ready(err) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	if (fd < 0) {
		err_set(err, "create %s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		err_set(err, "open /proc/self/ns/net: %s", strerror(errno));
		unlink(path);
		return -1;
	}
	if (unshare(CLONE_NEWNET) != 0) {
		err_set(err, "unshare(CLONE_NEWNET) for %s: %s", name, strerror(errno));
		close(self);
		unlink(path);
		return -1;
	}
	int rc = mount("/proc/self/ns/net", path, "none", MS_BIND, NULL);
	int saved = errno;
	/* Back to where we were, whatever happened. */
	if (setns(self, CLONE_NEWNET) != 0) {
		err_set(err, "setns back to the original namespace: %s", strerror(errno));
		close(self);
		return -1;
	}
	close(self);
	if (rc != 0) {
		err_set(err, "bind mount of the new namespace on %s: %s", path, strerror(saved));
		unlink(path);
		return -1;
	}
	return 0;
}

int netns_delete(const char *name, struct dcd_err *err)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	if (umount2(path, MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
		err_set(err, "umount %s: %s", path, strerror(errno));
		return -1;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		err_set(err, "remove %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int netns_open(const char *name, struct dcd_err *err)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err_set(err, "open %s: %s", path, strerror(errno));
	return fd;
}

int netns_enter(int fd, const char *what, struct dcd_err *err)
{
	if (setns(fd, CLONE_NEWNET) != 0) {
		err_set(err, "setns into %s: %s", what, strerror(errno));
		return -1;
	}
	return 0;
}

int netns_sysctl(const char *path, const char *value, struct dcd_err *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, value, strlen(value)) != (ssize_t)strlen(value)) {
		err_set(err, "%s = %s: %s", path, value, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
