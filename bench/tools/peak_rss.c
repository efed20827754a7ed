/* peak_rss.c — runs a command and writes its peak resident set (KiB) to a
 * file: peak_rss OUT COMMAND [ARGS...]. Exits as the command did.
 *
 * bench/run measures through this small launcher because Linux carries a
 * process's peak RSS across exec: a child forked straight from Python would
 * report at least Python's own size (about 17 MiB). Forked from this
 * program, the floor is this program's few hundred KiB. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: peak_rss OUT COMMAND [ARGS...]\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) return 2;
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) return 2;
  FILE *f = fopen(argv[1], "w");
  if (f) {
    fprintf(f, "%ld\n", ru.ru_maxrss);
    fclose(f);
  }
  if (WIFSIGNALED(status)) {
    signal(WTERMSIG(status), SIG_DFL);
    raise(WTERMSIG(status));
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
