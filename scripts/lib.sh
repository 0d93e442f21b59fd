# lib.sh: helpers the bench scripts share; source it.

# busy_split: the CPU time the whole machine has spent busy so far, from
# /proc/stat, in ms of one core: "USER SYSTEM IRQ" (user+nice, system,
# irq+softirq). The engine's daemons, runc, the fuse-overlayfs mounts and
# the containers are all in it, which a command's own rusage is not.
busy_split() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {printf "%d %d %d\n", ($2 + $3) * 1000 / hz, $4 * 1000 / hz, ($7 + $8) * 1000 / hz}' /proc/stat; }

# busy_ms: busy_split's sum.
busy_ms() { busy_split | awk '{print $1 + $2 + $3}'; }

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.4f\n", (a[NR/2]+a[NR/2+1])/2}'; }
