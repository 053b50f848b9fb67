/* outdir.c — what may be published and what is respondent-level, kept apart in the output
 * folder; and the work folders of runs that were killed, found and removed.
 *
 * restricted/: the stages' respondent-level files (dataset.tsd, weighted.tsd, rejects.csv with
 * raw rejected records, answers-labelled.csv) are written there, in a folder only its owner can
 * open (0700) from the moment it is made. At the end of the run they stay — files 0600, with a
 * README.txt that says what they are — only when --with-microdata was given; otherwise the
 * folder is removed and OUTDIR holds nothing respondent-level.
 *
 * Stale work folders: a run killed with SIGKILL (or by a crash, a power cut) cannot remove its
 * OUTDIR.tmpXXXXXX, which holds those respondent-level files, nor the earlier OUTDIR it had
 * just moved aside as OUTDIR.oldXXXXXX. Each run writes into its work folder, straight after
 * making it (and into the old folder, straight after moving it aside), PID_FILE with its process
 * id and the process's start time (/proc/PID/stat, field 22: a recycled pid has another). A
 * later run into the same OUTDIR removes a folder of either name only when its PID_FILE names a process that no longer exists,
 * or another process under the same pid. No pid file (a folder someone else made, or one whose
 * run died in the instant between mkdtemp and writing it), a live run, a file of that name that
 * is not a folder, or a folder of another user: left alone. */
#define _XOPEN_SOURCE 700 /* nftw */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report.h"

/* The start time of process PID in clock ticks since boot, or -1 when there is no such
 * process (or /proc does not say). */
static long long start_time(long pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    size_t k = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[k] = '\0';
    /* pid (comm) state ppid ...: comm may hold spaces and parentheses; count from the last ')'. */
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p++;
    for (int field = 3; field < 22; field++) {
        p = strchr(p + 1, ' ');
        if (!p)
            return -1;
    }
    return strtoll(p + 1, NULL, 10);
}

int rp_pid_file_write(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, RP_PID_FILE) >= (int)sizeof path)
        return -1;
    FILE *fp = fopen(path, "w");
    if (!fp)
        return -1;
    long pid = (long)getpid();
    fprintf(fp, "tsunagari-report pid %ld start %lld\n", pid, start_time(pid));
    return fclose(fp) == 0 ? 0 : -1;
}

/* 1 when DIR/PID_FILE proves that the run which made DIR has ended; 0 otherwise (no pid
 * file, one that does not read as ours, or a run still alive). */
static int proven_stale(const char *dir)
{
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/%s", dir, RP_PID_FILE) >= (int)sizeof path)
        return 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    char buf[128];
    ssize_t k = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (k <= 0)
        return 0;
    buf[k] = '\0';
    long pid;
    long long start;
    if (sscanf(buf, "tsunagari-report pid %ld start %lld", &pid, &start) != 2 || pid <= 0)
        return 0;
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
        return 1;                 /* no such process */
    long long now = start_time(pid);
    return now >= 0 && start >= 0 && now != start; /* the pid is another process's now */
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* mkdtemp's six characters: letters and digits. */
static int temp_suffix(const char *s)
{
    if (strlen(s) != 6)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
            return 0;
    return 1;
}

void rp_remove_stale(const char *outdir, int quiet)
{
    char parent[PATH_MAX];
    snprintf(parent, sizeof parent, "%s", outdir);
    char *slash = strrchr(parent, '/');
    const char *base = slash ? slash + 1 : outdir;
    if (slash)
        *(slash == parent ? slash + 1 : slash) = '\0';
    else
        snprintf(parent, sizeof parent, ".");
    size_t blen = strlen(base);
    DIR *d = opendir(parent);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, base, blen) != 0 ||
            (strncmp(e->d_name + blen, ".tmp", 4) != 0 && strncmp(e->d_name + blen, ".old", 4) != 0) ||
            !temp_suffix(e->d_name + blen + 4))
            continue;
        char path[PATH_MAX];
        if (snprintf(path, sizeof path, "%s%s%s", parent, strcmp(parent, "/") ? "/" : "", e->d_name) >=
            (int)sizeof path)
            continue;
        struct stat st;
        if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() || !proven_stale(path))
            continue;
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        if (!quiet)
            fprintf(stderr, "tsunagari-report: removed %s, left by an earlier run that was killed\n", path);
    }
    closedir(d);
}

int rp_restricted_make(void)
{
    if (mkdir(RP_RESTRICTED, 0700) != 0)
        return -1;
    return chmod(RP_RESTRICTED, 0700); /* whatever the umask */
}

/* The README of restricted/, in Japanese and English. */
static const char readme[] =
    "このフォルダ（restricted/）について\n"
    "====================================\n"
    "\n"
    "ここにあるファイルは回答者ごとの個票データ（マイクロデータ）です。公開しないでください。\n"
    "報告書・集計表・図表と一緒に配布・掲載してはいけません。調査の担当者とデータ管理者だけが、\n"
    "定められた保管方法で扱ってください。\n"
    "\n"
    "  dataset.tsd           検査済みの全回答（回答者ごとの値）\n"
    "  weighted.tsd          同じ回答にウェイトを付けたもの\n"
    "  rejects.csv           除外した行と項目の警告。元の回答行をそのまま含み、自由記述\n"
    "                        （氏名・電話番号などが書かれていることがあります）も含みます\n"
    "  answers-labelled.csv  全回答を日本語のラベルとウェイト付きで表にしたもの\n"
    "  answers.sav, .dta     同じ回答とラベル・ウェイトの SPSS・Stata 形式（[report]\n"
    "                        microdata_formats で指定したときだけ）\n"
    "\n"
    "tsunagari-report は --with-microdata を指定したときだけこのフォルダを残します。\n"
    "各ファイルの SHA-256 は一つ上のフォルダの reproducibility.txt にあります。\n"
    "\n"
    "About this folder (restricted/)\n"
    "===============================\n"
    "\n"
    "The files here are respondent-level data (microdata). Do not publish them, and do not\n"
    "distribute them with the report, tables or charts in the folder above. Only the survey's\n"
    "staff and data steward may handle them, stored as your data-protection rules require.\n"
    "\n"
    "  dataset.tsd           every validated answer, one record per respondent\n"
    "  weighted.tsd          the same with the weights\n"
    "  rejects.csv           rejected rows and item warnings, with the raw record as it was read,\n"
    "                        free text included (it may hold a name or a phone number)\n"
    "  answers-labelled.csv  every answer with Japanese labels and the weight\n"
    "  answers.sav, .dta     the same answers, labels and weights for SPSS and Stata (only when\n"
    "                        [report] microdata_formats asks for them)\n"
    "\n"
    "tsunagari-report keeps this folder only when run with --with-microdata. The SHA-256 of\n"
    "each file is in reproducibility.txt in the folder above (docs/report.md).\n";

int rp_restricted_finish(int keep)
{
    if (!keep) {
        nftw(RP_RESTRICTED, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        return access(RP_RESTRICTED, F_OK) == 0 ? -1 : 0;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/README.txt", RP_RESTRICTED);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return -1;
    ssize_t k = write(fd, readme, sizeof readme - 1);
    if (close(fd) != 0 || k != (ssize_t)(sizeof readme - 1))
        return -1;
    DIR *d = opendir(RP_RESTRICTED);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", RP_RESTRICTED, e->d_name);
        if (chmod(path, 0600) != 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}
