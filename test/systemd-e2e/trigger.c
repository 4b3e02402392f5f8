/*
 * trigger: make the named system calls, raw, through syscall(2) (never a libc wrapper, which may
 * call something else: glibc's setrlimit is prlimit64). Each call is harmless whether or not it
 * succeeds; an errno is fine. Exits 0 once every call has returned, so a seccomp filter that
 * kills it shows as a unit killed by SIGSYS, and one that lets every call through as success.
 *
 *   trigger CALL...      CALL: getpid setrlimit mount umount2 swapoff sched_setaffinity adjtimex
 *
 * mount puts a small tmpfs on /run/trigger-mnt (made if missing), umount2 takes it off again.
 * sched_setaffinity sets the CPU mask the process already has; adjtimex only reads the clock
 * (modes 0).
 * Built with gcc -static (and -m32 for the i386 case) by run-case.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timex.h>
#include <unistd.h>

#define MOUNT_POINT "/run/trigger-mnt"

static const char *const calls[] = { "getpid", "setrlimit", "mount", "umount2", "swapoff", "sched_setaffinity", "adjtimex" };

static long call(const char *name)
{
	if (strcmp(name, "getpid") == 0)
		return syscall(SYS_getpid);
	if (strcmp(name, "setrlimit") == 0) {
		/* Lowering the core size limit to 0 is allowed and changes nothing of note. */
		struct rlimit none = { 0, 0 };
		return syscall(SYS_setrlimit, RLIMIT_CORE, &none);
	}
	if (strcmp(name, "mount") == 0) {
		mkdir(MOUNT_POINT, 0755); /* libc, not raw: only mount is meant to be tested */
		return syscall(SYS_mount, "trigger", MOUNT_POINT, "tmpfs", 0UL, "size=64k");
	}
	if (strcmp(name, "umount2") == 0)
		return syscall(SYS_umount2, MOUNT_POINT, 0);
	if (strcmp(name, "swapoff") == 0)
		return syscall(SYS_swapoff, "/nonexistent/seccomp-explain-e2e");
	if (strcmp(name, "sched_setaffinity") == 0) {
		cpu_set_t mask;
		CPU_ZERO(&mask);
		if (sched_getaffinity(0, sizeof(mask), &mask) != 0) /* libc, not raw: only the set is meant to be tested */
			return -1;
		return syscall(SYS_sched_setaffinity, 0, sizeof(mask), &mask);
	}
	if (strcmp(name, "adjtimex") == 0) {
		struct timex query;
		memset(&query, 0, sizeof(query));
		return syscall(SYS_adjtimex, &query);
	}
	return syscall(SYS_getpid); /* not reached: main checked the names */
}

static int known(const char *name)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (strcmp(name, calls[i]) == 0)
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	int usable = argc > 1;
	for (int i = 1; i < argc; i++)
		usable = usable && known(argv[i]);
	if (!usable) {
		fprintf(stderr, "usage: trigger CALL... (getpid setrlimit mount umount2 swapoff sched_setaffinity adjtimex)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		printf("trigger: calling %s (%zu-bit)\n", argv[i], sizeof(long) * 8);
		fflush(stdout); /* before the call: a killed process prints nothing more */
		errno = 0;
		long ret = call(argv[i]);
		printf("trigger: %s returned %ld%s%s\n", argv[i], ret, ret < 0 ? ", " : "", ret < 0 ? strerror(errno) : "");
	}
	printf("trigger: every call returned\n");
	return 0;
}
