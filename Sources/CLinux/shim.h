// Linux calls that Swift's Glibc module leaves out: epoll, eventfd, signalfd, prctl, memfd, closefrom in posix_spawn.
#include <linux/memfd.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

// glibc (2.34 on) declares this only under _GNU_SOURCE, which clashes with Swift's Glibc module.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

// prctl(2) is variadic, which Swift cannot call.
static inline int clinux_set_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, signal); }
// glibc declares memfd_create(2) only under _GNU_SOURCE, which clashes with Swift's Glibc module; syscall(2) is variadic.
static inline int clinux_memfd_create(const char *name) { return (int)syscall(SYS_memfd_create, name, MFD_CLOEXEC); }
